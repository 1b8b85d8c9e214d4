package nc.opt.waits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import nc.opt.waits.support.CamelApp;
import nc.opt.waits.support.OpenSearch;
import nc.opt.waits.support.PolledReadings;
import nc.opt.waits.support.TestKafkaCluster;
import nc.opt.waits.support.TestOpenSearch;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole pipeline (poll, outbox, index, alerts and their index) on a real cluster of 3 brokers,
 * every topic replicated 3 times with min.insync.replicas=2. One broker is stopped while the
 * pipeline runs and stays down; then a second one, briefly (only one broker left: writes are
 * refused until it is back). The pipeline goes on polling, indexing and alerting; every reading
 * polled is on the topic in poll order per agency and in OpenSearch once; the alerts are exactly
 * those the readings on the topic give (raised above 15 min, cleared at or under), each once.
 */
class KafkaClusterIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String READINGS = "it-cluster-readings-" + RUN;
    static final String ALERTS = "it-cluster-alerts-" + RUN;
    static final String INDEX = "it-cluster-" + RUN;
    static final String ALERTS_INDEX = "it-cluster-alerts-" + RUN;
    static final double THRESHOLD = 15;

    @Test
    void oneBrokerLostThenASecondBrieflyLosesAndDoublesNothing() throws Exception {
        TestOpenSearch.url();
        String csvDir = "target/it-csv-cluster-" + RUN;
        try (TestKafkaCluster kafka = TestKafkaCluster.start(3)) {
            kafka.createTopics(READINGS, ALERTS, "it-cluster-dead-letters-" + RUN);
            int simPort = CamelApp.freePort();
            try (CamelApp simulator = CamelApp.simulator(Map.of("camel.server.port", String.valueOf(simPort),
                    "sim.clock.start", "2026-11-23T08:00:00", "sim.clock.speed", "120"))) {
                Map<String, String> overrides = new LinkedHashMap<>(
                        CamelApp.onTestStack(READINGS, "it-cluster-dead-letters-" + RUN, INDEX, "it-cluster-indexer-" + RUN));
                overrides.put("camel.component.kafka.brokers", kafka.bootstrapServers());
                overrides.putAll(CamelApp.polling(simPort, csvDir));
                overrides.put("outbox.retry-delay-ms", "500");
                overrides.put("alerts.topic", ALERTS);
                overrides.put("alerts.thresholds-topic", "it-cluster-thresholds-" + RUN);
                overrides.put("alerts.group-id", "it-cluster-alerts-" + RUN);
                overrides.put("alerts.start-from", "earliest");
                overrides.put("alerts.index.name", ALERTS_INDEX);
                overrides.put("alerts.index.group-id", "it-cluster-alerts-indexer-" + RUN);
                overrides.put("alerts.default-threshold-minutes", String.valueOf((int) THRESHOLD));
                // the simulator's clock is a past Monday morning (waits that cross the threshold): not a test of staleness
                overrides.put("readings.stale-after-minutes", "52560000");
                try (CamelApp pipeline = CamelApp.pipeline("file:application.properties", overrides)) {
                    String management = "http://127.0.0.1:" + pipeline.property("camel.management.port");
                    awaitMorePolls(csvDir, 3);
                    kafka.stopBroker(0);
                    awaitMorePolls(csvDir, 5);
                    kafka.stopBroker(1); // one broker left, under min.insync.replicas: no write succeeds
                    awaitMorePolls(csvDir, 3);
                    kafka.startBroker(1);
                    awaitMorePolls(csvDir, 5);
                    pipeline.context().getRouteController().stopRoute("poll-agencies");
                    await().atMost(Duration.ofSeconds(120)).until(() -> KafkaOutageIT.outboxMessages(management) == 0);

                    List<PolledReadings.Row> rows = PolledReadings.rows(csvDir);
                    List<ConsumerRecord<String, String>> readings = kafka.readAll(READINGS, rows.size(), Duration.ofSeconds(60));
                    int repeated = PolledReadings.assertAllOnTheTopicInPollOrder(rows, readings);
                    Set<String> ids = PolledReadings.documentIds(rows);
                    await().atMost(Duration.ofSeconds(120)).until(() -> PolledReadings.documentIds(INDEX).containsAll(ids));
                    assertEquals(ids, PolledReadings.documentIds(INDEX), "every observation polled indexed once, nothing else");

                    List<String> expected = expectedAlerts(readings);
                    assertTrue(expected.size() >= 2, "the waits crossed the threshold: " + expected);
                    await().atMost(Duration.ofSeconds(60)).until(() -> alertIdsOnTopic(kafka).size() >= expected.size());
                    List<String> onTopic = alertIdsOnTopic(kafka);
                    assertEquals(new HashSet<>(expected), new HashSet<>(onTopic), "the alerts the readings give, none lost");
                    assertEquals(expected.size(), onTopic.size(), "none doubled on the alerts topic");
                    await().atMost(Duration.ofSeconds(60)).until(() -> OpenSearch.count(ALERTS_INDEX) >= expected.size());
                    assertEquals(expected.size(), OpenSearch.count(ALERTS_INDEX), "each alert once in its index");
                    System.out.printf("KafkaClusterIT: %d readings polled, %d on the topic (%d sent twice), %d documents, %d alerts%n",
                            rows.size(), readings.size(), repeated, ids.size(), expected.size());
                }
            }
        }
    }

    static void awaitMorePolls(String csvDir, int more) throws IOException {
        int before = PolledReadings.polls(csvDir).size();
        await().atMost(Duration.ofSeconds(90)).until(() -> PolledReadings.polls(csvDir).size() >= before + more);
    }

    /** the alert ids the readings give, in topic order per agency, from no agency alerting */
    static List<String> expectedAlerts(List<ConsumerRecord<String, String>> readings) throws IOException {
        List<ConsumerRecord<String, String>> inOrder = new ArrayList<>(readings);
        inOrder.sort(Comparator.comparing((ConsumerRecord<String, String> r) -> r.partition()).thenComparing(ConsumerRecord::offset));
        Map<String, Boolean> alerting = new HashMap<>();
        List<String> alerts = new ArrayList<>();
        for (ConsumerRecord<String, String> record : inOrder) {
            JsonNode reading = JSON.readTree(record.value());
            boolean above = reading.get("maxWaitMinutes").asDouble() > THRESHOLD;
            if (above != alerting.getOrDefault(record.key(), false)) {
                alerting.put(record.key(), above);
                alerts.add(record.key() + "-" + OffsetDateTime.parse(reading.get("observedAt").asText()).toInstant().toEpochMilli()
                        + "-" + (above ? "raised" : "cleared"));
            }
        }
        return alerts;
    }

    static List<String> alertIdsOnTopic(TestKafkaCluster kafka) throws IOException {
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<String, String> record : kafka.readAll(ALERTS, 0, Duration.ofSeconds(10))) {
            ids.add(JSON.readTree(record.value()).get("alertId").asText());
        }
        return ids;
    }
}
