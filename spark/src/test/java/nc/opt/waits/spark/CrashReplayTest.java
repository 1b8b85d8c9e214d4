package nc.opt.waits.spark;

import nc.opt.waits.spark.support.SparkApp;
import nc.opt.waits.spark.support.TestReadings;
import nc.opt.waits.spark.support.TestTopics;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A crash between the write of a batch and its offset commit: the first run writes every batch and
 * never commits (its commit step is taken out), then stops; the restarted consumer reads everything
 * again, in batches of other sizes. The dataset holds each reading once.
 */
class CrashReplayTest {
    @TempDir
    Path work;

    @Test
    void batchesWrittenButNotCommittedAreNotStoredTwice() throws Exception {
        List<TestReadings.Reading> readings = TestReadings.generate(11, 6, LocalDate.of(2025, 8, 4), 3, 15);
        Map<String, String> overrides = SparkApp.isolated("crash", work);
        String topic = overrides.get("kafka.topic.readings");
        String group = overrides.get("store.group-id");
        TestTopics.createTopic(topic, 3);
        TestTopics.send(topic, TestReadings.kafkaRecords(readings));

        // run 1: write, do not commit ("crash" after each write)
        overrides.put("store.batch-size", "100");
        overrides.put("store.auto-startup", "false");
        AtomicInteger uncommitted = new AtomicInteger();
        try (SparkApp crashing = SparkApp.start(overrides)) {
            AdviceWith.adviceWith(crashing.context(), "readings-to-parquet", route ->
                    route.weaveById("commit-kafka-offsets").replace().process(exchange -> uncommitted.incrementAndGet()));
            crashing.context().getRouteController().startRoute("readings-to-parquet");
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> new java.io.File(overrides.get("parquet.dir")).exists()
                            && crashing.storedRowsAndKeys()[0] == readings.size());
        }
        assertTrue(uncommitted.get() >= readings.size() / 100, "batches written without commit: " + uncommitted.get());
        assertTrue(TestTopics.committed(group).isEmpty(), "nothing committed: " + TestTopics.committed(group));

        // run 2: the consumer restarts from the last committed offsets (none: the beginning)
        overrides.put("store.batch-size", "70");
        overrides.put("store.auto-startup", "true");
        try (SparkApp restarted = SparkApp.start(overrides)) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> TestTopics.caughtUp(group, topic));
            long[] stored = restarted.storedRowsAndKeys();
            assertEquals(readings.size(), stored[0], "rows");
            assertEquals(readings.size(), stored[1], "distinct readings");
        }
    }
}
