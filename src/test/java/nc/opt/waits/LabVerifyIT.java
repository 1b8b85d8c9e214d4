package nc.opt.waits;

import nc.opt.waits.support.Agencies;
import nc.opt.waits.support.CamelApp;
import nc.opt.waits.support.OpenSearch;
import nc.opt.waits.support.TestKafka;
import nc.opt.waits.support.TestOpenSearch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The verify scripts of the KillerCoda lab (killercoda/opt-waits-lab/stepN-verify.sh), run with bash
 * against this machine's real stack: the simulator, a Kafka broker, OpenSearch and the pipeline as in
 * IndexingIT, the scripts' settings (ports, URLs, folder, topic, index) pointed at them through their
 * environment variables. Each verify must fail before its step is done and pass after: a verify that
 * cannot fail checks nothing.
 * <p>
 * Not run here: step 7's verify passes only with OpenSearch Dashboards, which cannot be obtained on
 * these machines (it is only checked to fail closed when Dashboards does not answer); and on
 * KillerCoda, step 5's verify reads the topic with `docker compose exec kafka`, where here it uses
 * Kafka's own GetOffsetShell (KAFKA_TOOLS_CP: the jars of stack/kafka/pom.xml, as bin/stack uses).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabVerifyIT {
    static final Path LAB = Path.of("killercoda/opt-waits-lab").toAbsolutePath();
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String READINGS = "it-lab-readings-" + RUN;
    static final String INDEX = "opt-waits-readings-lab" + RUN;
    static final Path CSV_DIR = Path.of("target", "it-csv-lab-" + RUN).toAbsolutePath();
    /** a Monday afternoon: the agencies are open, no wait reaches 10 minutes (red) */
    static final String QUIET = "2026-11-23T14:30:00";
    /** the next morning's peak, as in step 8 */
    static final String PEAK = "2026-11-24T09:30:00";

    static int simPort;
    static int managementPort;
    static String kafkaToolsClasspath;
    static CamelApp simulator;
    static CamelApp pipeline;

    @BeforeAll
    static void start() throws Exception {
        TestOpenSearch.url();
        TestKafka.bootstrapServers();
        simPort = CamelApp.freePort();
        managementPort = CamelApp.freePort();
        kafkaToolsClasspath = kafkaTools();
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    @Order(1)
    void beforeTheirStepTheVerifiesFail() throws Exception {
        assertNotYet(verify(1), "simulator does not answer");
        assertNotYet(verify(2, "CAMEL_CMD", "/nonexistent/camel"), "no camel command");
        assertNotYet(verify(3), "no answer from the routes' health check");
        assertNotYet(verify(4), "no waits-*.csv");
        assertNotYet(verify(5), "no message in topic");
        assertNotYet(verify(6), "no index");
        assertNotYet(verify(7), "no dashboard");
        assertNotYet(verify(8), "the search failed");
        assertNotYet(verify(9), "no map page");
    }

    @Test
    @Order(2)
    void onceThePipelineRanTheVerifiesOfSteps1To6Pass() throws Exception {
        simulator = simulator(QUIET);
        pipeline = CamelApp.pipeline("file:application.properties", pipelineSettings());
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> OpenSearch.count(INDEX) >= Agencies.all().size());
        for (int step = 1; step <= 6; step++) {
            Result result = verify(step);
            assertEquals(0, result.exit, "step " + step + ": " + result.output);
        }
        // step 7 (Dashboards) cannot pass here: there is no OpenSearch Dashboards on these machines
        assertNotYet(verify(7), "no dashboard");
        assertNotYet(verify(8), "no red agency"); // on a quiet afternoon
        Result map = verify(9);
        assertEquals(0, map.exit, "step 9: " + map.output);
        assertTrue(map.output.contains("the map shows 60 agencies"), map.output);
    }

    @Test
    @Order(3)
    void step8PassesOnceTheSimulatorsClockIsAtTheMorningPeak() throws Exception {
        simulator.close();
        simulator = simulator(PEAK); // the same port: the pipeline goes on polling it
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).until(() -> verify(8).exit == 0);
        assertTrue(verify(8).output.contains("red now: "));
    }

    // ---------------------------------------------------------------------------------------------

    static CamelApp simulator(String clock) throws Exception {
        return CamelApp.simulator(Map.of("camel.server.port", String.valueOf(simPort), "sim.clock.start", clock));
    }

    static Map<String, String> pipelineSettings() {
        Map<String, String> overrides = CamelApp.onTestStack(READINGS, "it-lab-dead-letters-" + RUN, INDEX, "it-lab-indexer-" + RUN);
        overrides.putAll(CamelApp.polling(simPort, CSV_DIR.toString()));
        overrides.put("poll.backoff.initial-ms", "1000");
        overrides.put("poll.backoff.max-ms", "2000");
        // every route runs, as `camel run routes/*` in the lab; the alerts on names of their own
        overrides.put("alerts.topic", "it-lab-alerts-" + RUN);
        overrides.put("alerts.thresholds-topic", "it-lab-thresholds-" + RUN);
        overrides.put("alerts.group-id", "it-lab-alerts-" + RUN);
        overrides.put("alerts.index.name", "it-lab-alerts-" + RUN);
        overrides.put("alerts.index.group-id", "it-lab-alerts-indexer-" + RUN);
        overrides.put("alerts.webhook.group-id", "it-lab-webhook-" + RUN);
        // one port for the HTTP API and the management endpoints (see CamelApp.httpPorts)
        overrides.put("camel.server.port", String.valueOf(managementPort));
        overrides.put("camel.management.port", String.valueOf(managementPort));
        return overrides;
    }

    record Result(int exit, String output) {
    }

    /** the verify failed the way it says a step is not done yet (not by a broken script) */
    static void assertNotYet(Result result, String reason) {
        assertNotEquals(0, result.exit, result.output);
        assertTrue(result.output.contains("Not yet: ") && result.output.contains(reason), result.output);
    }

    /** runs stepN-verify.sh with the lab's settings pointed at this test's stack (and extra NAME, VALUE pairs) */
    static Result verify(int step, String... extra) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", LAB.resolve("step" + step + "-verify.sh").toString())
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("LAB_LIB", LAB.resolve("assets/lab-lib.sh").toString());
        env.put("LAB_DIR", Path.of("target", "no-lab-dir").toAbsolutePath().toString());
        env.put("KAFKA_BOOTSTRAP", TestKafka.bootstrapServers());
        env.put("KAFKA_TOPIC", READINGS);
        env.put("KAFKA_TOOLS_CP", kafkaToolsClasspath);
        env.put("OPENSEARCH_URL", TestOpenSearch.url());
        env.put("OPENSEARCH_USER", ""); // the test OpenSearch has no security plugin
        env.put("OPENSEARCH_INDEX", INDEX);
        env.put("SIM_URL", "http://127.0.0.1:" + simPort);
        env.put("HEALTH_URL", "http://127.0.0.1:" + managementPort + "/observe/health");
        env.put("CSV_DIR", CSV_DIR.toString());
        env.put("CAMEL_CMD", Path.of("bin/camel").toAbsolutePath().toString());
        env.put("MAP_URL", "http://127.0.0.1:" + managementPort);
        env.put("DASHBOARDS_URL", "http://127.0.0.1:" + CamelApp.freePort()); // nothing listens there
        for (int i = 0; i + 1 < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "step " + step + " verify finished");
        System.out.printf("step%d-verify.sh -> %d: %s%n", step, process.exitValue(), output.strip());
        return new Result(process.exitValue(), output.strip());
    }

    /** the classpath of Kafka's command-line tools, resolved by Maven from stack/kafka/pom.xml (as bin/stack does) */
    static String kafkaTools() throws Exception {
        Path file = Path.of("target", "lab-kafka-tools.classpath").toAbsolutePath();
        Files.createDirectories(Path.of("target", "test-logs"));
        Process mvn = new ProcessBuilder("mvn", "-q", "-B", "-f", "stack/kafka/pom.xml", "dependency:build-classpath",
                "-Dmdep.outputFile=" + file).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/test-logs/lab-kafka-tools.log"))).start();
        assertTrue(mvn.waitFor(300, TimeUnit.SECONDS) && mvn.exitValue() == 0, "see target/test-logs/lab-kafka-tools.log");
        return Files.readString(file).strip();
    }
}
