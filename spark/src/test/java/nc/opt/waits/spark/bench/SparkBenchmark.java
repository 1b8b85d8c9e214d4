package nc.opt.waits.spark.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import nc.opt.waits.spark.ParquetReadingStore;
import nc.opt.waits.spark.ReadingAnalytics;
import nc.opt.waits.spark.Readings;
import nc.opt.waits.spark.SparkSessionHolder;
import nc.opt.waits.spark.support.SparkApp;
import nc.opt.waits.spark.support.TestReadings;
import nc.opt.waits.spark.support.TestReadings.Reading;
import nc.opt.waits.spark.support.TestTopics;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * Figures, not assertions: `mvn -f spark/pom.xml -Pbenchmark verify`.
 * <ol>
 * <li>Append: 1,000,000 generated readings (60 agencies, one reading every 5 minutes from 07:00 to
 *     17:00 Noumea time, 139 days) appended in 5 batches of 200,000 with the store of the
 *     integration (JSON parsed into rows, the idempotent anti-join, the Parquet write); then one
 *     batch of 200,000 again (all of them already stored: the cost of a replay).</li>
 * <li>Analytics: every result over the 1,000,000 readings, three runs (the first one cold).</li>
 * <li>End to end: 200,000 readings through Kafka, the integration's route (one micro-batch of
 *     200,000), until the offsets are committed; the Spark session already up.</li>
 * </ol>
 * Printed, and appended to target/benchmark-results.md.
 */
class SparkBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 200_000;
    private final StringBuilder report = new StringBuilder();

    @TempDir
    Path work;

    @Test
    void appendAndAnalytics() throws Exception {
        List<Reading> readings = TestReadings.generate(2025, 60, LocalDate.of(2025, 1, 6), 139, 5);
        line("## Spark benchmark, " + LocalDateTime.now().withNano(0) + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, local[*], max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB");
        line("readings generated: " + readings.size());

        SparkSessionHolder spark = new SparkSessionHolder();
        spark.setConf(Map.of("spark.sql.shuffle.partitions", "8", "spark.sql.parquet.compression.codec", "zstd"));
        long begin = System.nanoTime();
        spark.start();
        line("Spark session: " + millis(begin) + " ms");
        try {
            ParquetReadingStore store = new ParquetReadingStore();
            store.setSpark(spark);
            store.setDir(work.resolve("parquet").toString());
            long total = 0;
            long totalMillis = 0;
            for (int from = 0; from < readings.size(); from += BATCH) {
                List<Reading> batch = readings.subList(from, Math.min(readings.size(), from + BATCH));
                List<String> values = batch.stream().map(Reading::json).toList();
                begin = System.nanoTime();
                List<Row> rows = rows(values);
                long parse = millis(begin);
                ParquetReadingStore.Result result = store.append(rows);
                long all = millis(begin);
                total += result.stored();
                totalMillis += all;
                line(String.format("append batch %d: %,d readings, %,d stored, %,d ms (JSON to rows %,d ms, Spark %,d ms): %,.0f readings/s",
                        from / BATCH + 1, batch.size(), result.stored(), all, parse, result.millis(), batch.size() * 1000.0 / all));
            }
            line(String.format("append, all batches: %,d readings in %,d ms: %,.0f readings/s", total, totalMillis,
                    total * 1000.0 / totalMillis));
            List<String> replay = readings.subList(readings.size() - BATCH, readings.size()).stream().map(Reading::json).toList();
            begin = System.nanoTime();
            ParquetReadingStore.Result again = store.append(rows(replay));
            line(String.format("replayed batch (all already stored): %,d readings, %,d stored, %,d ms: %,.0f readings/s",
                    replay.size(), again.stored(), millis(begin), replay.size() * 1000.0 / millis(begin)));
            line(String.format("dataset: %,d bytes in %d Parquet files, %d day partitions", size(store.getDir()),
                    files(store.getDir()), days(store.getDir())));

            ReadingAnalytics analytics = new ReadingAnalytics();
            analytics.setSpark(spark);
            analytics.setDir(store.getDir());
            for (int run = 1; run <= 3; run++) {
                begin = System.nanoTime();
                Map<String, Map<String, Object>> results = analytics.compute();
                long ms = millis(begin);
                int rows = results.values().stream().mapToInt(r -> ((List<?>) r.get("rows")).size()).sum();
                line(String.format("analytics run %d over %s readings: %,d ms (%,d result rows; ms per result: %s)", run,
                        ((List<Map<String, Object>>) results.get("summary").get("rows")).get(0).get("readings"), ms, rows,
                        analytics.lastTimings()));
            }
        } finally {
            spark.stop();
        }
        endToEnd(readings.subList(0, BATCH));
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/benchmark-results.md"), report + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** 200,000 readings through Kafka and the integration's route, in one micro-batch. */
    private void endToEnd(List<Reading> readings) {
        Map<String, String> overrides = SparkApp.isolated("bench", work.resolve("e2e"));
        overrides.put("store.batch-size", String.valueOf(BATCH));
        overrides.put("store.batch-max-wait-ms", "30000");
        overrides.put("store.poll-timeout-ms", "1000");
        overrides.put("store.auto-startup", "false");
        overrides.put("spark.conf.spark.sql.shuffle.partitions", "8");
        String topic = overrides.get("kafka.topic.readings");
        TestTopics.createTopic(topic, 3);
        long begin = System.nanoTime();
        TestTopics.send(topic, TestReadings.kafkaRecords(readings));
        line(String.format("end to end: %,d readings sent to Kafka in %,d ms", readings.size(), millis(begin)));
        try (SparkApp app = SparkApp.start(overrides)) {
            app.spark().session();
            begin = System.nanoTime();
            app.context().getRouteController().startRoute("readings-to-parquet");
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> TestTopics.caughtUp(overrides.get("store.group-id"), topic));
            long ms = millis(begin);
            line(String.format("end to end: %,d readings from Kafka to Parquet, offsets committed, in %,d ms: %,.0f readings/s (%d rows stored)",
                    readings.size(), ms, readings.size() * 1000.0 / ms, app.storedRowsAndKeys()[0]));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Row> rows(List<String> values) throws IOException {
        List<Row> rows = new ArrayList<>(values.size());
        long offset = 0;
        for (String value : values) {
            rows.add(Readings.toRow(JSON.readTree(value), 0, offset++, TestReadings.NOUMEA));
        }
        return rows;
    }

    private static long millis(long begin) {
        return Math.max(1, (System.nanoTime() - begin) / 1_000_000);
    }

    private void line(String text) {
        System.out.println("[benchmark] " + text);
        report.append("- ").append(text).append('\n');
    }

    private static long size(String dir) throws IOException {
        try (Stream<Path> files = Files.walk(Path.of(dir))) {
            return files.filter(f -> f.toString().endsWith(".parquet")).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static long files(String dir) throws IOException {
        try (Stream<Path> files = Files.walk(Path.of(dir))) {
            return files.filter(f -> f.toString().endsWith(".parquet")).count();
        }
    }

    private static long days(String dir) throws IOException {
        try (Stream<Path> files = Files.list(Path.of(dir))) {
            return files.filter(f -> f.getFileName().toString().startsWith("day=")).count();
        }
    }
}
