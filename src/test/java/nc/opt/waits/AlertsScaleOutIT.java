package nc.opt.waits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import nc.opt.waits.support.CamelApp;
import nc.opt.waits.support.Http;
import nc.opt.waits.support.OpenSearch;
import nc.opt.waits.support.PipelineProcess;
import nc.opt.waits.support.TestKafka;
import nc.opt.waits.support.TestOpenSearch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.ConsumerGroupState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static nc.opt.waits.support.Readings.produce;
import static nc.opt.waits.support.Readings.reading;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * detect-alerts on three instances, each an OS process of its own (support/PipelineProcess), on
 * real Kafka (readings and alerts topics of 3 partitions) and OpenSearch (index-alerts, also on the
 * three): threshold changes through one instance apply to the very next reading posted through
 * another; an instance killed with SIGKILL mid-episode neither repeats a raise nor misses a clear.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertsScaleOutIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String READINGS = "it-aso-readings-" + RUN;
    static final String ALERTS = "it-aso-alerts-" + RUN;
    static final String INDEX = "it-aso-alerts-" + RUN;
    static final String KEY = "it-aso-key-" + RUN;
    /** now: a posted reading observed long before it is posted is stale, and raises no alert */
    static final Instant T0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    static final List<PipelineProcess> instances = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        TestOpenSearch.url();
        TestKafka.createTopic(READINGS);
        TestKafka.createTopic(ALERTS);
        for (String name : List.of("D1", "D2", "D3")) {
            Map<String, String> overrides = new LinkedHashMap<>();
            overrides.put("camel.main.routesExcludePattern", CamelApp.POLL_ROUTES + "," + CamelApp.INDEX_ROUTE);
            overrides.put("camel.component.kafka.brokers", TestKafka.bootstrapServers());
            overrides.put("kafka.topic.readings", READINGS);
            overrides.put("kafka.topic.dead-letter", READINGS + "-dlq");
            overrides.put("alerts.topic", ALERTS);
            overrides.put("alerts.thresholds-topic", "it-aso-thresholds-" + RUN);
            overrides.put("alerts.group-id", "it-aso-detector-" + RUN);
            overrides.put("alerts.start-from", "earliest");
            overrides.put("alerts.index.name", INDEX);
            overrides.put("alerts.index.group-id", "it-aso-indexer-" + RUN);
            overrides.put("alerts.threshold-barrier", System.getProperty("it.barrier", "true"));
            overrides.put("opensearch.url", TestOpenSearch.url());
            overrides.put("ingest.api-key", KEY);
            // a killed instance's partitions move after 6 s, not Kafka's 45 s
            overrides.put("camel.component.kafka.sessionTimeoutMs", "6000");
            instances.add(PipelineProcess.start(name, "file:routes/*.camel.yaml", overrides));
        }
        // the tests start once the three detectors share the partitions: readings held back by a
        // rebalance are evaluated later, together, with the threshold of that time, not each with its own
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("it-aso-detector-" + RUN))
                        .all().get().get("it-aso-detector-" + RUN);
                return group.state() == ConsumerGroupState.STABLE && group.members().size() == instances.size()
                        && group.members().stream().allMatch(member -> !member.assignment().topicPartitions().isEmpty());
            });
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (PipelineProcess instance : instances) {
            if (instance.isAlive()) {
                instance.close();
            }
        }
    }

    /** the alert events on the topic, per agency, in order */
    static Map<Integer, List<JsonNode>> events(int from, int to) throws Exception {
        Map<Integer, List<JsonNode>> events = new TreeMap<>();
        for (ConsumerRecord<String, String> record : TestKafka.readAll(ALERTS, 0, Duration.ofSeconds(5))) {
            JsonNode event = JSON.readTree(record.value());
            int agency = event.get("agencyId").asInt();
            if (agency >= from && agency < to) {
                events.computeIfAbsent(agency, a -> new ArrayList<>()).add(event);
            }
        }
        return events;
    }

    static int count(Map<Integer, List<JsonNode>> events) {
        return events.values().stream().mapToInt(List::size).sum();
    }

    @Test
    @Order(1)
    void aThresholdChangeAnsweredAppliesToTheNextReadingPostedThroughAnotherInstance() throws Exception {
        int changes = 1000;
        int[] agencies = {9001, 9002, 9003};
        List<Double> expected = new ArrayList<>();
        for (int i = 0; i < changes; i++) {
            int agency = agencies[i % 3];
            double threshold = (i / 3) % 2 == 0 ? 10 : 30; // a reading of 20 min: raised under 10, cleared under 30
            PipelineProcess putThrough = instances.get(i % 3);
            PipelineProcess postThrough = instances.get((i + 1) % 3);
            HttpResponse<String> put = Http.put(putThrough.url("/thresholds/agency/" + agency),
                    "{\"maxWaitMinutes\":" + threshold + "}", "x-apikey", KEY);
            assertEquals(200, put.statusCode(), put.body());
            String reading = "{\"agencyId\":" + agency + ",\"designation\":\"Agence " + agency + "\",\"commune\":\"NOUMEA\","
                    + "\"type\":\"AGENCE\",\"maxWaitMs\":1200000,\"avgWaitMs\":600000,\"observedAt\":\""
                    + T0.plusSeconds(i).atOffset(java.time.ZoneOffset.ofHours(11)) + "\"}";
            HttpResponse<String> post = Http.post(postThrough.url("/readings"), reading, "x-apikey", KEY);
            assertEquals(200, post.statusCode(), post.body());
            expected.add(threshold);
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> count(events(9001, 9004)) >= changes);
        Thread.sleep(2_000); // nothing more comes
        Map<Integer, List<JsonNode>> events = events(9001, 9004);
        int oldThreshold = 0;
        for (int a = 0; a < 3; a++) {
            List<JsonNode> ofAgency = events.get(agencies[a]);
            for (int k = 0; k < ofAgency.size(); k++) {
                double applied = ofAgency.get(k).get("thresholdMinutes").asDouble();
                if (applied != expected.get(a + 3 * k)) {
                    oldThreshold++;
                }
                assertEquals(k % 2 == 0 ? "raised" : "cleared", ofAgency.get(k).get("event").asText());
            }
        }
        System.out.printf("AlertsScaleOutIT: %d threshold changes, %d events, %d evaluated with the old threshold%n",
                changes, count(events), oldThreshold);
        assertEquals(changes, count(events), "each reading flipped its agency's alert: one event each");
        assertEquals(0, oldThreshold, "readings evaluated with the threshold before the change answered");
    }

    @Test
    @Order(2)
    void anInstanceKilledMidEpisodeNeitherRepeatsARaiseNorMissesAClear() throws Exception {
        int from = 8000;
        int agencies = 60;
        long killedAt = 0;
        long firstClearSentAt = 0;
        for (int round = 0; round < 10; round++) {
            if (round == 5) {
                firstClearSentAt = System.currentTimeMillis();
            }
            List<String> readings = new ArrayList<>();
            for (int a = 0; a < agencies; a++) {
                double wait = round < 5 ? 20 + round : 5; // above 15 for five rounds, then under
                readings.add(reading(from + a, "NOUMEA", "AGENCE", wait, T0.plusSeconds(120L * round)));
            }
            produce(READINGS, readings);
            if (round == 2) {
                await().atMost(Duration.ofSeconds(60)).until(() -> events(from, from + agencies).size() == agencies);
                instances.get(0).kill(); // mid-episode: every agency raised, none cleared yet
                killedAt = System.currentTimeMillis();
            }
            Thread.sleep(700);
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                .until(() -> count(events(from, from + agencies)) >= 2 * agencies);
        Thread.sleep(3_000); // nothing more comes
        Map<Integer, List<JsonNode>> events = events(from, from + agencies);
        assertEquals(agencies, events.size());
        events.forEach((agency, ofAgency) -> assertEquals(List.of("raised", "cleared"),
                ofAgency.stream().map(e -> e.get("event").asText()).toList(), "agency " + agency));
        // the detector's failover: the clears of the agencies whose partitions the killed instance held
        // come once the group has moved them (session timeout 6 s here) and their state is rebuilt
        long lastClear = 0;
        for (ConsumerRecord<String, String> record : TestKafka.readAll(ALERTS, 0, Duration.ofSeconds(5))) {
            JsonNode event = JSON.readTree(record.value());
            int agency = event.get("agencyId").asInt();
            if (agency >= from && agency < from + agencies && "cleared".equals(event.get("event").asText())) {
                lastClear = Math.max(lastClear, record.timestamp());
            }
        }
        System.out.printf("AlertsScaleOutIT: detector failover: the last clear %.1f s after the kill, its reading sent %.1f s after it%n",
                (lastClear - killedAt) / 1000.0, (firstClearSentAt - killedAt) / 1000.0);

        // index-alerts, on the three instances then the two left: every event indexed
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> OpenSearch.count(INDEX) >= 1000 + 2L * agencies);
        JsonNode hits = OpenSearch.post("/" + INDEX + "/_count", "{\"query\":{\"range\":{\"agencyId\":{\"gte\":8000,\"lt\":8060}}}}");
        assertEquals(2 * agencies, hits.get("count").asInt());
        assertTrue(instances.get(1).isAlive() && instances.get(2).isAlive());
    }
}
