package nc.opt.waits.support;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One KRaft Kafka node of the tests, run as an OS process as the local stack runs it (bin/stack
 * kafka_start): the Kafka 4.3 broker's jars, which the build copies into target/kafka-broker/lib
 * from stack/kafka/pom.xml, and `java -cp lib/* kafka.Kafka server.properties`. The test JVM keeps
 * only the client (camel-kafka's, as `camel run`). Data in target/kafka-test/NAME, output in
 * target/test-logs/kafka-NAME.log. {@link #kill()} is a crash (SIGKILL); {@link #start()} again is
 * a new process on the same ports and data.
 */
final class KafkaNode {
    /** the broker's jars and its log4j2 config: set by the poms, these defaults for a run from the project folder */
    static final Path LIB = Path.of(System.getProperty("kafka.broker.lib", "target/kafka-broker/lib")).toAbsolutePath();
    static final Path LOG4J2 = Path.of(System.getProperty("kafka.broker.log4j2", "stack/kafka/log4j2.properties")).toAbsolutePath();
    private static final Path ROOT = Path.of("target/kafka-test").toAbsolutePath();
    private static final Path LOGS = Path.of("target/test-logs").toAbsolutePath();
    private static final Set<KafkaNode> LIVE = ConcurrentHashMap.newKeySet();

    static {
        killLeftovers();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ShutdownLog.timed("the test Kafka processes killed", () -> {
            for (KafkaNode node : LIVE) {
                node.kill();
            }
        })));
    }

    final String name;
    private final Path dir;
    private final Path config;
    private final Path log;
    private Process process;

    /** Writes the node's server.properties (settings plus its data folder); nothing runs yet. */
    KafkaNode(String name, Map<String, String> settings) {
        this.name = name;
        this.dir = ROOT.resolve(name);
        this.config = dir.resolve("server.properties");
        this.log = LOGS.resolve("kafka-" + name + ".log");
        Map<String, String> all = new TreeMap<>(settings);
        all.put("log.dirs", dir.resolve("data").toString());
        try {
            Files.createDirectories(dir);
            Files.createDirectories(LOGS);
            Files.writeString(config, all.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("\n", "", "\n")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new cluster id, for {@link #format}: every node of a cluster is formatted with the same. */
    static String newClusterId() {
        return Uuid.randomUuid().toString();
    }

    /** Formats the node's storage (kafka-storage format), with extra arguments such as --add-scram. */
    void format(String clusterId, String... extra) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString()));
        command.addAll(List.of(extra));
        Process format = launch(command);
        if (format.waitFor() != 0) {
            throw new IllegalStateException("formatting Kafka node " + name + " failed (exit " + format.exitValue() + "): see " + log);
        }
    }

    /** Starts the node's process; {@link #awaitBrokers} tells when it answers. */
    synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("Kafka node " + name + " is already running");
        }
        process = launch(List.of("kafka.Kafka", config.toString()));
        LIVE.add(this);
        Files.writeString(dir.resolve("pid"), String.valueOf(process.pid()));
    }

    /** Kills the process as a crash would (SIGKILL: no controlled shutdown, nothing flushed) and waits until it is gone. */
    synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor();
            LIVE.remove(this);
        }
    }

    /** `java -cp lib/* MAIN ARGS...` with a small heap, its output appended to the node's log. */
    private Process launch(List<String> mainAndArgs) throws IOException {
        File[] broker = LIB.toFile().listFiles((folder, name) -> name.startsWith("kafka_2.13-") && name.endsWith(".jar"));
        if (broker == null || broker.length == 0) {
            throw new IllegalStateException("no Kafka broker jars in " + LIB + ": the build copies them there "
                    + "(mvn generate-test-resources, see the pom's test-kafka-broker execution)");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + LOG4J2, "-cp", LIB + File.separator + "*"));
        command.addAll(mainAndArgs);
        // not the arguments: format's can hold passwords (--add-scram)
        Files.writeString(log, "==== " + Instant.now() + " " + mainAndArgs.get(0) + " " + config + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /**
     * Waits until a client of the given settings (bootstrap servers and security) sees the broker
     * ids in the cluster: a broker answers only once it is registered and unfenced.
     */
    void awaitBrokers(Map<String, Object> clientConfig, Set<Integer> ids, Duration timeout) throws InterruptedException {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka node " + name + " exited (" + process.exitValue() + "): see " + log);
            }
            try (Admin admin = Admin.create(config)) {
                Set<Integer> seen = admin.describeCluster().nodes().get().stream().map(Node::id).collect(Collectors.toSet());
                if (seen.containsAll(ids)) {
                    return;
                }
                last = new IllegalStateException("brokers seen: " + seen);
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Kafka node " + name + " did not answer within " + timeout + ": see " + log, last);
    }

    /** a port free now on the loopback interface */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * The brokers of an earlier test JVM that died without its shutdown hook (killed by failsafe's
     * timeout, say) still hold their ports: killed here. Their data and logs are deleted (each test
     * JVM writes its own, as all.log).
     */
    private static void killLeftovers() {
        try (Stream<Path> logs = Files.isDirectory(LOGS) ? Files.list(LOGS) : Stream.empty()) {
            logs.filter(f -> f.getFileName().toString().matches("kafka-.*\\.log")).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            ShutdownLog.write("cleaning " + LOGS + " up: " + e);
        }
        if (!Files.isDirectory(ROOT)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(ROOT)) {
            for (Path pidFile : dirs.map(d -> d.resolve("pid")).filter(Files::isRegularFile).toList()) {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()))
                        .filter(p -> p.info().commandLine().orElse("").contains(pidFile.getParent().toString()))
                        .ifPresent(p -> {
                            p.destroyForcibly();
                            p.onExit().join();
                        });
            }
            try (Stream<Path> files = Files.walk(ROOT)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        } catch (IOException | NumberFormatException e) {
            ShutdownLog.write("cleaning " + ROOT + " up: " + e);
        }
    }
}
