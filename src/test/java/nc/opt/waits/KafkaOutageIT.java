package nc.opt.waits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import nc.opt.waits.support.CamelApp;
import nc.opt.waits.support.Http;
import nc.opt.waits.support.PolledReadings;
import nc.opt.waits.support.TestKafkaCluster;
import nc.opt.waits.support.TestOpenSearch;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kafka down, nothing lost: the pipeline polls (1 s) a simulator whose clock runs 120 times faster
 * (new observations at every poll) into a Kafka broker of the test's own, which is stopped for a
 * few polls and started again, with no command to the pipeline. Every reading polled meanwhile, and
 * the dead letter made meanwhile, must reach the topics by themselves, in poll order per agency, and
 * every reading must be in OpenSearch once. Also with the pipeline restarted in the middle of the
 * outage: the readings wait on disk, in the outbox.
 */
class KafkaOutageIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    static TestKafkaCluster kafka;
    static CamelApp simulator;
    static int simPort;

    @BeforeAll
    static void start() throws Exception {
        TestOpenSearch.url();
        kafka = TestKafkaCluster.start(1);
        simPort = CamelApp.freePort();
        simulator = CamelApp.simulator(Map.of(
                "camel.server.port", String.valueOf(simPort),
                "sim.clock.start", "2026-11-23T08:00:00",
                "sim.clock.speed", "120"));
    }

    @AfterAll
    static void stop() {
        if (simulator != null) {
            simulator.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    static String readings(String index) {
        return index + "-readings";
    }

    static String deadLetters(String index) {
        return index + "-dead-letters";
    }

    /** the pipeline without alerts and ingest, on this test's broker, its own topics and index */
    static CamelApp pipeline(String csvDir, String index) throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>(CamelApp.onTestStack(readings(index), deadLetters(index), index, "it-outage-" + index));
        overrides.put("camel.component.kafka.brokers", kafka.bootstrapServers());
        overrides.putAll(CamelApp.polling(simPort, csvDir));
        overrides.put("outbox.retry-delay-ms", "500");
        overrides.put("camel.main.routesExcludePattern", "file:routes/alert*.camel.yaml,file:routes/http-api.camel.yaml");
        return CamelApp.pipeline("file:application.properties", overrides);
    }

    static void awaitMorePolls(String csvDir, int more) throws IOException {
        int before = PolledReadings.polls(csvDir).size();
        await().atMost(Duration.ofSeconds(60 + 2L * more)).until(() -> PolledReadings.polls(csvDir).size() >= before + more);
    }

    @Test
    void kafkaStoppedForThreePollsThenStartedAgainLosesNothing() throws Exception {
        String csvDir = "target/it-csv-outage-" + RUN + "-a";
        String index = "it-outage-a-" + RUN;
        kafka.createTopics(readings(index), deadLetters(index));
        try (CamelApp pipeline = pipeline(csvDir, index)) {
            String management = "http://127.0.0.1:" + pipeline.property("camel.management.port");
            awaitMorePolls(csvDir, 2);
            await().atMost(Duration.ofSeconds(30)).until(() -> outboxMessages(management) == 0);

            kafka.stopBroker(0);
            Set<String> pollsBefore = PolledReadings.polls(csvDir);
            awaitMorePolls(csvDir, 1);
            Http.post("http://127.0.0.1:" + simPort + "/_sim/faults?type=bad-reading"); // a dead letter made during the outage
            // 3 polls more by default; -Dit.outage.polls=N for a longer outage
            awaitMorePolls(csvDir, Math.max(3, Integer.getInteger("it.outage.polls", 3) - 1));
            JsonNode outbox = IndexingIT.check(management + "/observe/health?exposureLevel=full&data=true", "outbox");
            assertEquals("UP", outbox.path("status").asText(), "a backlog is not a failure: " + outbox);
            assertTrue(outbox.at("/data/outbox.messages").asLong() >= 3 * 62, "the readings of 3 polls or more wait: " + outbox);
            assertTrue(outbox.path("message").asText().contains("wait for Kafka, the oldest since"), outbox.toString());
            assertTrue(gauge(management, "opt_outbox_messages") >= 3 * 62, "the gauge shows the backlog");
            Set<String> outagePolls = new HashSet<>(PolledReadings.polls(csvDir));
            outagePolls.removeAll(pollsBefore);

            kafka.startBroker(0);
            awaitMorePolls(csvDir, 1);
            pipeline.context().getRouteController().stopRoute("poll-agencies");
            await().atMost(Duration.ofSeconds(120 + outagePolls.size())).until(() -> outboxMessages(management) == 0);
            System.out.printf("KafkaOutageIT: %d polls while Kafka was down%n", outagePolls.size());
            assertEverythingPolledArrived(csvDir, index, outagePolls);
            reportLatency(kafka.readAll(readings(index), 0, Duration.ofSeconds(10)), pollsBefore);
            boolean deadLetter = false;
            for (ConsumerRecord<String, String> record : kafka.readAll(deadLetters(index), 1, Duration.ofSeconds(20))) {
                JsonNode letter = JSON.readTree(record.value());
                deadLetter |= letter.path("payload").asText().contains("\"n/a\"") && outagePolls.contains(letter.path("pollId").asText());
            }
            assertTrue(deadLetter, "the dead letter made during the outage reached its topic");
            assertEquals(0, gauge(management, "opt_outbox_messages"));
        }
    }

    @Test
    void aPipelineRestartInTheMiddleOfTheOutageLosesNothing() throws Exception {
        String csvDir = "target/it-csv-outage-" + RUN + "-b";
        String index = "it-outage-b-" + RUN;
        kafka.createTopics(readings(index), deadLetters(index));
        Set<String> pollsBefore;
        try (CamelApp first = pipeline(csvDir, index)) {
            awaitMorePolls(csvDir, 2);
            kafka.stopBroker(0);
            pollsBefore = PolledReadings.polls(csvDir);
            awaitMorePolls(csvDir, 2);
            first.context().getRouteController().stopRoute("poll-agencies");
        }
        try (Stream<Path> files = Files.list(Path.of(csvDir + "-outbox"))) {
            assertTrue(files.anyMatch(f -> f.toString().endsWith(".json")), "the outbox kept the readings on disk across the stop");
        }
        try (CamelApp second = pipeline(csvDir, index)) {
            String management = "http://127.0.0.1:" + second.property("camel.management.port");
            awaitMorePolls(csvDir, 2);
            Set<String> outagePolls = new HashSet<>(PolledReadings.polls(csvDir));
            outagePolls.removeAll(pollsBefore);
            kafka.startBroker(0);
            awaitMorePolls(csvDir, 1);
            second.context().getRouteController().stopRoute("poll-agencies");
            await().atMost(Duration.ofSeconds(120)).until(() -> outboxMessages(management) == 0);
            System.out.printf("KafkaOutageIT: %d polls while Kafka was down, across a restart%n", outagePolls.size());
            assertTrue(outagePolls.size() >= 4, "polls of both pipelines during the outage: " + outagePolls.size());
            assertEverythingPolledArrived(csvDir, index, outagePolls);
        }
    }

    @Test
    void pastItsBoundTheOutboxRefusesNewPollsAndTheCsvKeepsThem() throws Exception {
        String csvDir = "target/it-csv-outage-" + RUN + "-c";
        Map<String, String> overrides = new LinkedHashMap<>(CamelApp.polling(simPort, csvDir));
        overrides.put("camel.component.kafka.brokers", kafka.bootstrapServers());
        overrides.put("outbox.max-mb", "0"); // full from the start
        try (CamelApp pipeline = CamelApp.start("file:application.properties", CamelApp.POLL_ROUTES
                + ",file:routes/readings-to-csv.camel.yaml,file:routes/kafka-outbox.camel.yaml,file:routes/dead-letters.camel.yaml,"
                + "file:routes/publish-to-kafka.camel.yaml,file:routes/error-handling.camel.yaml", withPorts(overrides))) {
            String management = "http://127.0.0.1:" + pipeline.property("camel.management.port");
            awaitMorePolls(csvDir, 2);
            JsonNode outbox = IndexingIT.check(management + "/observe/health?exposureLevel=full", "outbox");
            assertEquals("DOWN", outbox.path("status").asText(), outbox.toString());
            assertTrue(outbox.path("message").asText().contains("the outbox is full"), outbox.toString());
            assertTrue(PolledReadings.rows(csvDir).size() >= 2 * 63, "the CSV has every poll");
            try (Stream<Path> files = Files.list(Path.of(csvDir + "-outbox"))) {
                assertEquals(0, files.count(), "nothing written to the outbox past its bound");
            }
            assertTrue(counter(management, "opt_outbox_refused_total") >= 2 * 63, "the refused messages are counted");
        }
    }

    static Map<String, String> withPorts(Map<String, String> overrides) throws IOException {
        overrides.putAll(CamelApp.httpPorts());
        return overrides;
    }

    /** every CSV row on the topic in poll order per agency, and each observation indexed exactly once */
    static void assertEverythingPolledArrived(String csvDir, String index, Set<String> outagePolls) throws Exception {
        List<PolledReadings.Row> rows = PolledReadings.rows(csvDir);
        assertTrue(rows.stream().filter(r -> outagePolls.contains(r.pollId())).count() >= 62L * outagePolls.size(),
                "the CSV holds the readings of the outage's polls");
        Set<String> ids = PolledReadings.documentIds(rows);
        List<ConsumerRecord<String, String>> records = kafka.readAll(readings(index), rows.size(), Duration.ofSeconds(30));
        int repeated = PolledReadings.assertAllOnTheTopicInPollOrder(rows, records);
        // after a long outage the index route's consumers come back to a backlog: more time
        await().atMost(Duration.ofSeconds(120 + outagePolls.size())).until(() -> PolledReadings.documentIds(index).containsAll(ids));
        Set<String> indexed = PolledReadings.documentIds(index);
        assertEquals(ids, indexed, "every observation polled indexed once, nothing else");
        System.out.printf("KafkaOutageIT: %d readings polled (%d of them during the outage), %d on the topic (%d sent twice), %d documents%n",
                rows.size(), rows.stream().filter(r -> outagePolls.contains(r.pollId())).count(), records.size(), repeated, indexed.size());
    }

    /** from the poll's start (@timestamp) to Kafka's record time, for the polls made while Kafka was up */
    static void reportLatency(List<ConsumerRecord<String, String>> records, Set<String> polls) throws IOException {
        List<Long> millis = new java.util.ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            JsonNode reading = JSON.readTree(record.value());
            if (polls.contains(reading.path("pollId").asText())) {
                millis.add(record.timestamp() - java.time.Instant.parse(reading.path("@timestamp").asText()).toEpochMilli());
            }
        }
        java.util.Collections.sort(millis);
        if (!millis.isEmpty()) {
            System.out.printf("KafkaOutageIT: poll start to Kafka, %d readings polled while Kafka was up: median %d ms, 95th %d ms, max %d ms%n",
                    millis.size(), millis.get(millis.size() / 2), millis.get(millis.size() * 95 / 100), millis.get(millis.size() - 1));
        }
    }

    static long outboxMessages(String management) throws Exception {
        return IndexingIT.check(management + "/observe/health?exposureLevel=full&data=true", "outbox").at("/data/outbox.messages").asLong(-1);
    }

    static double counter(String management, String name) throws Exception {
        return gauge(management, name);
    }

    /** a gauge's (or counter's) value in /observe/metrics (Prometheus text) */
    static double gauge(String management, String name) throws Exception {
        Matcher value = Pattern.compile("(?m)^" + name + "\\{[^}]*\\} (\\S+)$").matcher(Http.get(management + "/observe/metrics").body());
        assertTrue(value.find(), name + " in /observe/metrics");
        return Double.parseDouble(value.group(1));
    }
}
