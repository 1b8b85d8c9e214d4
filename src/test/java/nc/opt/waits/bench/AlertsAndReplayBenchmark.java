package nc.opt.waits.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import nc.opt.waits.support.CamelApp;
import nc.opt.waits.support.Readings;
import nc.opt.waits.support.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reading-to-alert latency over 1,000 crossings, and the CSV replay rate, on real Kafka; printed and
 * appended to target/benchmark-results.md. Run with `mvn -Pbenchmark verify`; never an assertion on time.
 */
class AlertsAndReplayBenchmark {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final List<String> RESULTS = new ArrayList<>();

    @AfterAll
    static void report() throws IOException {
        String table = "\n## Alerts and replay, " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version") + "\n\n| measure | value |\n|---|---|\n" + String.join("\n", RESULTS) + "\n";
        System.out.println(table);
        Files.writeString(Path.of("target/benchmark-results.md"), table, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void readingToAlertLatency() throws Exception {
        int crossings = Integer.getInteger("bench.crossings", 1000);
        String readings = "bench-al-readings-" + RUN;
        String alerts = "bench-al-alerts-" + RUN;
        Map<String, String> config = new LinkedHashMap<>();
        config.put("camel.component.kafka.brokers", TestKafka.bootstrapServers());
        config.put("kafka.topic.readings", readings);
        config.put("alerts.topic", alerts);
        config.put("alerts.thresholds-topic", "bench-al-thresholds-" + RUN);
        config.put("alerts.start-from", "earliest");
        config.putAll(CamelApp.httpPorts());
        try (CamelApp app = CamelApp.start("file:application.properties",
                "file:routes/alerts.camel.yaml,file:routes/error-handling.camel.yaml,file:routes/http-api.camel.yaml,"
                        + "file:routes/readings-to-kafka.camel.yaml,file:routes/publish-to-kafka.camel.yaml", config)) {
            Thread.sleep(5_000); // the consumer group has joined
            Map<String, Long> sentAt = new HashMap<>();
            Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.ACKS_CONFIG, "all");
            Instant t0 = Instant.parse("2026-11-23T00:00:00Z");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
                for (int i = 0; i < crossings; i++) {
                    int agency = 5000 + i % 50;
                    double wait = (i / 50) % 2 == 0 ? 30 : 5; // above, then under, the default threshold: every reading crosses
                    Instant observed = t0.plusSeconds(i);
                    String value = Readings.reading(agency, "NOUMEA", "AGENCE", wait, observed);
                    long now = System.currentTimeMillis();
                    producer.send(new ProducerRecord<>(readings, null, now, String.valueOf(agency), value)).get();
                    sentAt.put(agency + "-" + observed.toEpochMilli(), now);
                    Thread.sleep(10);
                }
            }
            List<ConsumerRecord<String, String>> events = TestKafka.readAll(alerts, crossings, Duration.ofSeconds(60));
            List<Long> latencies = new ArrayList<>();
            for (ConsumerRecord<String, String> event : events) {
                JsonNode alert = JSON.readTree(event.value());
                String id = alert.get("agencyId").asText() + "-" + OffsetDateTime.parse(alert.get("observedAt").asText()).toInstant().toEpochMilli();
                Long sent = sentAt.get(id);
                if (sent != null) {
                    latencies.add(event.timestamp() - sent);
                }
            }
            Collections.sort(latencies);
            RESULTS.add("| crossings sent (one reading every 10 ms, each above or under its threshold) | " + crossings + " |");
            RESULTS.add("| alert events on the alerts topic | " + events.size() + " |");
            RESULTS.add("| reading-to-alert latency p50 (ms, reading's send time to the alert record's timestamp) | " + IndexingBenchmark.percentile(latencies, 50) + " |");
            RESULTS.add("| reading-to-alert latency p99 (ms) | " + IndexingBenchmark.percentile(latencies, 99) + " |");
            RESULTS.add("| reading-to-alert latency max (ms) | " + (latencies.isEmpty() ? -1 : latencies.get(latencies.size() - 1)) + " |");
        }
    }

    @Test
    void replayRate() throws Exception {
        int polls = Integer.getInteger("bench.replay-polls", 1000);
        Path csv = Path.of("target", "bench-replay-" + RUN + ".csv");
        Instant t0 = Instant.parse("2026-11-23T00:00:00Z");
        try (Writer out = Files.newBufferedWriter(csv)) {
            out.write("timestamp,pollId,agencyId,designation,commune,type,lat,lon,maxWaitMs,avgWaitMs,maxWaitMinutes,avgWaitMinutes,waitBand,observedAt\r\n");
            for (int p = 0; p < polls; p++) {
                for (int a = 0; a < 63; a++) {
                    String observed = t0.plusSeconds(60L * p).atOffset(java.time.ZoneOffset.ofHours(11)).toString();
                    out.write(t0.plusSeconds(60L * p) + ",poll-" + p + "," + (4100 + a) + ",Agence de NOUMEA " + a + ",NOUMEA,AGENCE,-22.27,166.44,"
                            + 60_000L * (a % 20) + ",30000,1.0,0.5,green," + observed + "\r\n");
                }
            }
        }
        long rows = 63L * polls;
        String topic = "bench-replay-" + RUN;
        long start = System.nanoTime();
        try (CamelApp replay = CamelApp.start("file:application.properties,file:replay/application.properties",
                CamelApp.REPLAY, Map.of("camel.component.kafka.brokers", TestKafka.bootstrapServers(),
                        "kafka.topic.readings", topic, "replay.files", csv.toString(), "replay.speed", "max"))) {
            while (TestKafka.readAll(topic, 0, Duration.ofSeconds(2)).size() < rows && System.nanoTime() - start < Duration.ofMinutes(10).toNanos()) {
                Thread.sleep(500);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        RESULTS.add("| replay of " + rows + " CSV rows at --speed=max: rows on the topic | " + TestKafka.readAll(topic, 0, Duration.ofSeconds(5)).size() + " |");
        RESULTS.add("| replay rate (rows/s, start of the replay integration to the last row on the topic) | " + Math.round(rows / seconds) + " |");
    }
}
