package nc.opt.waits;

import com.fasterxml.jackson.databind.JsonNode;
import nc.opt.waits.support.CamelApp;
import nc.opt.waits.support.OpenSearch;
import nc.opt.waits.support.Readings;
import nc.opt.waits.support.TestKafka;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The index route behind a backlog: while its batches are behind, the indices refresh every
 * index.backfill.refresh-interval; once it has caught up, every second again, and what it indexed
 * is searchable at once. An interval left behind by a crash is given back at the next start.
 */
class BackfillIT {
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String READINGS = "it-backfill-readings-" + RUN;
    static final String INDEX = "it-backfill-" + RUN;

    static CamelApp indexRoute() throws Exception {
        Map<String, String> overrides = CamelApp.onTestStack(READINGS, "it-backfill-dead-letters-" + RUN, INDEX, "it-backfill-" + RUN);
        overrides.putAll(CamelApp.httpPorts());
        overrides.put("index.batch-size", "200");
        // index.backfill.refresh-interval: application.properties' default
        overrides.put("index.backfill.after-ms", "5000");
        overrides.put("index.backfill.hold-ms", "2000");
        return CamelApp.start("file:application.properties", CamelApp.INDEX_ONLY, overrides);
    }

    static List<String> readings(int first, int count, Instant observedFrom) {
        List<String> readings = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            readings.add(Readings.reading(first + i % 50, "Nouméa", "agence", 4, observedFrom.plusSeconds(60L * (i / 50))));
        }
        return readings;
    }

    /** the refresh interval of the index behind the alias */
    static String refreshInterval() throws Exception {
        JsonNode settings = OpenSearch.get("/" + INDEX + "/_settings");
        return settings.elements().next().at("/settings/index/refresh_interval").asText();
    }

    /** documents searchable now, with no refresh asked for */
    static long searchable() throws Exception {
        return OpenSearch.get("/" + INDEX + "/_count").path("count").asLong(0);
    }

    @Test
    void aBacklogIsIndexedWithLessFrequentRefreshesThenEverySecondOnceCaughtUp() throws Exception {
        TestKafka.createTopic(READINGS);
        Instant observed = Instant.parse("2026-11-02T08:00:00Z");
        // a backlog: 3,000 readings written to Kafka 10 minutes ago
        Readings.produce(READINGS, readings(5000, 3000, observed), Instant.now().minus(10, ChronoUnit.MINUTES));
        try (CamelApp app = indexRoute()) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> OpenSearch.count(INDEX) == 3000);
            assertEquals("30s", refreshInterval(), "behind: the default backfill interval");

            Thread.sleep(2_500); // longer than index.backfill.hold-ms since the last batch behind
            Readings.produce(READINGS, readings(6000, 5, observed.plus(1, ChronoUnit.DAYS)), null);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> "1s".equals(refreshInterval()));
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> searchable() == 3005); // refreshed at the end of the backfill, not 30 s later
        }

        // a crash in a backfill leaves its interval on the index: the next start gives the template's back
        OpenSearch.put("/" + INDEX + "/_settings", "{\"index\":{\"refresh_interval\":\"30s\"}}");
        assertEquals("30s", refreshInterval());
        try (CamelApp app = indexRoute()) {
            Readings.produce(READINGS, readings(7000, 5, observed.plus(2, ChronoUnit.DAYS)), null);
            // given back at start, before the first bulk: the 5 readings may still be on their way
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> "1s".equals(refreshInterval()));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> OpenSearch.count(INDEX) == 3010);
        }
    }
}
