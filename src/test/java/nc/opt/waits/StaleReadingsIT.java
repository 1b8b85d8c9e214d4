package nc.opt.waits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import nc.opt.waits.support.CamelApp;
import nc.opt.waits.support.OpenSearch;
import nc.opt.waits.support.PolledReadings;
import nc.opt.waits.support.TestKafka;
import nc.opt.waits.support.TestOpenSearch;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stale readings: one simulator whose clock is 45 minutes behind (its agencies' updatedDate is 45
 * minutes old at each poll), one on the real time. With the default stale age of 30 minutes, the
 * first one's readings have stale=true, the other's stale=false: in the CSV, on the topic, and in
 * OpenSearch as a boolean. The same pipeline format for each timestamp, in all three places.
 */
class StaleReadingsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String READINGS = "it-stale-readings-" + RUN;
    static final String INDEX = "it-stale-" + RUN;
    static final String FORMAT = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}";

    @Test
    void readingsObservedLongerAgoThanTheStaleAgeAreMarkedStaleEverywhere() throws Exception {
        TestOpenSearch.url();
        TestKafka.createTopic(READINGS);
        String behind = LocalDateTime.now(ZoneId.of("Pacific/Noumea")).minusMinutes(45)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss"));
        String staleCsv = poll(behind, "stale");
        String freshCsv = poll("", "fresh");

        for (String csvDir : List.of(staleCsv, freshCsv)) {
            List<String> lines;
            try (Stream<Path> files = Files.list(Path.of(csvDir))) {
                lines = Files.readAllLines(files.findFirst().orElseThrow());
            }
            assertTrue(lines.get(0).endsWith(",waitBand,observedAt,stale"), "the CSV has a stale column: " + lines.get(0));
            String expected = csvDir.equals(staleCsv) ? "true" : "false";
            for (String row : lines.subList(1, lines.size())) {
                assertTrue(row.endsWith("," + expected), csvDir + ": " + row);
                assertTrue(row.matches("^" + FORMAT + "Z,.*," + FORMAT + "\\+11:00," + expected + "$"),
                        "@timestamp and observedAt in the one format: " + row);
            }
        }

        Set<String> stalePolls = PolledReadings.polls(staleCsv);
        List<ConsumerRecord<String, String>> records = TestKafka.readAll(READINGS, 62 * 4, Duration.ofSeconds(30));
        for (ConsumerRecord<String, String> record : records) {
            JsonNode reading = JSON.readTree(record.value());
            boolean stale = stalePolls.contains(reading.get("pollId").asText());
            assertEquals(stale, reading.get("stale").asBoolean(!stale), record.value());
            assertTrue(reading.get("stale").isBoolean(), "a JSON boolean: " + record.value());
            assertTrue(reading.get("@timestamp").asText().matches(FORMAT + "Z"), record.value());
            assertTrue(reading.get("observedAt").asText().matches(FORMAT + "\\+11:00"), record.value());
        }

        Set<String> staleIds = PolledReadings.documentIds(PolledReadings.rows(staleCsv));
        Set<String> freshIds = PolledReadings.documentIds(PolledReadings.rows(freshCsv));
        await().atMost(Duration.ofSeconds(60)).until(() -> OpenSearch.count(INDEX) == staleIds.size() + freshIds.size());
        JsonNode mapping = OpenSearch.get("/" + INDEX + "/_mapping");
        assertEquals("boolean", mapping.elements().next().at("/mappings/properties/stale/type").asText(), mapping.toString());
        assertEquals(staleIds, ids("{\"term\":{\"stale\":true}}"));
        assertEquals(freshIds, ids("{\"term\":{\"stale\":false}}"));
    }

    /** a simulator whose clock starts at start (empty: now), polled 2 times or more; the CSV folder */
    static String poll(String start, String name) throws Exception {
        int simPort = CamelApp.freePort();
        String csvDir = "target/it-csv-stale-" + RUN + "-" + name;
        try (CamelApp simulator = CamelApp.simulator(Map.of("camel.server.port", String.valueOf(simPort), "sim.clock.start", start))) {
            Map<String, String> overrides = CamelApp.onTestStack(READINGS, "it-stale-dead-letters-" + RUN, INDEX, "it-stale-" + RUN);
            overrides.putAll(CamelApp.polling(simPort, csvDir));
            overrides.put("camel.main.routesExcludePattern", "file:routes/alert*.camel.yaml,file:routes/http-api.camel.yaml");
            try (CamelApp pipeline = CamelApp.pipeline("file:application.properties", overrides)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> PolledReadings.polls(csvDir).size() >= 2);
                pipeline.context().getRouteController().stopRoute("poll-agencies");
                Set<String> ids = PolledReadings.documentIds(PolledReadings.rows(csvDir));
                await().atMost(Duration.ofSeconds(90)).until(() -> PolledReadings.documentIds(INDEX).containsAll(ids));
            }
        }
        return csvDir;
    }

    static Set<String> ids(String query) throws Exception {
        JsonNode hits = OpenSearch.post("/" + INDEX + "/_search?size=10000", "{\"_source\":false,\"query\":" + query + "}").path("hits").path("hits");
        return Stream.of(hits).flatMap(h -> java.util.stream.StreamSupport.stream(h.spliterator(), false))
                .map(h -> h.path("_id").asText()).collect(Collectors.toSet());
    }
}
