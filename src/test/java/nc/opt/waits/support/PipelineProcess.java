package nc.opt.waits.support;

import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;

/**
 * A pipeline instance in an OS process of its own (the test classpath, CamelApp's loading of the
 * very same route and properties files), so that a test can kill it with SIGKILL as a crash would:
 * no shutdown hook, no consumer leaving its group, no lock released but by the OS. Its log is
 * target/test-logs/instance-NAME.log.
 */
public final class PipelineProcess implements AutoCloseable {
    private static final List<Process> RUNNING = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly)));
    }

    public final String name;
    public final int httpPort;
    private final Process process;

    private PipelineProcess(String name, int httpPort, Process process) {
        this.name = name;
        this.httpPort = httpPort;
        this.process = process;
    }

    /** Starts an instance with these route files and overrides, and waits until /observe/health answers. */
    public static PipelineProcess start(String name, String routes, Map<String, String> overrides) throws IOException {
        int port = CamelApp.freePort();
        Map<String, String> all = new LinkedHashMap<>();
        all.put("camel.server.port", String.valueOf(port));
        all.put("camel.management.port", String.valueOf(port));
        all.putAll(overrides);
        List<String> command = new ArrayList<>(List.of(
                System.getProperty("java.home") + "/bin/java", "-Xms64m", "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Dlog4j2.configurationFile=log4j2-instance.xml", "-Dinstance.name=" + name,
                "-cp", System.getProperty("java.class.path"), PipelineProcess.class.getName(), routes));
        all.forEach((key, value) -> command.add(key + "=" + value));
        new File("target/test-logs").mkdirs();
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(new File("target/test-logs/instance-" + name + ".out")).start();
        RUNNING.add(process);
        PipelineProcess instance = new PipelineProcess(name, port, process);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("instance " + name + " ended: see target/test-logs/instance-" + name + ".*");
            }
            try {
                return instance.health().statusCode() > 0;
            } catch (IOException notYet) {
                return false;
            }
        });
        return instance;
    }

    public HttpResponse<String> health() throws IOException, InterruptedException {
        return Http.get(url("/observe/health?exposureLevel=full"));
    }

    public String url(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crash: nothing of the instance runs after it. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
        RUNNING.remove(process);
    }

    /** SIGTERM: Camel's graceful shutdown. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        RUNNING.remove(process);
    }

    /** In the instance's process: args = the routes pattern, then key=value overrides. */
    public static void main(String[] args) throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            overrides.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        CamelApp app = CamelApp.start("file:application.properties", args[0], overrides);
        Runtime.getRuntime().addShutdownHook(new Thread(app::close));
        Thread.currentThread().join();
    }
}
