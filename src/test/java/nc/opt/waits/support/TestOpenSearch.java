package nc.opt.waits.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real single-node OpenSearch for the tests, started with the project's own bin/stack (the
 * distribution from Maven Central, run as an unprivileged user), on free ports, in a stack folder
 * of its own so that it never touches a developer's running stack. It can be stopped and started
 * again (outage tests); it is stopped when the test JVM ends.
 */
public final class TestOpenSearch {
    /**
     * kept between runs so the distribution is unpacked once (its data is reset at each start); one
     * per checkout, so that two checkouts' test runs never share it
     */
    static final Path STACK_DIR = Path.of(System.getProperty("java.io.tmpdir"),
            "opt-waits-test-stack-" + Integer.toHexString(Path.of("").toAbsolutePath().hashCode()));
    private static String url;
    private static int port;
    private static int transportPort;

    private TestOpenSearch() {
    }

    public static synchronized String url() {
        if (url == null) {
            try {
                port = CamelApp.freePort();
                transportPort = CamelApp.freePort();
                stack("reset");
                start();
                url = "http://127.0.0.1:" + port;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> ShutdownLog.timed("the test OpenSearch stopped", TestOpenSearch::stop)));
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("cannot start the test OpenSearch", e);
            }
        }
        return url;
    }

    public static void start() throws IOException, InterruptedException {
        stack("up", "opensearch");
    }

    public static void stop() throws IOException, InterruptedException {
        stack("down", "opensearch");
    }

    private static void stack(String... command) throws IOException, InterruptedException {
        List<String> line = new java.util.ArrayList<>(List.of("bin/stack"));
        line.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/test-logs/stack.log")));
        new File("target/test-logs").mkdirs();
        Map<String, String> env = builder.environment();
        env.put("STACK_MODE", "local");
        env.put("STACK_DIR", STACK_DIR.toString());
        env.put("OPENSEARCH_PORT", String.valueOf(port));
        env.put("OPENSEARCH_TRANSPORT_PORT", String.valueOf(transportPort));
        int exit = builder.start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("bin/stack " + String.join(" ", command) + " failed (exit " + exit
                    + "): see target/test-logs/stack.log");
        }
    }
}
