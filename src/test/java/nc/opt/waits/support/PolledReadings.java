package nc.opt.waits.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the pipeline polled, as its CSV files hold it (every poll is written there, whatever Kafka
 * does), checked against the readings topic and the OpenSearch index: every reading on the topic,
 * in poll order per agency, and indexed once.
 */
public final class PolledReadings {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PolledReadings() {
    }

    /** one CSV row: its poll, agency, observation and poll time */
    public record Row(String pollId, String agencyId, String observedAt, String timestamp) {
        /** the OpenSearch document id: agency id and observation time in milliseconds */
        public String documentId() {
            return agencyId + "-" + OffsetDateTime.parse(observedAt).toInstant().toEpochMilli();
        }
    }

    /** every row of the CSV files of the folder, in file then row order */
    public static List<Row> rows(String csvDir) throws IOException {
        List<Row> rows = new ArrayList<>();
        if (!Files.isDirectory(Path.of(csvDir))) {
            return rows;
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(Path.of(csvDir))) {
            files = list.filter(f -> f.toString().endsWith(".csv")).sorted().toList();
        }
        for (Path file : files) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                 CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader)) {
                for (CSVRecord record : parser) {
                    if (record.isConsistent()) {
                        rows.add(new Row(record.get("pollId"), record.get("agencyId"), record.get("observedAt"), record.get("timestamp")));
                    }
                }
            }
        }
        return rows;
    }

    /** the polls of the CSV files, in order */
    public static Set<String> polls(String csvDir) throws IOException {
        Set<String> polls = new LinkedHashSet<>();
        rows(csvDir).forEach(row -> polls.add(row.pollId()));
        return polls;
    }

    /**
     * Every row is on the topic (poll and agency), and each agency's readings are on the topic in
     * the order of their polls. Returns how many records were there more than once (a file of the
     * outbox tried again after Kafka took part of it).
     */
    public static int assertAllOnTheTopicInPollOrder(List<Row> rows, List<ConsumerRecord<String, String>> records) throws IOException {
        Set<String> onTopic = new HashSet<>();
        Map<String, List<ConsumerRecord<String, String>>> byAgency = new HashMap<>();
        int repeated = 0;
        for (ConsumerRecord<String, String> record : records) {
            JsonNode reading = JSON.readTree(record.value());
            assertEquals(record.key(), reading.path("agencyId").asText(), "key = agency id");
            if (!onTopic.add(reading.path("pollId").asText() + "/" + record.key())) {
                repeated++;
            }
            byAgency.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record);
        }
        for (Row row : rows) {
            assertTrue(onTopic.contains(row.pollId() + "/" + row.agencyId()),
                    "reading of agency " + row.agencyId() + " polled at " + row.timestamp() + " (poll " + row.pollId() + ") is on the topic");
        }
        for (Map.Entry<String, List<ConsumerRecord<String, String>>> agency : byAgency.entrySet()) {
            List<ConsumerRecord<String, String>> inOrder = new ArrayList<>(agency.getValue());
            inOrder.sort((a, b) -> Long.compare(a.offset(), b.offset()));
            Instant previous = Instant.MIN;
            for (ConsumerRecord<String, String> record : inOrder) {
                Instant polledAt = Instant.parse(JSON.readTree(record.value()).path("@timestamp").asText());
                assertTrue(!polledAt.isBefore(previous), "agency " + agency.getKey() + ": the reading polled at " + polledAt
                        + " comes after one polled at " + previous + " (offset " + record.offset() + ")");
                previous = polledAt;
            }
        }
        return repeated;
    }

    /** the ids of every document of the index (or alias) */
    public static Set<String> documentIds(String index) throws IOException, InterruptedException {
        OpenSearch.post("/" + index + "/_refresh", "");
        Set<String> ids = new HashSet<>();
        JsonNode hits = OpenSearch.post("/" + index + "/_search?size=10000", "{\"_source\":false,\"query\":{\"match_all\":{}}}")
                .path("hits").path("hits");
        hits.forEach(hit -> ids.add(hit.path("_id").asText()));
        return ids;
    }

    /** the distinct document ids the rows must give */
    public static Set<String> documentIds(List<Row> rows) {
        Set<String> ids = new HashSet<>();
        rows.forEach(row -> ids.add(row.documentId()));
        return ids;
    }
}
