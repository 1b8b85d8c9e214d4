package nc.opt.waits.bench;

import com.fasterxml.jackson.databind.JsonNode;
import nc.opt.waits.support.CamelApp;
import nc.opt.waits.support.OpenSearch;
import nc.opt.waits.support.TestKafka;
import nc.opt.waits.support.TestOpenSearch;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Measures the index route on real Kafka and OpenSearch; prints the figures and appends them to
 * target/benchmark-results.md. Not part of `mvn verify` and never an assertion on time:
 * run it with `mvn -Pbenchmark verify` (bench.readings sets the backlog size, default 100000).
 */
class IndexingBenchmark {
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final List<String> RESULTS = new ArrayList<>();

    @AfterAll
    static void report() throws IOException {
        String table = "\n## Index route, " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version") + "\n\n| measure | value |\n|---|---|\n" + String.join("\n", RESULTS) + "\n";
        System.out.println(table);
        Files.writeString(Path.of("target/benchmark-results.md"), table, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static Map<String, String> overrides(String topic, String index, String group) {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("camel.component.kafka.brokers", TestKafka.bootstrapServers());
        overrides.put("kafka.topic.readings", topic);
        overrides.put("kafka.topic.dead-letter", topic + "-dlq");
        overrides.put("opensearch.url", TestOpenSearch.url());
        overrides.put("index.name", index);
        overrides.put("index.group-id", group);
        return overrides;
    }

    @Test
    void backlogThroughput() throws Exception {
        int n = Integer.getInteger("bench.readings", 100_000);
        String topic = "bench-backlog-" + RUN;
        String index = "bench-backlog-" + RUN;
        produce(topic, n);
        Map<String, String> config = overrides(topic, index, "bench-" + RUN);
        config.putAll(CamelApp.httpPorts());
        long start = System.nanoTime();
        long firstDoc = 0;
        try (CamelApp app = CamelApp.start("file:application.properties",
                CamelApp.INDEX_ONLY, config)) {
            long count = 0;
            while (count < n && System.nanoTime() - start < Duration.ofMinutes(20).toNanos()) {
                Thread.sleep(200);
                count = OpenSearch.get("/" + index + "/_count").path("count").asLong(0);
                if (count > 0 && firstDoc == 0) {
                    firstDoc = System.nanoTime();
                }
            }
            long end = System.nanoTime();
            OpenSearch.post("/" + index + "/_refresh", "");
            long finalCount = OpenSearch.count(index);
            double seconds = (end - firstDoc) / 1e9;
            RESULTS.add("| backlog of " + n + " readings: documents indexed (checked count) | " + finalCount + " |");
            RESULTS.add("| backlog: docs/s from first to last document (index route, batch " + app.property("index.batch-size")
                    + ", " + app.property("index.consumers") + " consumers) | " + Math.round(n / seconds) + " |");
            RESULTS.add("| backlog: seconds from route start to the last document | " + String.format("%.1f", (end - start) / 1e9) + " |");
        }
    }

    @Test
    void pollToSearchableLatency() throws Exception {
        String topic = "bench-latency-" + RUN;
        String index = "bench-latency-" + RUN;
        int simPort = CamelApp.freePort();
        Map<String, Long> seen = new HashMap<>();
        Map<String, Long> polled = new HashMap<>();
        long[] warmUpEnds = {0};
        try (CamelApp simulator = CamelApp.simulator(Map.of("camel.server.port", String.valueOf(simPort),
                "sim.clock.start", "2026-11-23T08:00:00", "sim.clock.speed", "60"))) {
            Map<String, String> config = overrides(topic, index, "bench-lat-" + RUN);
            config.put("opt.api.url", "http://127.0.0.1:" + simPort);
            config.put("poll.period-ms", "2000");
            config.put("csv.dir", "target/bench-csv-" + RUN);
            try (CamelApp pipeline = CamelApp.pipeline("file:application.properties", config)) {
                warmUpEnds[0] = System.currentTimeMillis() + 15_000;
                long until = System.currentTimeMillis() + 45_000;
                while (System.currentTimeMillis() < until) {
                    JsonNode hits = OpenSearch.post("/" + index + "/_search",
                            "{\"size\":2000,\"_source\":[\"@timestamp\"],\"query\":{\"match_all\":{}}}").at("/hits/hits");
                    long now = System.currentTimeMillis();
                    for (JsonNode hit : hits) {
                        String id = hit.get("_id").asText();
                        if (seen.putIfAbsent(id, now) == null) {
                            polled.put(id, Instant.parse(hit.at("/_source/@timestamp").asText()).toEpochMilli());
                        }
                    }
                    Thread.sleep(20);
                }
            }
        }
        List<Long> latencies = new ArrayList<>();
        List<Long> steady = new ArrayList<>();
        seen.forEach((id, at) -> {
            latencies.add(at - polled.get(id));
            if (polled.get(id) >= warmUpEnds[0]) {
                steady.add(at - polled.get(id));
            }
        });
        Collections.sort(latencies);
        Collections.sort(steady);
        RESULTS.add("| poll-to-searchable latency, steady state (polls after the first 15 s): readings | " + steady.size() + " |");
        RESULTS.add("| poll-to-searchable p50 / p99, steady state (ms, poll start to first seen by a search every ~20 ms) | "
                + percentile(steady, 50) + " / " + percentile(steady, 99) + " |");
        RESULTS.add("| poll-to-searchable p50 / p99, all readings from the pipeline's start (ms; " + latencies.size()
                + " readings, includes the consumer group's first join) | " + percentile(latencies, 50) + " / " + percentile(latencies, 99) + " |");
    }

    static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /** n readings in the pipeline's record shape, 63 agencies, one observation a second each */
    static void produce(String topic, int n) {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                // a bulk loader: no idempotence (the test broker, then in the JVM, answered OUT_OF_ORDER_SEQUENCE_NUMBER
                // to an idempotent producer here once another producer had used the same producer id)
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.ACKS_CONFIG, "1");
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            for (int i = 0; i < n; i++) {
                int agency = 4100 + i % 63;
                String observed = t.plusSeconds(i / 63).atOffset(ZoneOffset.ofHours(11)).toString();
                long max = 60_000L * (i % 30);
                String value = "{\"agencyId\":" + agency + ",\"designation\":\"Agence de NOUMEA " + agency + "\",\"commune\":\"NOUMEA\","
                        + "\"type\":\"AGENCE\",\"position\":{\"lat\":-22.27,\"lon\":166.44},\"maxWaitMs\":" + max + ",\"avgWaitMs\":"
                        + max / 2 + ",\"maxWaitMinutes\":" + max / 60000.0 + ",\"avgWaitMinutes\":" + max / 120000.0
                        + ",\"waitBand\":\"green\",\"observedAt\":\"" + observed + "\",\"@timestamp\":\"" + Instant.now()
                        + "\",\"pollId\":\"bench\"}";
                producer.send(new ProducerRecord<>(topic, String.valueOf(agency), value));
            }
            producer.flush();
        }
    }
}
