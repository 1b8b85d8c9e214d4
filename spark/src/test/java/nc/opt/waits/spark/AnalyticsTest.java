package nc.opt.waits.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import nc.opt.waits.spark.support.ExpectedAnalytics;
import nc.opt.waits.spark.support.ExpectedAnalytics.Stats;
import nc.opt.waits.spark.support.SparkApp;
import nc.opt.waits.spark.support.TestOpenSearch;
import nc.opt.waits.spark.support.TestReadings;
import nc.opt.waits.spark.support.TestReadings.Reading;
import nc.opt.waits.spark.support.TestTopics;
import nc.opt.waits.support.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Known readings go through Kafka into the Parquet dataset; the analytics run; every figure of every
 * result (JSON files) equals the one computed here in plain Java (ExpectedAnalytics), and the
 * results reach OpenSearch (a real one, started with the repo's bin/stack).
 */
class AnalyticsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double EPSILON = 1e-9;
    private static final int TOP_N = 5;
    private static final double THRESHOLD = 12.5;

    @TempDir
    Path work;

    @Test
    void everyFigureEqualsPlainJavaAndReachesOpenSearch() throws Exception {
        // 9 agencies in 7 communes, two weeks (Monday 3 March 2025 on), a reading every 20 minutes
        List<Reading> readings = TestReadings.generate(42, 9, LocalDate.of(2025, 3, 3), 14, 20);
        List<Map.Entry<String, String>> records = new ArrayList<>(TestReadings.kafkaRecords(readings));
        // the same observations polled again (OPT had not updated them): the same readings
        for (int i = 0; i < 30; i++) {
            Reading again = readings.get(i * 97);
            records.add(new Reading(again.agencyId(), again.designation(), again.commune(), again.type(), again.lat(),
                    again.lon(), again.maxWaitMs(), again.avgWaitMs(), again.observedAt(),
                    again.polledAt().plusSeconds(60), "a-later-poll").kafkaRecord());
        }
        // two records that are not readings: to the dead-letter topic
        records.add(Map.entry("1003", "this is not JSON"));
        records.add(Map.entry("1004", "{\"agencyId\":1004,\"maxWaitMs\":1000,\"avgWaitMs\":500}"));

        Map<String, String> overrides = SparkApp.isolated("analytics", work);
        overrides.put("analytics.opensearch.enabled", "true");
        overrides.put("opensearch.url", TestOpenSearch.url());
        overrides.put("analytics.top-n", String.valueOf(TOP_N));
        overrides.put("analytics.threshold-minutes", String.valueOf(THRESHOLD));
        String topic = overrides.get("kafka.topic.readings");
        TestTopics.createTopic(topic, 3);
        TestTopics.send(topic, records);

        try (SparkApp app = SparkApp.start(overrides)) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> TestTopics.caughtUp(overrides.get("store.group-id"), topic));
            long[] stored = app.storedRowsAndKeys();
            assertEquals(readings.size(), stored[0], "one row per distinct reading");
            assertEquals(readings.size(), stored[1], "no reading twice");

            List<ConsumerRecord<String, String>> deadLetters =
                    TestKafka.readAll(overrides.get("kafka.topic.dead-letter"), 2, Duration.ofSeconds(30));
            assertEquals(2, deadLetters.size());
            assertTrue(JSON.readTree(deadLetters.get(0).value()).path("reason").asText().startsWith("not"),
                    deadLetters.get(0).value());

            app.context().createProducerTemplate().sendBody("direct:run-analytics", null);

            Path dir = Path.of(overrides.get("analytics.dir"));
            ExpectedAnalytics expected = new ExpectedAnalytics(readings, TestReadings.NOUMEA, 5, 10);
            Map<String, JsonNode> results = new LinkedHashMap<>();
            for (String name : ReadingAnalytics.RESULTS) {
                Path file = dir.resolve(name + ".json");
                assertTrue(Files.exists(file), file + " is missing");
                results.put(name, JSON.readTree(file.toFile()));
            }
            checkWaitByTime(expected, results.get("wait-by-agency-weekday-hour").path("rows"));
            checkBusiestAgencies(expected, results.get("busiest-agencies").path("rows"));
            checkBusiestCommunes(expected, results.get("busiest-communes").path("rows"));
            checkOverThreshold(expected, results.get("over-threshold").path("rows"));
            checkBandShares(expected, results.get("band-shares").path("rows"));
            checkSummary(expected, results.get("summary").path("rows"));

            String index = overrides.get("analytics.index");
            checkOpenSearch(index, results);

            // a second run replaces the figures: same documents, and one the run did not write is gone
            TestOpenSearch.request("PUT", "/" + index + "/_doc/busiest-agencies%7C99?refresh=true",
                    "{\"result\":\"busiest-agencies\",\"runId\":\"an-old-run\",\"rank\":99}");
            app.context().createProducerTemplate().sendBody("direct:run-analytics", null);
            checkOpenSearch(index, results);
        }
    }

    private static void checkWaitByTime(ExpectedAnalytics expected, JsonNode rows) {
        Map<String, Stats> stats = expected.waitByAgencyWeekdayHour();
        assertEquals(stats.size(), rows.size(), "one row per agency and weekday-hour, hour, weekday");
        for (JsonNode row : rows) {
            String key = row.path("agencyId").asInt() + "|" + row.path("breakdown").asText() + "|"
                    + text(row.path("weekday")) + "|" + text(row.path("hour"));
            Stats want = stats.get(key);
            assertTrue(want != null, "unexpected group " + key);
            assertStats(want, row, key);
            if (row.path("weekday").isNull()) {
                assertTrue(row.path("weekdayName").isNull(), key + ": a weekday name without a weekday");
            } else {
                assertEquals(ExpectedAnalytics.weekdayName(row.path("weekday").asInt()), row.path("weekdayName").asText());
            }
            assertEquals("Agence " + row.path("agencyId").asInt(), row.path("designation").asText());
        }
    }

    private static void checkBusiestAgencies(ExpectedAnalytics expected, JsonNode rows) {
        Map<Integer, Stats> top = expected.busiestAgencies(TOP_N);
        assertEquals(TOP_N, rows.size());
        Iterator<Map.Entry<Integer, Stats>> want = top.entrySet().iterator();
        for (JsonNode row : rows) {
            Map.Entry<Integer, Stats> next = want.next();
            assertEquals(next.getKey().intValue(), row.path("agencyId").asInt(), "rank " + row.path("rank"));
            assertStats(next.getValue(), row, "agency " + next.getKey());
            assertEquals(next.getValue().redShare(), row.path("redShare").asDouble(), EPSILON);
        }
    }

    private static void checkBusiestCommunes(ExpectedAnalytics expected, JsonNode rows) {
        Map<String, Stats> top = expected.busiestCommunes(TOP_N);
        Map<String, Integer> agencies = expected.agenciesPerCommune();
        assertEquals(TOP_N, rows.size());
        Iterator<Map.Entry<String, Stats>> want = top.entrySet().iterator();
        int rank = 1;
        for (JsonNode row : rows) {
            Map.Entry<String, Stats> next = want.next();
            assertEquals(rank++, row.path("rank").asInt());
            assertEquals(next.getKey(), row.path("commune").asText());
            assertEquals(agencies.get(next.getKey()).intValue(), row.path("agencies").asInt());
            assertStats(next.getValue(), row, "commune " + next.getKey());
            assertEquals(next.getValue().redShare(), row.path("redShare").asDouble(), EPSILON);
        }
    }

    private static void checkOverThreshold(ExpectedAnalytics expected, JsonNode rows) {
        Map<Integer, long[]> counts = expected.overThreshold(THRESHOLD);
        assertEquals(counts.size(), rows.size());
        long previous = Long.MAX_VALUE;
        for (JsonNode row : rows) {
            long[] want = counts.get(row.path("agencyId").asInt());
            assertEquals(want[0], row.path("readings").asLong());
            assertEquals(want[1], row.path("overThreshold").asLong(), "agency " + row.path("agencyId"));
            assertEquals((double) want[1] / want[0], row.path("overThresholdShare").asDouble(), EPSILON);
            assertEquals(THRESHOLD, row.path("thresholdMinutes").asDouble(), EPSILON);
            assertTrue(want[1] <= previous, "most readings over the threshold first");
            previous = want[1];
        }
        assertTrue(counts.values().stream().anyMatch(c -> c[1] > 0), "the test data has waits over the threshold");
    }

    private static void checkBandShares(ExpectedAnalytics expected, JsonNode rows) {
        Map<String, long[]> counts = expected.bandCounts();
        assertEquals(counts.size(), rows.size(), "all readings, then each agency");
        assertEquals("all", rows.get(0).path("scope").asText());
        for (JsonNode row : rows) {
            String scope = row.path("scope").asText().equals("all") ? "all" : String.valueOf(row.path("agencyId").asInt());
            long[] want = counts.get(scope);
            assertEquals(want[0], row.path("readings").asLong(), scope);
            assertEquals(want[1], row.path("green").asLong(), scope);
            assertEquals(want[2], row.path("orange").asLong(), scope);
            assertEquals(want[3], row.path("red").asLong(), scope);
            assertEquals((double) want[1] / want[0], row.path("greenShare").asDouble(), EPSILON);
            assertEquals((double) want[2] / want[0], row.path("orangeShare").asDouble(), EPSILON);
            assertEquals((double) want[3] / want[0], row.path("redShare").asDouble(), EPSILON);
        }
        long[] all = counts.get("all");
        assertTrue(all[1] > 0 && all[2] > 0 && all[3] > 0, "the test data has every band");
    }

    private static void checkSummary(ExpectedAnalytics expected, JsonNode rows) {
        assertEquals(1, rows.size());
        expected.summary().forEach((field, value) ->
                assertEquals(String.valueOf(value), rows.get(0).path(field).asText(), field));
    }

    private static void checkOpenSearch(String index, Map<String, JsonNode> results) throws Exception {
        long documents = 0;
        for (JsonNode result : results.values()) {
            documents += result.path("rows").size();
        }
        JsonNode count = JSON.readTree(TestOpenSearch.request("GET", "/" + index + "/_count", null));
        assertEquals(documents, count.path("count").asLong(), "one document per result row");
        // the first of the busiest agencies, as in the JSON file
        JsonNode first = JSON.readTree(TestOpenSearch.request("GET", "/" + index + "/_doc/busiest-agencies%7C1", null))
                .path("_source");
        JsonNode fileRow = results.get("busiest-agencies").path("rows").get(0);
        assertEquals("busiest-agencies", first.path("result").asText());
        assertEquals(fileRow.path("agencyId").asInt(), first.path("agencyId").asInt());
        assertEquals(fileRow.path("meanWaitMinutes").asDouble(), first.path("meanWaitMinutes").asDouble(), EPSILON);
        assertEquals(fileRow.path("p90WaitMinutes").asDouble(), first.path("p90WaitMinutes").asDouble(), EPSILON);
        // a figure can be searched: agencies with at least one reading over the threshold
        JsonNode over = JSON.readTree(TestOpenSearch.request("POST", "/" + index + "/_count",
                "{\"query\":{\"bool\":{\"filter\":[{\"term\":{\"result\":\"over-threshold\"}},"
                        + "{\"range\":{\"overThreshold\":{\"gt\":0}}}]}}}"));
        long want = 0;
        for (JsonNode row : results.get("over-threshold").path("rows")) {
            want += row.path("overThreshold").asLong() > 0 ? 1 : 0;
        }
        assertEquals(want, over.path("count").asLong());
        // the mapping: figures as doubles, names as keywords
        JsonNode mapping = JSON.readTree(TestOpenSearch.request("GET", "/" + index + "/_mapping", null))
                .path(index).path("mappings").path("properties");
        assertEquals("double", mapping.path("meanWaitMinutes").path("type").asText());
        assertEquals("keyword", mapping.path("designation").path("type").asText());
        assertEquals("date", mapping.path("generatedAt").path("type").asText());
    }

    private static void assertStats(Stats want, JsonNode row, String what) {
        assertEquals(want.readings(), row.path("readings").asLong(), what + " readings");
        assertEquals(want.mean(), row.path("meanWaitMinutes").asDouble(), EPSILON, what + " mean");
        assertEquals(want.p90(), row.path("p90WaitMinutes").asDouble(), EPSILON, what + " p90");
        assertEquals(want.max(), row.path("maxWaitMinutes").asDouble(), EPSILON, what + " max");
    }

    private static String text(JsonNode node) {
        return node.isNull() || node.isMissingNode() ? "null" : node.asText();
    }
}
