package nc.opt.waits.spark;

import nc.opt.waits.spark.support.SparkApp;
import nc.opt.waits.spark.support.TestReadings;
import nc.opt.waits.spark.support.TestTopics;
import org.apache.camel.ServiceStatus;
import org.apache.kafka.common.ConsumerGroupState;
import org.apache.spark.SparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The integration starts (Spark session, every route), stores what is on the topic, and stops
 * cleanly: the Camel context stopped, the Spark context stopped, the consumer out of its group, no
 * thread left that would keep the JVM alive; and it starts again in the same JVM.
 */
class StartStopTest {
    private static final List<String> ROUTES = List.of("readings-to-parquet", "to-dead-letter-topic",
            "analytics-on-schedule", "run-analytics");

    @TempDir
    Path work;

    @Test
    void startsStoresAndStopsCleanly() {
        Map<String, String> overrides = SparkApp.isolated("start-stop", work);
        String topic = overrides.get("kafka.topic.readings");
        String group = overrides.get("store.group-id");
        TestTopics.createTopic(topic, 3);
        TestTopics.send(topic, readings(120));
        Set<String> threadsBefore = liveNonDaemonThreads();

        SparkApp app = SparkApp.start(overrides);
        SparkContext sparkContext;
        SparkSessionHolder holder = app.spark();
        try {
            assertEquals(ServiceStatus.Started, app.context().getStatus());
            for (String route : ROUTES) {
                assertEquals(ServiceStatus.Started, app.context().getRouteController().getRouteStatus(route), route);
            }
            sparkContext = app.spark().session().sparkContext();
            assertTrue(app.spark().isRunning());
            assertEquals("local[*]", sparkContext.master());
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> TestTopics.caughtUp(group, topic));
            assertEquals(120, app.storedRowsAndKeys()[0]);
            assertEquals(1, TestTopics.group(group).members().size());
        } finally {
            long begin = System.nanoTime();
            app.close();
            long stopMillis = (System.nanoTime() - begin) / 1_000_000;
            System.out.println("stopped in " + stopMillis + " ms");
            assertTrue(stopMillis < 30_000, "stopped in " + stopMillis + " ms");
        }
        assertEquals(ServiceStatus.Stopped, app.context().getStatus());
        assertTrue(sparkContext.isStopped(), "the Spark context is stopped");
        assertFalse(holder.isRunning());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertTrue(TestTopics.group(group).members().isEmpty(), "the consumer left its group");
            assertEquals(ConsumerGroupState.EMPTY, TestTopics.group(group).state());
        });
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Set<String> left = liveNonDaemonThreads();
            left.removeAll(threadsBefore);
            assertTrue(left.isEmpty(), "threads that would keep the JVM alive: " + left);
        });

        // and again, in the same JVM: a new Spark context, the same dataset, nothing stored twice
        try (SparkApp again = SparkApp.start(overrides)) {
            assertEquals(120, again.storedRowsAndKeys()[0]);
            assertTrue(again.spark().isRunning());
        }
    }

    private static List<Map.Entry<String, String>> readings(int count) {
        return TestReadings.kafkaRecords(TestReadings.generate(7, 4, LocalDate.of(2025, 6, 2), 1, 20).subList(0, count));
    }

    private static Set<String> liveNonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.isDaemon())
                // the test's own: awaitility's
                .filter(t -> !t.getName().startsWith("awaitility"))
                .map(t -> t.getName() + "#" + t.getId())
                .collect(Collectors.toSet());
    }
}
