package nc.opt.waits.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ConsumerGroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static nc.opt.waits.benchmark.Harness.BOOTSTRAP;
import static nc.opt.waits.benchmark.Harness.LOGS;
import static nc.opt.waits.benchmark.Harness.REPO;
import static nc.opt.waits.benchmark.Harness.RUN;
import static nc.opt.waits.benchmark.Harness.admin;
import static nc.opt.waits.benchmark.Harness.env;
import static nc.opt.waits.benchmark.Harness.pct;
import static nc.opt.waits.benchmark.Harness.say;

/**
 * benchmark/run --alerts: ONE detect-alerts instance as users run it (bin/camel run of the alert
 * routes and what they call, no poller, no indexing), with the thresholds barrier on, then off.
 * Every reading sent crosses the default 15 min threshold (20 and 5 min in turn per agency), so each
 * gives one alert event. For each: reading-to-alert right after the group formed (warm start), then
 * at 50/s and at 500/s, and the sustained rate on a backlog sent at once (first to last alert).
 */
final class AlertsBench {
    private AlertsBench() {
    }

    static List<String> run() throws Exception {
        List<String> out = new ArrayList<>();
        out.add("Load average at the start: " + Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim());
        for (boolean barrier : List.of(true, false)) {
            out.addAll(detector(barrier));
        }
        return out;
    }

