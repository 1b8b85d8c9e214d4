package nc.opt.waits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import nc.opt.waits.support.Agencies;
import nc.opt.waits.support.CamelApp;
import nc.opt.waits.support.Http;
import nc.opt.waits.support.OpenSearch;
import nc.opt.waits.support.Readings;
import nc.opt.waits.support.TestKafka;
import nc.opt.waits.support.TestOpenSearch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The index route with real Kafka and real OpenSearch: the simulator runs its clock 120 times
 * faster, so that each poll (one a second) brings new observations.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IndexingIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String READINGS = "it-idx-readings-" + RUN;
    static final String DEAD_LETTERS = "it-idx-dead-letters-" + RUN;
    static final String INDEX = "it-readings-" + RUN;
    static final String GROUP = "it-indexer-" + RUN;
    static final String POLL_ROUTE = CamelApp.POLL_ROUTE;

    static CamelApp simulator;
    static CamelApp pipeline;

    @BeforeAll
    static void start() throws Exception {
        TestOpenSearch.url();
        int simPort = CamelApp.freePort();
        simulator = CamelApp.simulator(Map.of(
                "camel.server.port", String.valueOf(simPort),
                "sim.clock.start", "2026-11-23T08:00:00",
                "sim.clock.speed", "120"));
        pipeline = pipeline(simPort, GROUP, null);
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
        simulator.close();
    }

    /** the whole pipeline (or, with routes, only those route files) on this test's topics and index */
    static CamelApp pipeline(int simPort, String group, String routes) throws Exception {
        Map<String, String> overrides = CamelApp.onTestStack(READINGS, DEAD_LETTERS, INDEX, group);
        overrides.putAll(CamelApp.polling(simPort, "target/it-csv-idx-" + RUN));
        overrides.put("index.retry.initial-ms", "200");
        overrides.put("index.retry.max-ms", "2000");
        overrides.put("camel.main.routesExcludePattern", "file:routes/alert*.camel.yaml,file:routes/http-api.camel.yaml");
        if (routes != null) {
            return CamelApp.start("file:application.properties", routes, withManagementPort(overrides));
        }
        return CamelApp.pipeline("file:application.properties", overrides);
    }

    static Map<String, String> withManagementPort(Map<String, String> overrides) throws Exception {
        overrides.putAll(CamelApp.httpPorts());
        return overrides;
    }

    /** the document ids the topic's readings must give: agency id and observation time */
    static Set<String> expectedIds() throws Exception {
        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<String, String> record : TestKafka.readAll(READINGS, 0, Duration.ofSeconds(10))) {
            if (!record.value().startsWith("{")) {
                continue; // the record that is not a reading, of the dead-letter test
            }
            JsonNode reading = JSON.readTree(record.value());
            if (reading.path("maxWaitMs").isNumber()) {
                ids.add(reading.get("agencyId").asText() + "-"
                        + OffsetDateTime.parse(reading.get("observedAt").asText()).toInstant().toEpochMilli());
            }
        }
        return ids;
    }

    static void pollsThenStop(int polls) throws Exception {
        long before = TestKafka.readAll(READINGS, 0, Duration.ofSeconds(5)).size();
        pipeline.context().getRouteController().startRoute(POLL_ROUTE);
        await().atMost(Duration.ofSeconds(60)).until(() ->
                TestKafka.readAll(READINGS, 0, Duration.ofSeconds(5)).size() >= before + (long) polls * Agencies.all().size());
        pipeline.context().getRouteController().stopRoute(POLL_ROUTE);
    }

    static void awaitIndexed(Set<String> ids, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(500)).until(() -> OpenSearch.count(INDEX) == ids.size());
    }

    @Test
    @Order(1)
    void nPollsGiveExactlyTheExpectedDocumentsMappedAsTheTemplateSays() throws Exception {
        pollsThenStop(3);
        Set<String> ids = expectedIds();
        // the clock runs 2 minutes a poll: nearly every agency has a new observation at each poll (one
        // whose push second falls between two polls shows the same one twice)
        assertTrue(ids.size() > 2 * Agencies.all().size(), "the polls brought new observations: " + ids.size());
        awaitIndexed(ids, Duration.ofSeconds(60));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> caughtUp(admin, GROUP));
        }

        JsonNode mappings = OpenSearch.get("/" + INDEX + "/_mapping");
        JsonNode properties = mappings.elements().next().at("/mappings/properties");
        assertEquals("geo_point", properties.at("/position/type").asText());
        for (String keyword : List.of("agencyId", "designation", "commune", "type", "waitBand", "pollId")) {
            assertEquals("keyword", properties.at("/" + keyword + "/type").asText(), keyword);
        }
        assertEquals("text", properties.at("/designation/fields/text/type").asText());
        assertEquals("long", properties.at("/maxWaitMs/type").asText());
        assertEquals("float", properties.at("/maxWaitMinutes/type").asText());
        assertEquals("date", properties.at("/observedAt/type").asText());
        assertEquals("date", properties.at("/@timestamp/type").asText());

        ConsumerRecord<String, String> record = TestKafka.readAll(READINGS, 1, Duration.ofSeconds(5)).get(0);
        JsonNode reading = JSON.readTree(record.value());
        String id = reading.get("agencyId").asText() + "-" + OffsetDateTime.parse(reading.get("observedAt").asText()).toInstant().toEpochMilli();
        JsonNode hit = OpenSearch.post("/" + INDEX + "/_search", "{\"query\":{\"ids\":{\"values\":[\"" + id + "\"]}}}").at("/hits/hits/0");
        assertEquals(INDEX + "-" + reading.get("observedAt").asText().substring(0, 7).replace('-', '.'), hit.get("_index").asText(),
                "monthly index of the observation");
        assertEquals(reading.get("agencyId"), hit.at("/_source/agencyId"));
        assertEquals(reading.get("observedAt"), hit.at("/_source/observedAt"));
    }

    @Test
    @Order(2)
    void replayingTheWholeTopicThroughANewConsumerGroupAddsNoDocument() throws Exception {
        long before = OpenSearch.count(INDEX);
        String replayGroup = "it-replay-" + RUN;
        try (CamelApp replay = pipeline(0, replayGroup, CamelApp.INDEX_ONLY);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> caughtUp(admin, replayGroup));
        }
        assertEquals(before, OpenSearch.count(INDEX), "the replay overwrote, it did not add");
        JsonNode twice = OpenSearch.post("/" + INDEX + "/_search", "{\"version\":true,\"size\":1,\"sort\":[{\"_id\":\"asc\"}]}");
        assertTrue(twice.at("/hits/hits/0/_version").asLong() >= 2, "the replayed document was written again: " + twice);
    }

    static boolean caughtUp(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < 3; p++) {
            latest.put(new TopicPartition(READINGS, p), OffsetSpec.latest());
        }
        var ends = admin.listOffsets(latest).all().get();
        for (var end : ends.entrySet()) {
            OffsetAndMetadata at = committed.get(end.getKey());
            if (end.getValue().offset() > 0 && (at == null || at.offset() < end.getValue().offset())) {
                return false;
            }
        }
        return true;
    }

    @Test
    @Order(3)
    @SuppressWarnings("unchecked")
    void aGeoQueryFindsExactlyTheAgenciesTheSimulatorPlacesNearTheMainPostOffice() throws Exception {
        Map<String, Object> main = Agencies.byId().values().stream()
                .filter(a -> "Agence de NOUMEA AGENCE PRINCIPALE".equals(a.get("designation"))).findFirst().orElseThrow();
        Map<String, Object> centre = (Map<String, Object>) main.get("position");
        double lat = ((Number) centre.get("lat")).doubleValue();
        double lon = ((Number) centre.get("lon")).doubleValue();
        Set<String> expected = new TreeSet<>();
        for (Map<String, Object> agency : Agencies.all()) {
            Map<String, Object> p = (Map<String, Object>) agency.get("position");
            if (p != null && haversineKm(lat, lon, ((Number) p.get("lat")).doubleValue(), ((Number) p.get("lon")).doubleValue()) <= 3.0) {
                expected.add(String.valueOf(agency.get("idAgence")));
            }
        }
        assertTrue(expected.size() >= 5, "several agencies in central Noumea: " + expected);
        JsonNode answer = OpenSearch.post("/" + INDEX + "/_search", """
                {"size":0,"query":{"geo_distance":{"distance":"3km","position":{"lat":%s,"lon":%s}}},
                 "aggs":{"agencies":{"terms":{"field":"agencyId","size":100}}}}""".formatted(lat, lon));
        Set<String> found = new TreeSet<>();
        answer.at("/aggregations/agencies/buckets").forEach(b -> found.add(b.get("key").asText()));
        assertEquals(expected, found);
    }

    @Test
    @Order(4)
    void anInvalidRecordIsDeadLetteredWithTheErrorAndTheRestOfItsBatchIndexed() throws Exception {
        long before = OpenSearch.count(INDEX);
        List<String> batch = List.of(
                synthetic(990001, "2030-01-01T08:00:00+11:00", "60000"),
                synthetic(990002, "2030-01-01T08:00:00+11:00", "60000"),
                synthetic(990003, "2030-01-01T08:00:00+11:00", "\"lots\""), // not a number: a mapping error
                synthetic(990004, "2030-01-01T08:00:00+11:00", "60000"),
                "this is not JSON");
        Readings.produce(READINGS, batch);
        await().atMost(Duration.ofSeconds(60)).until(() -> OpenSearch.count(INDEX) == before + 3);
        List<JsonNode> letters = await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<JsonNode> found = new java.util.ArrayList<>();
            for (ConsumerRecord<String, String> r : TestKafka.readAll(DEAD_LETTERS, 0, Duration.ofSeconds(3))) {
                found.add(JSON.readTree(r.value()));
            }
            return found;
        }, found -> found.size() >= 2);
        JsonNode mappingError = letters.stream().filter(l -> l.get("payload").asText().contains("990003")).findFirst().orElseThrow();
        assertEquals("index-readings", mappingError.get("source").asText());
        assertTrue(letters.stream().filter(l -> l.get("payload").asText().equals("this is not JSON"))
                .allMatch(l -> "index-readings".equals(l.get("source").asText())), "the source names the route");
        assertTrue(mappingError.get("reason").asText().contains("HTTP 400") && mappingError.get("reason").asText().contains("maxWaitMs"),
                mappingError.get("reason").asText());
        assertEquals(batch.get(2), mappingError.get("payload").asText(), "the original record, as it was");
        assertTrue(letters.stream().anyMatch(l -> l.get("reason").asText().startsWith("not a reading")
                && l.get("payload").asText().equals("this is not JSON")));
    }

    @Test
    @Order(5)
    void anOpenSearchOutageOf30SecondsLosesNothingAndDoublesNothing() throws Exception {
        pipeline.context().getRouteController().startRoute(POLL_ROUTE);
        Thread.sleep(2_000);
        String health = "http://127.0.0.1:" + pipeline.property("camel.management.port") + "/observe/health?exposureLevel=full";
        assertEquals("UP", check(health, "opensearch").path("status").asText(), "before the outage");
        TestOpenSearch.stop();
        Thread.sleep(30_000); // polls go on: the readings wait in Kafka, the index route retries
        JsonNode during = check(health, "opensearch");
        assertEquals("DOWN", during.path("status").asText(), during.toString());
        assertTrue(during.path("message").asText().contains("ConnectException"), during.toString());
        TestOpenSearch.start();
        Thread.sleep(2_000);
        pipeline.context().getRouteController().stopRoute(POLL_ROUTE);
        Set<String> ids = expectedIds();
        awaitIndexed(ids, Duration.ofSeconds(120));
        assertEquals(ids.size(), OpenSearch.count(INDEX));
        assertEquals("UP", check(health, "opensearch").path("status").asText(), "ready again once OpenSearch indexes");
    }

    /** one check of the health endpoint's answer */
    static JsonNode check(String healthUrl, String name) throws Exception {
        for (JsonNode check : JSON.readTree(Http.get(healthUrl).body()).path("checks")) {
            if (name.equals(check.path("name").asText())) {
                return check;
            }
        }
        throw new AssertionError("no check " + name + " in " + healthUrl);
    }

    @Test
    @Order(6)
    void theIndexRouteStoppedAbruptlyMidBatchLosesNothingAndDoublesNothing() throws Exception {
        List<String> backlog = new java.util.ArrayList<>();
        Instant t = Instant.parse("2031-01-01T00:00:00Z");
        for (int i = 0; i < 40_000; i++) {
            backlog.add(synthetic(1000 + i % 63, t.plusSeconds(i).atOffset(java.time.ZoneOffset.ofHours(11)).toString(), "120000"));
        }
        long before = OpenSearch.count(INDEX);
        Readings.produce(READINGS, backlog);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> OpenSearch.count(INDEX) > before + 500);
        pipeline.context().getShutdownStrategy().setTimeout(1);
        pipeline.context().getShutdownStrategy().setShutdownNowOnTimeout(true);
        pipeline.close(); // abruptly: in-flight batches are cut off after 1 s
        pipeline = null;
        long atStop = OpenSearch.count(INDEX);
        assertTrue(atStop < before + backlog.size(), "stopped in the middle of the backlog: " + (atStop - before) + " indexed");
        try (CamelApp restarted = pipeline(0, GROUP, CamelApp.INDEX_ONLY)) {
            Set<String> ids = expectedIds();
            awaitIndexed(ids, Duration.ofSeconds(180));
            assertEquals(ids.size(), OpenSearch.count(INDEX), "every record indexed, none twice");
        }
    }

    static String synthetic(int agencyId, String observedAt, String maxWaitMs) {
        return "{\"agencyId\":" + agencyId + ",\"designation\":\"Test agency " + agencyId + "\",\"commune\":\"NOUMEA\",\"type\":\"AGENCE\","
                + "\"position\":{\"lat\":-22.27,\"lon\":166.44},\"maxWaitMs\":" + maxWaitMs + ",\"avgWaitMs\":30000,"
                + "\"maxWaitMinutes\":1.0,\"avgWaitMinutes\":0.5,\"waitBand\":\"green\",\"observedAt\":\"" + observedAt + "\","
                + "\"@timestamp\":\"" + Instant.now() + "\",\"pollId\":\"test\"}";
    }

    static double haversineKm(double lat1, double lon1, double lat2, double lon2) {
        double dLat = Math.toRadians(lat2 - lat1);
        double dLon = Math.toRadians(lon2 - lon1);
        double a = Math.pow(Math.sin(dLat / 2), 2) + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * Math.pow(Math.sin(dLon / 2), 2);
        return 2 * 6371.0088 * Math.asin(Math.sqrt(a));
    }
}
