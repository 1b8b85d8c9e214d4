package nc.opt.waits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import nc.opt.waits.support.Agencies;
import nc.opt.waits.support.CamelApp;
import nc.opt.waits.support.Http;
import nc.opt.waits.support.TestKafka;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The poll route end to end: the simulator, a real Kafka broker, the routes and application.properties
 * that `camel run` loads, with only hosts, ports, folders, topics and the poll period overridden.
 */
class PollPipelineIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String READINGS = "it-readings-" + RUN;
    static final String DEAD_LETTERS = "it-dead-letters-" + RUN;
    static final Path CSV_DIR = Path.of("target", "it-csv-" + RUN);
    static final int AGENCIES = Agencies.all().size();

    static CamelApp simulator;
    static CamelApp pipeline;
    static String simUrl;
    static String managementUrl;

    @BeforeAll
    static void start() throws Exception {
        int simPort = CamelApp.freePort();
        simulator = CamelApp.simulator(Map.of(
                "camel.server.port", String.valueOf(simPort),
                "sim.clock.start", "2026-11-23T09:30:00", // a Monday morning, at the peak
                "sim.clock.frozen", "true",
                "sim.fault.slow-ms", "3000"));
        simUrl = "http://127.0.0.1:" + simPort;
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("opt.api.url", simUrl);
        overrides.put("opt.api.response-timeout-ms", "1500");
        overrides.put("poll.period-ms", "1500");
        overrides.put("poll.delay-ms", "0");
        overrides.put("poll.tick-ms", "50");
        overrides.put("poll.backoff.initial-ms", "500");
        overrides.put("poll.backoff.max-ms", "2000");
        overrides.put("csv.dir", CSV_DIR.toString());
        overrides.put("camel.component.kafka.brokers", TestKafka.bootstrapServers());
        overrides.put("kafka.topic.readings", READINGS);
        overrides.put("kafka.topic.dead-letter", DEAD_LETTERS);
        overrides.put("camel.main.routesExcludePattern", CamelApp.ALL_BUT_THE_POLL); // IndexingIT covers it
        pipeline = CamelApp.pipeline("file:application.properties", overrides);
        managementUrl = "http://127.0.0.1:" + pipeline.property("camel.management.port");
    }

    @AfterAll
    static void stop() {
        pipeline.close();
        simulator.close();
    }

    /** readings on the topic, grouped by poll id, in the order polls happened */
    static Map<String, List<ConsumerRecord<String, String>>> pollsOnKafka(int minPolls) {
        Map<String, List<ConsumerRecord<String, String>>> polls = new LinkedHashMap<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            polls.clear();
            for (ConsumerRecord<String, String> record : TestKafka.readAll(READINGS, 0, Duration.ofSeconds(5))) {
                polls.computeIfAbsent(JSON.readTree(record.value()).get("pollId").asText(), id -> new ArrayList<>()).add(record);
            }
            return polls.values().stream().filter(p -> p.size() == AGENCIES).count() >= minPolls;
        });
        return polls;
    }

    static Path todaysCsv() {
        return CSV_DIR.resolve("waits-" + LocalDate.now(ZoneId.of("Pacific/Noumea")) + ".csv");
    }

    static List<CSVRecord> csvRows() throws IOException {
        String text = Files.readString(todaysCsv(), StandardCharsets.UTF_8);
        try (CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(text))) {
            return parser.getRecords();
        }
    }

    static Set<String> successfulPollsInCsv() throws IOException {
        Map<String, Long> rowsPerPoll = csvRows().stream()
                .collect(Collectors.groupingBy(r -> r.get("pollId"), Collectors.counting()));
        return rowsPerPoll.entrySet().stream().filter(e -> e.getValue() >= AGENCIES - 1)
                .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Arms a fault, waits until a poll has met it (the failure counter moved), then until a poll succeeds again. */
    static void survives(String fault, String failureKind) throws Exception {
        double failuresBefore = metric("opt_api_poll_failures_total", failureKind);
        Set<String> pollsBefore = successfulPollsInCsv();
        assertEquals(200, Http.post(simUrl + "/_sim/faults?type=" + fault).statusCode());
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> metric("opt_api_poll_failures_total", failureKind) > failuresBefore);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String counters = Http.get(managementUrl + "/observe/metrics").body().lines()
                    .filter(line -> line.startsWith("opt_")).collect(Collectors.joining("\n"));
            throw new AssertionError("no poll failure of kind " + failureKind + " counted after fault " + fault + "; counters:\n" + counters, e);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !pollsBefore.containsAll(successfulPollsInCsv()));
    }

    static double metric(String name, String kind) throws Exception {
        HttpResponse<String> metrics = Http.get(managementUrl + "/observe/metrics");
        Matcher m = Pattern.compile("^" + name + "\\{[^}]*kind=\"" + kind + "\"[^}]*} ([0-9.eE+-]+)$", Pattern.MULTILINE)
                .matcher(metrics.body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** the first dead letter whose reason or original payload holds the text */
    static Optional<JsonNode> deadLetterWith(String text) throws IOException {
        for (ConsumerRecord<String, String> record : TestKafka.readAll(DEAD_LETTERS, 0, Duration.ofSeconds(3))) {
            JsonNode letter = JSON.readTree(record.value());
            if (letter.get("reason").asText().contains(text) || letter.get("payload").asText().contains(text)) {
                return Optional.of(letter);
            }
        }
        return Optional.empty();
    }

    @Test
    void eachPollGivesExactlyOneMessagePerAgencyKeyedByAgencyId() throws Exception {
        Map<String, List<ConsumerRecord<String, String>>> polls = pollsOnKafka(2);
        Map<Integer, Map<String, Object>> agencies = Agencies.byId();
        for (List<ConsumerRecord<String, String>> poll : polls.values()) {
            if (poll.size() != AGENCIES) {
                continue; // a poll a fault test tampered with
            }
            Set<String> keys = new HashSet<>();
            for (ConsumerRecord<String, String> record : poll) {
                JsonNode reading = JSON.readTree(record.value());
                assertEquals(record.key(), reading.get("agencyId").asText(), "key = agency id");
                assertTrue(keys.add(record.key()), "one message per agency: " + record.key());
                Map<String, Object> agency = agencies.get(reading.get("agencyId").asInt());
                assertNotNull(agency, "a known agency: " + record.value());
                assertEquals(agency.get("designation"), reading.get("designation").asText());
                assertEquals(agency.get("commune"), reading.get("commune").asText());
                assertEquals(agency.get("type"), reading.get("type").asText());
                @SuppressWarnings("unchecked")
                Map<String, Object> position = (Map<String, Object>) agency.get("position");
                if (position == null) {
                    assertNull(reading.get("position"), "no position when the API has none");
                } else {
                    assertEquals(((Number) position.get("lat")).doubleValue(), reading.at("/position/lat").asDouble());
                    assertEquals(((Number) position.get("lon")).doubleValue(), reading.at("/position/lon").asDouble());
                }
                long maxMs = reading.get("maxWaitMs").asLong();
                assertTrue(maxMs > 0, "open on a Monday at 09:30");
                assertEquals(Math.round(maxMs / 600.0) / 100.0, reading.get("maxWaitMinutes").asDouble());
                assertEquals(Math.round(reading.get("avgWaitMs").asLong() / 600.0) / 100.0, reading.get("avgWaitMinutes").asDouble());
                String band = maxMs <= 300_000 ? "green" : maxMs <= 600_000 ? "orange" : "red";
                assertEquals(band, reading.get("waitBand").asText());
                assertTrue(reading.get("observedAt").asText().matches("2026-11-23T09:2\\d:\\d\\d\\.\\d{3}\\+11:00"),
                        "updatedDate with its Noumea offset: " + reading.get("observedAt"));
                Instant.parse(reading.get("@timestamp").asText());
                assertEquals(true, reading.get("stale").asBoolean(false), "the frozen clock observed days before the poll: " + reading);
                assertEquals(17, reading.size() + (reading.has("position") ? 0 : 1) + 3,
                        "agencyId designation commune type position max/avg ms and minutes band observedAt stale @timestamp pollId: " + reading);
            }
            assertEquals(agencies.keySet().stream().map(String::valueOf).collect(Collectors.toSet()), keys);
        }
    }

    @Test
    void csvHasTheHeaderOnceAndOneRowPerAgencyPerPoll() throws Exception {
        pollsOnKafka(2);
        String text = Files.readString(todaysCsv());
        String header = pipeline.property("csv.columns");
        assertTrue(text.startsWith(header + "\r\n"), "RFC 4180: header first, CRLF");
        assertEquals(1, text.split(Pattern.quote(header), -1).length - 1, "header once");
        Map<String, Long> rowsPerPoll = csvRows().stream()
                .collect(Collectors.groupingBy(r -> r.get("pollId"), Collectors.counting()));
        assertTrue(rowsPerPoll.values().stream().filter(n -> n == AGENCIES).count() >= 2, rowsPerPoll.toString());
        for (CSVRecord row : csvRows()) {
            assertTrue(row.isConsistent(), "every row has every column: " + row);
        }
    }

    @Test
    void aTornLastRowIsCutOffAndTheFileStaysWellFormed() throws Exception {
        pollsOnKafka(1);
        Set<String> pollsBefore = successfulPollsInCsv();
        // what a crash in the middle of an append leaves: part of a row, no line break
        Files.writeString(todaysCsv(), "2026-11-22T23:59:59Z,torn-poll,4313,\"Agence de NOU", StandardOpenOption.APPEND);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try {
                return !pollsBefore.containsAll(successfulPollsInCsv());
            } catch (IllegalStateException | java.io.UncheckedIOException torn) {
                return false; // the torn row is still there
            }
        });
        String text = Files.readString(todaysCsv());
        assertFalse(text.contains("torn-poll"));
        assertTrue(text.endsWith("\r\n"));
        csvRows().forEach(row -> assertTrue(row.isConsistent(), row.toString()));
    }

    @Test
    void everyApiFaultIsSurvivedAndTheNextPollSucceeds() throws Exception {
        pollsOnKafka(1);
        survives("500", "http_500");
        survives("429", "http_429");
        survives("400", "http_400");
        survives("malformed", "invalid_answer");
        survives("empty", "invalid_answer");
        // last: the simulator still answers the abandoned slow request after the client gave up,
        // and would spend a fault armed meanwhile on it
        survives("slow", "timeout");
        Thread.sleep(3_000);
    }

    @Test
    void anUnreadableAgencyGoesToTheDeadLetterTopicAndTheRestOfThePollGoesOn() throws Exception {
        pollsOnKafka(1);
        assertEquals(200, Http.post(simUrl + "/_sim/faults?type=bad-reading").statusCode());
        JsonNode letter = await().atMost(Duration.ofSeconds(30)).until(() -> deadLetterWith("\"n/a\""), Optional::isPresent).get();
        assertTrue(letter.get("reason").asText().contains("realMaxWaitingTimeMs"), letter.toString());
        String pollId = letter.get("pollId").asText();
        long readingsOfThatPoll = TestKafka.readAll(READINGS, 0, Duration.ofSeconds(5)).stream()
                .filter(r -> r.value().contains(pollId)).count();
        assertEquals(AGENCIES - 1, readingsOfThatPoll, "every other agency of that poll was published");
    }

    @Test
    void aMalformedAnswerIsDeadLetteredWhole() throws Exception {
        pollsOnKafka(1);
        assertEquals(200, Http.post(simUrl + "/_sim/faults?type=malformed").statusCode());
        JsonNode letter = await().atMost(Duration.ofSeconds(30))
                .until(() -> deadLetterWith("invalid API answer: malformed JSON"), Optional::isPresent).get();
        assertEquals("poll-agencies", letter.get("source").asText());
        assertFalse(SimulatorIT.isJson(letter.get("payload").asText()), "the answer kept as it came");
        assertTrue(letter.get("payload").asText().startsWith("[{\"idAgence\""), "the answer kept as it came");
    }

    @Test
    void aFormulaLookingDesignationIsNeutralisedInTheCsv() throws Exception {
        pollsOnKafka(1);
        assertEquals(200, Http.post(simUrl + "/_sim/faults?type=formula").statusCode());
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(todaysCsv()).contains("HYPERLINK"));
        List<String> cells = csvRows().stream().map(r -> r.get("designation")).filter(d -> d.contains("HYPERLINK")).toList();
        assertFalse(cells.isEmpty());
        cells.forEach(cell -> assertTrue(cell.startsWith("'="), "neutralised: " + cell));
        // negative latitudes are numbers, not formulas: left as they are
        assertTrue(csvRows().stream().anyMatch(r -> r.get("lat").startsWith("-22.")));
    }

    @Test
    void healthAndMetricsEndpoints() throws Exception {
        pollsOnKafka(1);
        HttpResponse<String> health = Http.get(managementUrl + "/observe/health");
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("UP"), health.body());
        HttpResponse<String> metrics = Http.get(managementUrl + "/observe/metrics");
        assertTrue(metrics.body().contains("opt_readings_polled_total"), "readings counter exported");
    }
}