    static List<String> detector(boolean barrier) throws Exception {
        String tag = RUN + (barrier ? "-barrier" : "-nobarrier");
        String readingsTopic = "bench-al-readings-" + tag;
        String alertsTopic = "bench-al-alerts-" + tag;
        String group = "bench-al-detector-" + tag;
        Harness.createTopic(readingsTopic, 3);
        Harness.createTopic(alertsTopic, 3);
        List<String> cmd = new ArrayList<>(List.of(REPO.resolve("bin/camel").toString(), "run", "--properties=application.properties",
                "routes/alerts.camel.yaml", "routes/http-api.camel.yaml", "routes/readings-to-kafka.camel.yaml", "routes/publish-to-kafka.camel.yaml",
                "routes/error-handling.camel.yaml", "routes/dead-letters.camel.yaml"));
        try (Stream<java.nio.file.Path> java = Files.list(REPO.resolve("routes"))) {
            java.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".java")).sorted().forEach(f -> cmd.add("routes/" + f));
        }
        String port = env("BENCH_HTTP_PORT", "18080");
        for (String prop : List.of("camel.component.kafka.brokers=" + BOOTSTRAP, "kafka.topic.readings=" + readingsTopic,
                "kafka.topic.dead-letter=" + readingsTopic + "-dlq", "alerts.topic=" + alertsTopic, "alerts.thresholds-topic=bench-al-thresholds-" + tag,
                "alerts.group-id=" + group, "alerts.threshold-barrier=" + barrier, "camel.server.port=" + port, "camel.management.port=" + port)) {
            cmd.add("--prop=" + prop);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(REPO.toFile()).redirectErrorStream(true)
                .redirectOutput(LOGS.resolve("detector-" + (barrier ? "barrier" : "nobarrier") + ".log").toFile());
        String javaOpts = System.getProperty("bench.alerts.javaOpts", "-XX:TieredStopAtLevel=1 -Xms256m -Xmx512m");
        if (Boolean.getBoolean("bench.alerts.jfr")) {
            javaOpts += " -XX:StartFlightRecording=filename=" + LOGS.resolve("detector-" + (barrier ? "barrier" : "nobarrier") + ".jfr")
                    + ",settings=profile";
        }
        pb.environment().put("CAMEL_CLI_JAVA_OPTS", javaOpts);
        pb.environment().put("CAMEL_CLI_FROM_MAVEN", "1");
        say("alerts: detector with the thresholds barrier " + (barrier ? "on" : "off") + " (" + javaOpts + ")");
        long started = System.currentTimeMillis();
        Process detector = pb.start();
        List<String> out = new ArrayList<>();
        String label = "barrier " + (barrier ? "on" : "off");
        try {
            awaitStable(group);
            out.add(String.format("- %s: group formed %.1f s after the process start", label, (System.currentTimeMillis() - started) / 1000.0));
            out.add(latency(readingsTopic, alertsTopic, 200, 50, 0, label + ", warm start (the first 200 crossings, 50/s)"));
            out.add(latency(readingsTopic, alertsTopic, Integer.getInteger("bench.alerts.crossings", 1000), 50, 1, label + ", 50/s"));
            out.add(latency(readingsTopic, alertsTopic, 10_000, 500, 2, label + ", 500/s"));
            out.add(burst(readingsTopic, alertsTopic, Integer.getInteger("bench.alerts.burst", 30_000), 3, label));
            out.add(String.format("- %s: detector process CPU %.1f s in all, peak RSS %d MB; load average %s", label,
                    Harness.cpu(detector.pid()), Harness.hwm(detector.pid()) / 1024, Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim()));
        } finally {
            Harness.stop(detector);
        }
        out.forEach(Harness::say);
        return out;
    }

    static void awaitStable(String group) throws Exception {
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            if (d.state() == ConsumerGroupState.STABLE && !d.members().isEmpty()
                    && !d.members().iterator().next().assignment().topicPartitions().isEmpty()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the detector's group " + group + " did not form in 180 s");
    }

    /** a reading of agency id, crossing (20 min) when step is even, back under (5 min) when odd */
    static String crossing(int id, int step, Instant base) {
        JsonNode agency = Harness.readings.agencies.get(0);
        return Harness.readings.reading(agency, id, step % 2 == 0 ? 20 * 60_000L : 5 * 60_000L, base.plusSeconds(step * 60L + id % 1000),
                Instant.now(), "bench-alerts");
    }

    static String alertId(int id, int step, Instant base) {
        return id + "-" + base.plusSeconds(step * 60L + id % 1000).toEpochMilli() + "-" + (step % 2 == 0 ? "raised" : "cleared");
    }

    static KafkaConsumer<String, String> alertsReader(String alertsTopic) throws Exception {
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp);
        List<TopicPartition> parts = admin.describeTopics(List.of(alertsTopic)).allTopicNames().get().get(alertsTopic).partitions().stream()
                .map(p -> new TopicPartition(alertsTopic, p.partition())).toList();
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position);
        return consumer;
    }

    /** n crossings at perSecond on 50 agencies of their own (set): from each send to its alert's Kafka timestamp */
    static String latency(String readingsTopic, String alertsTopic, int n, int perSecond, int set, String label) throws Exception {
        int agencies = 50;
        int idBase = 990_000 + set * 1000;
        Instant base = Instant.now().minusSeconds(86_400L * (set + 1));
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        try (KafkaConsumer<String, String> consumer = alertsReader(alertsTopic);
             KafkaProducer<String, String> producer = Harness.producer("0")) {
            Thread sender = new Thread(() -> {
                long t0 = System.nanoTime();
                for (int k = 0; k < n; k++) {
                    int id = idBase + (k % agencies);
                    int step = k / agencies;
                    sentAt.put(alertId(id, step, base), System.currentTimeMillis());
                    producer.send(new ProducerRecord<>(readingsTopic, String.valueOf(id), crossing(id, step, base)));
                    long wait = t0 + (k + 1) * 1_000_000_000L / perSecond - System.nanoTime();
                    if (wait > 0) {
                        try {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
                producer.flush();
            });
            sender.start();
            long until = System.currentTimeMillis() + n * 1000L / perSecond + 60_000;
            while (latencies.size() < n && System.currentTimeMillis() < until) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    Long sent = sentAt.get(Harness.JSON.readTree(record.value()).path("alertId").asText());
                    if (sent != null) {
                        latencies.add(record.timestamp() - sent);
                    }
                }
            }
            sender.join();
        }
        List<Long> values = new ArrayList<>(latencies);
        Collections.sort(values);
        return String.format("- reading-to-alert, %s: %d of %d alerts, p50 %d ms, p99 %d ms, max %d ms", label, values.size(), n,
                pct(values, 50), pct(values, 99), values.isEmpty() ? -1 : values.get(values.size() - 1));
    }

    /** n crossings sent at once: the detector's sustained rate, from its first alert to its last */
    static String burst(String readingsTopic, String alertsTopic, int n, int set, String label) throws Exception {
        int agencies = 50;
        int idBase = 990_000 + set * 1000;
        Instant base = Instant.now().minusSeconds(86_400L * (set + 1));
        long first = -1;
        long last = -1;
        int count = 0;
        long sendStart;
        try (KafkaConsumer<String, String> consumer = alertsReader(alertsTopic);
             KafkaProducer<String, String> producer = Harness.producer("20")) {
            sendStart = System.currentTimeMillis();
            for (int k = 0; k < n; k++) {
                int id = idBase + (k % agencies);
                producer.send(new ProducerRecord<>(readingsTopic, String.valueOf(id), crossing(id, k / agencies, base)));
            }
            producer.flush();
            long sent = System.currentTimeMillis();
            long until = sent + 300_000;
            while (count < n && System.currentTimeMillis() < until) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() != null && Integer.parseInt(record.key()) >= idBase && Integer.parseInt(record.key()) < idBase + agencies) {
                        count++;
                        first = first < 0 ? record.timestamp() : Math.min(first, record.timestamp());
                        last = Math.max(last, record.timestamp());
                    }
                }
            }
            say(String.format("alerts: burst of %d sent in %.1f s", n, (sent - sendStart) / 1000.0));
        }
        double seconds = (last - first) / 1000.0;
        return String.format("- sustained, %s: %d crossings sent at once, %d alerts, %.0f crossings/s from the first alert to the last (%.1f s); "
                + "%.1f s from the first send to the last alert", label, n, count, seconds > 0 ? (count - 1) / seconds : 0, seconds,
                (last - sendStart) / 1000.0);
    }
}
