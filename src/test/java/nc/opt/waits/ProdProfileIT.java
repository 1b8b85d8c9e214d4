package nc.opt.waits;

import nc.opt.waits.support.CamelApp;
import nc.opt.waits.support.Http;
import nc.opt.waits.support.TestKafka;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The prod profile (application-prod.properties, as `camel run --profile=prod` loads it) with the
 * key from OPT_API_KEY: the gateway (a simulator that demands that key) lets the polls through,
 * and no log line holds the key. Only the API's URL is pointed at the simulator.
 */
class ProdProfileIT {
    @Test
    void sendsTheKeyHeaderAndNeverLogsIt() throws Exception {
        String key = System.getenv("OPT_API_KEY");
        assertTrue(key != null && key.length() >= 10, "failsafe sets OPT_API_KEY for this test");
        String topic = "it-prod-" + UUID.randomUUID();
        int simPort = CamelApp.freePort();
        String simUrl = "http://127.0.0.1:" + simPort;
        try (CamelApp simulator = CamelApp.simulator(Map.of(
                "camel.server.port", String.valueOf(simPort), "sim.api-key", key,
                "sim.clock.start", "2026-11-23T11:00:00", "sim.clock.frozen", "true"))) {
            assertEquals(401, Http.get(simUrl + "/agences").statusCode(), "the simulator demands the key");
            try (CamelApp pipeline = CamelApp.pipeline("file:application.properties,file:application-prod.properties", Map.of(
                    "opt.api.url", simUrl,
                    "poll.delay-ms", "0",
                    "csv.dir", "target/it-csv-prod", "camel.main.autoConfigurationLogSummary", "true",
                    "camel.component.kafka.brokers", TestKafka.bootstrapServers(),
                    "kafka.topic.readings", topic,
                    "kafka.topic.dead-letter", topic + "-dlq",
                    "camel.main.routesExcludePattern", CamelApp.ALL_BUT_THE_POLL))) {
                assertFalse(TestKafka.readAll(topic, 1, Duration.ofSeconds(60)).isEmpty(), "a poll got through the gateway");
            }
        }
        List<String> lines = Files.readAllLines(Path.of("target/test-logs/all.log"));
        assertTrue(lines.stream().anyMatch(line -> line.contains("opt.api.url = ")), "the log holds the pipeline's property summary...");
        assertTrue(lines.stream().noneMatch(line -> line.contains(key)), "...but its value never appears in the log");
    }

}
