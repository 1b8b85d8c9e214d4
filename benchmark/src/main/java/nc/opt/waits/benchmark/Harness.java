package nc.opt.waits.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ConsumerGroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The side-by-side benchmark: one run, each side a separate OS process measured from /proc.
 * Started by benchmark/run from the repository root; see benchmark/README.md.
 */
public final class Harness {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    /** partitions of the backlog topic: the pipeline's (the brokers' num.partitions in stack/ and docker-compose.yml) */
    static final int PARTITIONS = Integer.getInteger("bench.partitions", 3);
    static final String BOOTSTRAP = env("KAFKA_BOOTSTRAP", "127.0.0.1:" + env("KAFKA_PORT", "19092"));
    static final String OS = env("OPENSEARCH_URL", "http://127.0.0.1:" + env("OPENSEARCH_PORT", "19200"));
    static final Path REPO = Path.of(env("BENCH_REPO", ".")).toAbsolutePath().normalize();
    static final Path LOGS = REPO.resolve("benchmark/target/logs");
    /** what side (a) runs: the index route and what it needs (DeadLetter.java refers to InvalidAnswerException, Timestamps) */
    static final List<String> INDEX_ROUTE_FILES = List.of("routes/index-readings.camel.yaml", "routes/index-to-opensearch.camel.yaml", "routes/dead-letters.camel.yaml",
            "routes/publish-to-kafka.camel.yaml", "routes/error-handling.camel.yaml", "routes/OpenSearchBulk.java", "routes/OpenSearchClient.java", "routes/IndexTemplate.java", "routes/OpenSearchFailing.java", "routes/OpenSearchHealth.java",
            "routes/KafkaBatchCommit.java", "routes/DeadLetter.java", "routes/InvalidAnswerException.java", "routes/Timestamps.java");
    static final long TICKS = 100; // USER_HZ on Linux
    static final List<String> lines = new ArrayList<>();
    /** a side or a measurement that failed: reported, and the run ends with status 1 */
    static boolean failed;
    static Admin admin;
    static Readings readings;

    record Result(String side, String what, long docs, long checked, double wallS, double firstToLastS, long rssKb, double cpuS,
                  double cpuFirstToLastS, double osCpuS, double kafkaCpuS, double othersCpuS, double machineBusyPct, long[] osWork, String note) {
        double rate() {
            return docs / (firstToLastS > 0 ? firstToLastS : wallS);
        }

        double rateFromStart() {
            return docs / wallS;
        }
    }

    public static void main(String[] args) throws Exception {
        Files.createDirectories(LOGS);
        readings = new Readings(REPO.resolve("simulator/agencies.json"));
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        admin = Admin.create(ap);
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        if (!rest.isEmpty() && rest.get(0).equals("--alerts")) {
            report("alerts: one detect-alerts instance, the thresholds barrier on and off", String.join("\n", AlertsBench.run()) + "\n");
        } else if (!rest.isEmpty() && rest.get(0).equals("--sustained")) {
            int minutes = rest.size() > 1 ? Integer.parseInt(rest.get(1)) : 10;
            sustained(minutes);
        } else {
            long n = rest.isEmpty() ? 1_000_000 : Long.parseLong(rest.get(0).replace("_", ""));
            backlog(n);
        }
        admin.close();
        System.exit(failed ? 1 : 0);
    }

    // ------------------------------------------------------------------------------------------
    // Backlog mode: N readings in a topic, each side indexes them from an empty index

    static void backlog(long n) throws Exception {
        String topic = "bench-readings-" + RUN;
        createTopic(topic, PARTITIONS);
        long t0 = System.nanoTime();
        long bytes = produce(topic, 0, n);
        double loadS = (System.nanoTime() - t0) / 1e9;
        String load = String.format("Loaded %,d readings (%,d bytes of JSON, %.0f bytes each) into %s (%d partitions) in %.1f s (%.0f msg/s)",
                n, bytes, (double) bytes / n, topic, PARTITIONS, loadS, n / loadS);
        say(load);
        lines.add(load);

        warmUp(Math.min(n, Long.getLong("bench.warmup", 200_000)));
        long kn = Math.min(n, Long.getLong("bench.kamelet.n", 50_000));
        List<Result> results = new ArrayList<>();
        for (String side : System.getProperty("bench.sides", "c,a,b,c2,c3").split(",")) {
            side = side.trim();
            try {
                if (side.startsWith("a")) {
                    results.add(sideA(side, topic, n));
                } else if (side.startsWith("b")) {
                    results.add(sideB(side, topic, kn));
                } else if (side.startsWith("c")) {
                    results.add(sideC(side, topic, n));
                }
            } catch (Exception e) {
                say("side " + side + " FAILED: " + e);
                failed = true;
                lines.add("side " + side + " failed: " + e);
            }
        }
        cleanIndices();
        String table = table(n, results);
        List<String> extra = new ArrayList<>();
        if (!Boolean.getBoolean("bench.skipLatency")) {
            try {
                extra.addAll(latencies());
            } catch (Exception e) {
                say("latency measurement FAILED: " + e);
                failed = true;
                extra.add("latency measurement failed: " + e);
            }
        }
        report("backlog, N=" + n, table + "\n" + String.join("\n", extra) + "\n");
    }

    /**
     * A freshly started OpenSearch needs a million documents or more before its indexing code is
     * compiled: whichever side ran first paid for it (the same direct loader, run twice on a fresh
     * stack: 9,368 then 20,448 docs/s). So the direct loader indexes the w readings of a topic of
     * their own, round after round (each into an index deleted afterwards), at least 3 rounds and until
     * a round's rate is within 10% of the one before (at most bench.warmup.rounds). Not in the table.
     */
    static void warmUp(long w) throws Exception {
        if (w <= 0) {
            return;
        }
        String topic = "bench-warmup-" + RUN;
        createTopic(topic, 3);
        produce(topic, 0, w);
        int maxRounds = Integer.getInteger("bench.warmup.rounds", 8);
        List<String> rates = new ArrayList<>();
        double previous = 0;
        for (int round = 1; round <= maxRounds; round++) {
            Result r = sideC("warmup" + round, topic, w);
            rates.add(String.format("%,.0f", r.rate()));
            cleanIndices();
            if (round >= 3 && Math.abs(r.rate() - previous) <= 0.1 * previous) {
                break;
            }
            previous = r.rate();
        }
        String line = String.format("Warm-up (not in the table): the direct loader indexed %,d readings of their own topic %d times, "
                + "until the rate settled: %s docs/s", w, rates.size(), String.join(", ", rates));
        say(line);
        lines.add(line);
    }

    static String table(long n, List<Result> results) {
        StringBuilder t = new StringBuilder();
        t.append("| side | what | docs expected | docs (checked _count) | docs/s first->last | docs/s from process start | wall s (start->count) | first->last s | peak RSS MB | CPU s (process) | CPU s first->last | OpenSearch CPU s | Kafka CPU s | other processes CPU s | machine busy % (2 cores) | OpenSearch write tasks (docs each) | OpenSearch s: indexing / merges / refresh / young GC | note |\n");
        t.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            t.append(String.format("| %s | %s | %,d | %,d | %,.0f | %,.0f | %.1f | %.1f | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.0f | %,d (%,d) | %.1f / %.1f / %.1f / %.1f | %s |%n",
                    r.side, r.what, r.docs, r.checked, r.rate(), r.rateFromStart(), r.wallS, r.firstToLastS, r.rssKb / 1024, r.cpuS,
                    r.cpuFirstToLastS, r.osCpuS,
                    r.kafkaCpuS, r.othersCpuS, r.machineBusyPct, r.osWork[0], r.checked / Math.max(1, r.osWork[0]),
                    r.osWork[1] / 1e3, r.osWork[2] / 1e3, r.osWork[3] / 1e3, r.osWork[4] / 1e3, r.note));
        }
        Result b = results.stream().filter(r -> r.side.startsWith("b")).findFirst().orElse(null);
        // (c) runs before and after the others by default: OpenSearch's speed drifts by about 10% from
        // one side to the next, so (a) is compared with the mean of the (c) runs around it
        List<Result> cs = results.stream().filter(r -> r.side.startsWith("c")).toList();
        double cRate = cs.stream().mapToDouble(Result::rate).average().orElse(0);
        double cRateFromStart = cs.stream().mapToDouble(Result::rateFromStart).average().orElse(0);
        double cCpu = cs.stream().mapToDouble(c -> c.cpuS / c.docs).average().orElse(0);
        double cCpuF2l = cs.stream().mapToDouble(c -> c.cpuFirstToLastS / c.docs).average().orElse(0);
        String cNames = String.join(", ", cs.stream().map(Result::side).toList());
        t.append("\n");
        for (Result a : results) {
            if (!a.side.startsWith("a")) {
                continue;
            }
            if (!cs.isEmpty()) {
                t.append(String.format("- %s / c (docs/s first->last): %.2f  (from process start: %.2f)%s%n", a.side, a.rate() / cRate,
                        a.rateFromStart() / cRateFromStart, cs.size() > 1 ? "; c = the mean of " + cNames : ""));
                // CPU per document: of the whole process, and from the first document to the last (start-up left out)
                t.append(String.format("- %s / c (CPU s per document): %.2f  (first->last: %.2f)%n", a.side,
                        a.cpuS / a.docs / cCpu, a.cpuFirstToLastS / a.docs / cCpuF2l));
                if (cs.size() > 1) {
                    // the (c) sides may differ (c3: refreshes off): the ratio to each, the lowest is the strictest
                    t.append(String.format("- %s / each c (docs/s first->last): %s%n", a.side, String.join(", ",
                            cs.stream().map(c -> String.format("%s %.2f", c.side, a.rate() / c.rate())).toList())));
                }
            }
            if (b != null) {
                t.append(String.format("- %s / b (docs/s first->last): %.1fx  (b measured on %,d readings, not N)%n", a.side, a.rate() / b.rate(), b.docs));
            }
        }
        return t.toString();
    }

    /** (a) the index route as users run it, with --prop overrides for the bench's stack. */
    static Result sideA(String side, String topic, long n) throws Exception {
        String index = "bench-" + side;
        cleanIndices();
        List<String> cmd = new ArrayList<>(List.of(REPO.resolve("bin/camel").toString(), "run", "--properties=application.properties"));
        cmd.addAll(INDEX_ROUTE_FILES);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("camel.component.kafka.brokers", BOOTSTRAP);
        props.put("kafka.topic.readings", topic);
        props.put("kafka.topic.dead-letter", topic + "-dlq");
        props.put("index.group-id", "bench-" + side + "-" + RUN);
        props.put("opensearch.url", OS);
        props.put("index.name", index);
        props.put("camel.server.port", env("BENCH_HTTP_PORT", "18080"));
        props.put("camel.management.port", env("BENCH_MANAGEMENT_PORT", "19876"));
        String extra = System.getProperty("bench." + side + ".props", "");
        for (String kv : extra.trim().split("\\s+")) {
            if (kv.contains("=")) {
                props.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        props.forEach((k, v) -> cmd.add("--prop=" + k + "=" + v));
        String args = System.getProperty("bench." + side + ".args", "").trim();
        if (!args.isEmpty()) {
            cmd.addAll(List.of(args.split("\\s+")));
        }
        String javaOpts = System.getProperty("bench." + side + ".javaOpts", "-XX:TieredStopAtLevel=1 -Xms256m -Xmx512m");
        String what = "index route (bin/camel run), CAMEL_CLI_JAVA_OPTS=\"" + javaOpts + "\"" + (extra.isBlank() ? "" : ", " + extra.trim())
                + (args.isEmpty() ? "" : ", " + args);
        Map<String, String> envs = Map.of("CAMEL_CLI_JAVA_OPTS", javaOpts, "CAMEL_CLI_FROM_MAVEN", "1");
        return measure(side, what, cmd, envs, index, "bench-" + side + "-" + RUN, topic, n, "N");
    }

    /** (b) the stock Kamelet opensearch-index-sink fed by a plain Kafka route. */
    static Result sideB(String side, String topic, long kn) throws Exception {
        String index = "bench-" + side + "-2026.11";
        cleanIndices();
        installTemplate("bench-" + side, "opensearch/readings-template.json");
        String group = "bench-" + side + "-" + RUN;
        List<String> cmd = new ArrayList<>(List.of(REPO.resolve("bin/camel").toString(), "run",
                "--properties=benchmark/kamelet/kamelet.properties", "benchmark/kamelet/kafka-to-kamelet.camel.yaml",
                "--prop=camel.component.kafka.brokers=" + BOOTSTRAP, "--prop=bench.topic=" + topic, "--prop=bench.group=" + group,
                "--prop=bench.opensearch.hosts=" + URI.create(OS).getAuthority(), "--prop=bench.index=" + index,
                "--prop=camel.server.port=" + env("BENCH_HTTP_PORT", "18080"),
                "--prop=camel.management.port=" + env("BENCH_MANAGEMENT_PORT", "19876")));
        String javaOpts = System.getProperty("bench." + side + ".javaOpts", "-XX:TieredStopAtLevel=1 -Xms256m -Xmx512m");
        String what = "Kamelet opensearch-index-sink 4.16.0 (bin/camel run), CAMEL_CLI_JAVA_OPTS=\"" + javaOpts + "\"";
        return measure(side, what, cmd, Map.of("CAMEL_CLI_JAVA_OPTS", javaOpts, "CAMEL_CLI_FROM_MAVEN", "1"), "bench-" + side, null, topic, kn,
                kn < Long.MAX_VALUE ? "first " + String.format("%,d", kn) + " readings only (bench.kamelet.n)" : "");
    }

    /** (c) the direct loader: KafkaConsumer + opensearch-java bulk, its own JVM. */
    static Result sideC(String side, String topic, long n) throws Exception {
        String index = "bench-" + side;
        cleanIndices();
        // c3, by default: the loader as a hand-tuner runs a bulk load, with refreshes off
        String template = System.getProperty("bench." + side + ".template",
                side.equals("c3") ? "benchmark/tuning/readings-template-norefresh.json" : "opensearch/readings-template.json");
        installTemplate(index, template);
        String group = "bench-" + side + "-" + RUN;
        String heap = System.getProperty("bench.c.heap", "512m");
        List<String> cmd = new ArrayList<>(List.of("java", "-Xms" + heap, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
                "-Dbench.bootstrap=" + BOOTSTRAP, "-Dbench.topic=" + topic, "-Dbench.group=" + group, "-Dbench.url=" + OS,
                "-Dbench.index=" + index));
        StringBuilder what = new StringBuilder("direct loader (KafkaConsumer + opensearch-java 3.4.0 bulk, raw JSON), -Xmx" + heap
                + (template.equals("opensearch/readings-template.json") ? "" : ", template " + template));
        for (String k : List.of("bench.c.bulk", "bench.c.inflight", "bench.c.compress")) {
            String v = System.getProperty(k, Map.of("bench.c.bulk", "2000", "bench.c.inflight", "2", "bench.c.compress", "false").get(k));
            cmd.add("-D" + k + "=" + v);
            what.append(", ").append(k.substring(8)).append(' ').append(v);
        }
        cmd.add("nc.opt.waits.benchmark.DirectLoader");
        return measure(side, what.toString(), cmd, Map.of(), index, group, topic, n, "N");
    }

    /** Starts the command, waits until the index holds the expected count, then reads /proc and stops it. */
    static Result measure(String side, String what, List<String> cmd, Map<String, String> envs, String alias, String group, String topic,
                          long expected, String note) throws Exception {
        say("side " + side + ": " + what + " -> " + expected + " documents; log " + LOGS.resolve(side + ".log"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(REPO.toFile()).redirectErrorStream(true)
                .redirectOutput(LOGS.resolve(side + ".log").toFile());
        pb.environment().putAll(envs);
        long osPid = findPid("org.opensearch.bootstrap.OpenSearch");
        long kafkaPid = findPid("kafka.Kafka");
        double os0 = cpu(osPid);
        double kafka0 = cpu(kafkaPid);
        long[] machine0 = machineTicks();
        long[] work0 = openSearchWork();
        double self0 = cpu(ProcessHandle.current().pid());
        long start = System.nanoTime();
        Process process = pb.start();
        try {
            long pid = process.pid();
            long first = 0;
            long count = 0;
            long lastLog = System.nanoTime();
            long limit = Long.getLong("bench.side.timeout-s", 1800) * 1_000_000_000L;
            Map<TopicPartition, Long> ends = group == null ? null : endOffsets(topic);
            long rss = 0;
            double cpu = 0;
            double cpuAtFirst = 0;
            // when each partition's committed offset reached its end: the partitions hold unequal
            // shares of the 63 agencies, so the last one ends alone (the tail of a backlog)
            Map<Integer, Long> partitionDone = new TreeMap<>();
            while (count < expected) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(side + " exited with " + process.exitValue() + "; see " + LOGS.resolve(side + ".log"));
                }
                if (System.nanoTime() - start > limit) {
                    process.destroyForcibly();
                    throw new IllegalStateException(side + " did not reach " + expected + " in time (count " + count + ")");
                }
                rss = Math.max(rss, hwm(pid));
                cpu = cpu(pid);
                Thread.sleep(200);
                count = count(alias);
                // with a long refresh_interval (-1, side c3) the count only moves after a
                // refresh: when the group has committed everything, refresh and count again
                if (count < expected && group != null) {
                    Map<TopicPartition, Long> offsets = committedByPartition(group, ends);
                    long committed = total(offsets);
                    for (Map.Entry<TopicPartition, Long> p : offsets.entrySet()) {
                        if (p.getValue() >= ends.get(p.getKey()) && ends.get(p.getKey()) > 0) {
                            partitionDone.putIfAbsent(p.getKey().partition(), System.nanoTime());
                        }
                    }
                    if (committed > 0 && first == 0) {
                        first = System.nanoTime();
                        cpuAtFirst = cpu;
                    }
                    if (committed >= expected) {
                        post("/" + alias + "/_refresh", "");
                        count = count(alias);
                    }
                }
                if (count > 0 && first == 0) {
                    first = System.nanoTime();
                    cpuAtFirst = cpu;
                }
                if (System.nanoTime() - lastLog > 10_000_000_000L) {
                    lastLog = System.nanoTime();
                    say(String.format("  %s: %,d documents after %.0f s", side, count, (lastLog - start) / 1e9));
                }
            }
            long end = System.nanoTime();
            rss = Math.max(rss, hwm(pid));
            cpu = cpu(pid);
            for (ProcessHandle child : process.descendants().toList()) {
                cpu += cpu(child.pid());
                rss = Math.max(rss, hwm(child.pid()));
            }
            double osCpu = cpu(osPid) - os0;
            double kafkaCpu = cpu(kafkaPid) - kafka0;
            long[] machine1 = machineTicks();
            double busy = 100.0 * (machine1[0] - machine0[0]) / Math.max(1, machine1[1] - machine0[1]);
            double busyS = (machine1[0] - machine0[0]) / (double) TICKS;
            long[] work = openSearchWork();
            for (int i = 0; i < work.length; i++) {
                work[i] -= work0[i];
            }
            stop(process);
            post("/" + alias + "/_refresh", "");
            long checked = count(alias);
            double wall = (end - start) / 1e9;
            double f2l = (end - first) / 1e9;
            double others = Math.max(0, busyS - cpu - osCpu - kafkaCpu - (cpu(ProcessHandle.current().pid()) - self0));
            boolean ok = note.equals("N") ? checked == expected : checked >= expected; // (b) keeps indexing until stopped
            StringBuilder done = new StringBuilder();
            if (!partitionDone.isEmpty() && ok && first > 0) {
                done.append("; partitions committed to the end at");
                for (Map.Entry<Integer, Long> p : partitionDone.entrySet()) {
                    done.append(String.format(" p%d %,d: %.1f s,", p.getKey(), ends.get(new TopicPartition(topic, p.getKey())),
                            (p.getValue() - first) / 1e9));
                }
                done.setLength(done.length() - 1);
            }
            Result r = new Result(side, what, expected, checked, wall, f2l, rss, cpu, cpu - cpuAtFirst, osCpu, kafkaCpu, others, busy, work,
                    (ok ? "count OK" : "COUNT MISMATCH: expected " + expected) + (note.equals("N") ? "" : "; " + note) + done);
            say(String.format("side %s: %,d documents (expected %,d), %.1f s from start, %.1f s first->last, %,.0f docs/s, peak RSS %d MB, CPU %.1f s, OpenSearch CPU %.1f s",
                    side, checked, expected, wall, f2l, r.rate(), rss / 1024, cpu, osCpu));
            return r;
        } finally {
            if (process.isAlive()) {
                stop(process); // a side that failed is not left running
            }
        }
    }

    static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        children.forEach(ProcessHandle::destroy);
    }

    // ------------------------------------------------------------------------------------------
    // Poll-to-searchable and reading-to-alert latencies: simulator + the whole pipeline

    static List<String> latencies() throws Exception {
        List<String> out = new ArrayList<>();
        String simPort = env("BENCH_SIM_PORT", "18085");
        String readingsTopic = "bench-live-" + RUN;
        String alertsTopic = "bench-alerts-" + RUN;
        String index = "bench-live";
        createTopic(readingsTopic, 3);
        createTopic(alertsTopic, 3);
        String simOpts = System.getProperty("bench.sim.javaOpts", "-XX:TieredStopAtLevel=1 -Xms128m -Xmx256m");
        List<String> sim = new ArrayList<>(List.of("bash", "-c", "exec \"" + REPO.resolve("bin/camel") + "\" run --properties=simulator/application.properties simulator/* --port="
                + simPort + " --prop=camel.server.port=" + simPort + " --prop=sim.clock.start=2026-11-23T08:00:00 --prop=sim.clock.speed=60"
                + " --prop=camel.management.port=" + env("BENCH_SIM_MANAGEMENT_PORT", "19877")));
        ProcessBuilder spb = new ProcessBuilder(sim).directory(REPO.toFile()).redirectErrorStream(true).redirectOutput(LOGS.resolve("simulator.log").toFile());
        spb.environment().put("CAMEL_CLI_JAVA_OPTS", simOpts);
        spb.environment().put("CAMEL_CLI_FROM_MAVEN", "1");
        spb.environment().put("SIM_PORT", simPort);
        Process simulator = spb.start();
        Process pipeline = null;
        try {
            waitHttp("http://127.0.0.1:" + simPort + "/_sim/clock", 120);
            List<String> files = new ArrayList<>();
            try (var stream = Files.list(REPO.resolve("routes"))) {
                stream.map(p -> "routes/" + p.getFileName()).sorted().forEach(files::add);
            }
            List<String> cmd = new ArrayList<>(List.of(REPO.resolve("bin/camel").toString(), "run", "--properties=application.properties"));
            cmd.addAll(files);
            Map<String, String> props = new LinkedHashMap<>();
            props.put("camel.component.kafka.brokers", BOOTSTRAP);
            props.put("kafka.topic.readings", readingsTopic);
            props.put("kafka.topic.dead-letter", readingsTopic + "-dlq");
            props.put("opensearch.url", OS);
            props.put("index.name", index);
            props.put("index.group-id", "bench-live-idx-" + RUN);
            props.put("alerts.topic", alertsTopic);
            props.put("alerts.thresholds-topic", "bench-thresholds-" + RUN);
            props.put("alerts.group-id", "bench-alerts-" + RUN);
            props.put("alerts.index.name", "bench-alerts-live");
            props.put("alerts.index.group-id", "bench-alerts-idx-" + RUN);
            props.put("opt.api.url", "http://127.0.0.1:" + simPort);
            props.put("poll.period-ms", System.getProperty("bench.poll.period-ms", "2000"));
            props.put("csv.dir", REPO.resolve("benchmark/target/csv-" + RUN).toString());
            props.put("camel.server.port", env("BENCH_HTTP_PORT", "18080"));
            // one port for both servers: platform-http 4.17 finds its server by type, and with two
            // servers it falls back to port 8080 (see src/test/.../CamelApp.java)
            props.put("camel.management.port", env("BENCH_HTTP_PORT", "18080"));
            for (String kv : System.getProperty("bench.pipeline.props", "").trim().split("\\s+")) {
                if (kv.contains("=")) {
                    props.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
            }
            props.forEach((k, v) -> cmd.add("--prop=" + k + "=" + v));
            ProcessBuilder ppb = new ProcessBuilder(cmd).directory(REPO.toFile()).redirectErrorStream(true).redirectOutput(LOGS.resolve("pipeline.log").toFile());
            ppb.environment().put("CAMEL_CLI_JAVA_OPTS", System.getProperty("bench.pipeline.javaOpts", "-XX:TieredStopAtLevel=1 -Xms256m -Xmx512m"));
            ppb.environment().put("CAMEL_CLI_FROM_MAVEN", "1");
            ppb.environment().put("CAMEL_SERVER_PORT", env("BENCH_HTTP_PORT", "18080"));
            say("latency: simulator on " + simPort + " (clock x60 from 2026-11-23T08:00 Noumea), pipeline routes/* polling every "
                    + props.get("poll.period-ms") + " ms; logs in " + LOGS);
            pipeline = ppb.start();
            Process watched = pipeline;
            Thread watchdog = new Thread(() -> {
                try {
                    int code = watched.waitFor();
                    say("the pipeline exited (" + code + "); see " + LOGS.resolve("pipeline.log"));
                } catch (InterruptedException ignored) {
                    // stopped by us
                }
            });
            watchdog.setDaemon(true);
            watchdog.start();
            out.add(pollToSearchable(index, pipeline));
            if (Files.exists(REPO.resolve("routes/alerts.camel.yaml")) && pipeline.isAlive()) {
                out.add(readingToAlert(readingsTopic, alertsTopic, "bench-alerts-" + RUN));
            }
        } finally {
            if (pipeline != null) {
                stop(pipeline);
            }
            stop(simulator);
        }
        return out;
    }

    static String pollToSearchable(String alias, Process pipeline) throws Exception {
        int want = Integer.getInteger("bench.latency.readings", 500);
        Map<String, Long> latency = new HashMap<>();
        long deadline = System.currentTimeMillis() + 240_000;
        long started = System.currentTimeMillis();
        String query = "{\"size\":500,\"sort\":[{\"@timestamp\":\"desc\"}],\"_source\":[\"@timestamp\",\"pollId\",\"agencyId\"],"
                + "\"query\":{\"range\":{\"@timestamp\":{\"gte\":\"now-20s\"}}}}";
        long skipBefore = 0; // the first poll happens while the route starts: not counted
        while (latency.size() < want && System.currentTimeMillis() < deadline && pipeline.isAlive()) {
            JsonNode hits;
            try {
                hits = post("/" + alias + "/_search", query).path("hits").path("hits");
            } catch (IOException notYet) {
                Thread.sleep(100);
                continue;
            }
            long now = System.currentTimeMillis();
            for (JsonNode hit : hits) {
                JsonNode s = hit.path("_source");
                long ts = Instant.parse(s.path("@timestamp").asText()).toEpochMilli();
                if (skipBefore == 0) {
                    skipBefore = ts + 1000; // skip the poll(s) of the route's start
                }
                if (ts < skipBefore) {
                    continue;
                }
                latency.putIfAbsent(s.path("agencyId").asText() + "|" + s.path("pollId").asText(), now - ts);
            }
            Thread.sleep(25);
        }
        List<Long> values = new ArrayList<>(latency.values());
        Collections.sort(values);
        String line = String.format("- poll-to-searchable (reading @timestamp -> first search hit, search every ~25 ms, batch-max-wait 500 ms, refresh 1 s): "
                + "%d readings, p50 %d ms, p99 %d ms, max %d ms (measured over %.0f s)", values.size(), pct(values, 50), pct(values, 99),
                values.isEmpty() ? -1 : values.get(values.size() - 1), (System.currentTimeMillis() - started) / 1000.0);
        say(line);
        return line;
    }

    static String readingToAlert(String readingsTopic, String alertsTopic, String group) throws Exception {
        int crossings = Integer.getInteger("bench.alerts.crossings", 1000);
        int perSecond = Integer.getInteger("bench.alerts.rate", 50);
        // wait until detect-alerts' group is stable (alerts.start-from=latest: nothing before counts)
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            if (d.state() == ConsumerGroupState.STABLE && !d.members().isEmpty()
                    && !d.members().iterator().next().assignment().topicPartitions().isEmpty()) {
                break;
            }
            Thread.sleep(500);
        }
        Thread.sleep(3000);
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp);
             KafkaProducer<String, String> producer = producer("0")) {
            List<TopicPartition> parts = admin.describeTopics(List.of(alertsTopic)).allTopicNames().get().get(alertsTopic).partitions().stream()
                    .map(p -> new TopicPartition(alertsTopic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position);
            JsonNode agency = readings.agencies.get(0);
            int agenciesUsed = 50;
            Instant base = Instant.now().minusSeconds(3600);
            Thread sender = new Thread(() -> {
                long t0 = System.nanoTime();
                for (int k = 0; k < crossings; k++) {
                    int id = 990_000 + (k % agenciesUsed);
                    int step = k / agenciesUsed; // even: above the threshold (raise), odd: back under (clear)
                    long maxMs = step % 2 == 0 ? 20 * 60_000L : 5 * 60_000L;
                    Instant observed = base.plusSeconds(step * 60L + k % agenciesUsed);
                    String value = readings.reading(agency, id, maxMs, observed, Instant.now(), "bench-alerts");
                    String alertId = id + "-" + observed.toEpochMilli() + "-" + (step % 2 == 0 ? "raised" : "cleared");
                    sentAt.put(alertId, System.currentTimeMillis());
                    producer.send(new ProducerRecord<>(readingsTopic, String.valueOf(id), value));
                    long due = t0 + (k + 1) * 1_000_000_000L / perSecond;
                    long wait = due - System.nanoTime();
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
            long until = System.currentTimeMillis() + crossings * 1000L / perSecond + 60_000;
            while (latencies.size() < crossings && System.currentTimeMillis() < until) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    String alertId = JSON.readTree(record.value()).path("alertId").asText();
                    Long sent = sentAt.get(alertId);
                    if (sent != null) {
                        latencies.add(record.timestamp() - sent);
                    }
                }
            }
            sender.join();
        }
        List<Long> values = new ArrayList<>(latencies);
        Collections.sort(values);
        String line = String.format("- reading-to-alert (send of a reading crossing the default 15 min threshold -> alert record's Kafka timestamp, %d readings/s): "
                + "%d of %d alerts, p50 %d ms, p99 %d ms, max %d ms; pipeline props: %s", perSecond, values.size(), crossings, pct(values, 50), pct(values, 99),
                values.isEmpty() ? -1 : values.get(values.size() - 1), System.getProperty("bench.pipeline.props", "(defaults)"));
        say(line);
        return line;
    }

    // ------------------------------------------------------------------------------------------
    // Sustained mode: feed at 2.3 MB/s while (a) runs, report the lag every 10 s

    static void sustained(int minutes) throws Exception {
        String topic = "bench-sustained-" + RUN;
        String side = System.getProperty("bench.sustained.side", "a");
        String group = "bench-" + side + "-sustained-" + RUN;
        createTopic(topic, 3);
        cleanIndices();
        double mbPerS = Double.parseDouble(System.getProperty("bench.sustained.mbps", "2.3"));
        long sample = 6300;
        long sampleBytes = 0;
        Readings probe = new Readings(REPO.resolve("simulator/agencies.json"));
        for (long i = 0; i < sample; i++) {
            sampleBytes += probe.value(i).getBytes().length + probe.key(i).length();
        }
        double recordSize = (double) sampleBytes / sample;
        int rate = (int) Math.round(mbPerS * 1_000_000 / recordSize);
        String head = String.format("Sustained: %.1f MB/s = %,d readings/s (%.0f bytes per record, key + value) into %s for %d min, side %s (group %s)",
                mbPerS, rate, recordSize, topic, minutes, side, group);
        say(head);
        String javaOpts = System.getProperty("bench." + side + ".javaOpts", "-XX:TieredStopAtLevel=1 -Xms256m -Xmx512m");
        String extra = System.getProperty("bench." + side + ".props", "");
        List<String> cmd = new ArrayList<>(List.of(REPO.resolve("bin/camel").toString(), "run", "--properties=application.properties"));
        cmd.addAll(INDEX_ROUTE_FILES);
        cmd.addAll(List.of("--prop=camel.component.kafka.brokers=" + BOOTSTRAP, "--prop=kafka.topic.readings=" + topic,
                "--prop=kafka.topic.dead-letter=" + topic + "-dlq", "--prop=index.group-id=" + group, "--prop=opensearch.url=" + OS,
                "--prop=index.name=bench-sustained", "--prop=camel.server.port=" + env("BENCH_HTTP_PORT", "18080"),
                "--prop=camel.management.port=" + env("BENCH_MANAGEMENT_PORT", "19876")));
        for (String kv : extra.trim().split("\\s+")) {
            if (kv.contains("=")) {
                cmd.add("--prop=" + kv);
            }
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(REPO.toFile()).redirectErrorStream(true).redirectOutput(LOGS.resolve("sustained.log").toFile());
        pb.environment().put("CAMEL_CLI_JAVA_OPTS", javaOpts);
        pb.environment().put("CAMEL_CLI_FROM_MAVEN", "1");
        long osPid = findPid("org.opensearch.bootstrap.OpenSearch");
        double os0 = cpu(osPid);
        Process process = pb.start();
        // wait until the route's group has joined, so start-up is not counted as lag
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            var groups = admin.listConsumerGroups().all().get().stream().map(g -> g.groupId()).collect(Collectors.toSet());
            if (groups.contains(group)) {
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                if (d.state() == ConsumerGroupState.STABLE) {
                    break;
                }
            }
            Thread.sleep(500);
        }
        say("route joined its group; feeding");
        long total = (long) rate * 60 * minutes;
        Thread feeder = new Thread(() -> {
            try {
                produceAt(topic, 10_000_000L, total, rate);
            } catch (Exception e) {
                say("feeder failed: " + e);
            }
        });
        feeder.start();
        List<long[]> series = new ArrayList<>();
        long t0 = System.currentTimeMillis();
        long rss = 0;
        double cpu0 = cpu(process.pid());
        StringBuilder log = new StringBuilder("| t (s) | produced (end offsets) | committed by the route | lag |\n|---|---|---|---|\n");
        while (feeder.isAlive()) {
            Thread.sleep(10_000);
            Map<TopicPartition, Long> ends = endOffsets(topic);
            long end = ends.values().stream().mapToLong(Long::longValue).sum();
            long committed = committed(group, ends);
            long t = (System.currentTimeMillis() - t0) / 1000;
            series.add(new long[] {t, end, committed, end - committed});
            rss = Math.max(rss, hwm(process.pid()));
            String row = String.format("| %d | %,d | %,d | %,d |", t, end, committed, end - committed);
            log.append(row).append('\n');
            say("  lag " + row);
        }
        double cpu = cpu(process.pid()) - cpu0;
        double osCpu = cpu(osPid) - os0;
        double wall = (System.currentTimeMillis() - t0) / 1000.0;
        rss = Math.max(rss, hwm(process.pid()));
        stop(process);
        long firstHalfMax = 0;
        long secondHalfMax = 0;
        int half = series.size() / 2;
        for (int i = 0; i < series.size(); i++) {
            if (i < half) {
                firstHalfMax = Math.max(firstHalfMax, series.get(i)[3]);
            } else {
                secondHalfMax = Math.max(secondHalfMax, series.get(i)[3]);
            }
        }
        boolean monotonic = series.size() > 3;
        for (int i = 1; i < series.size(); i++) {
            if (series.get(i)[3] <= series.get(i - 1)[3]) {
                monotonic = false;
            }
        }
        // a small absolute floor: one batch-max-wait of readings is noise, not lag growth
        long floor = rate;
        boolean flat = !monotonic && (secondHalfMax <= 2 * Math.max(firstHalfMax, floor));
        String verdict = String.format("Lag %s: max %,d in the first half, %,d in the second half%s (rule: second-half max <= 2x max(first-half max, %,d = 1 s of input) and no monotonic growth)."
                        + " Route process: CPU %.1f s over %.0f s (%.0f%% of one core), peak RSS %d MB; OpenSearch CPU %.1f s (%.0f%% of one core).",
                flat ? "FLAT" : "NOT FLAT", firstHalfMax, secondHalfMax, monotonic ? ", growing at every sample" : "", floor, cpu, wall, 100 * cpu / wall,
                rss / 1024, osCpu, 100 * osCpu / wall);
        say(verdict);
        report("sustained " + minutes + " min", head + "\n\n" + "side " + side + ": CAMEL_CLI_JAVA_OPTS=\"" + javaOpts + "\" " + extra + "\n\n" + log + "\n" + verdict + "\n");
    }

    // ------------------------------------------------------------------------------------------
    // Kafka helpers

    static void createTopic(String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }

    static KafkaProducer<String, String> producer(String lingerMs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"); // as the pipeline's producer
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p);
    }

    /** Sends readings from..from+n as fast as the broker takes them; returns the JSON bytes. */
    static long produce(String topic, long from, long n) {
        long bytes = 0;
        try (KafkaProducer<String, String> producer = producer("20")) {
            for (long i = from; i < from + n; i++) {
                String value = readings.value(i);
                bytes += value.length();
                producer.send(new ProducerRecord<>(topic, readings.key(i), value));
            }
            producer.flush();
        }
        return bytes;
    }

    /** Sends n readings at rate per second, in 100 ms slices. */
    static void produceAt(String topic, long from, long n, int rate) throws InterruptedException {
        Readings own;
        try {
            own = new Readings(REPO.resolve("simulator/agencies.json"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try (KafkaProducer<String, String> producer = producer("20")) {
            long t0 = System.nanoTime();
            for (long i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, own.key(from + i), own.value(from + i)));
                if ((i + 1) % Math.max(1, rate / 10) == 0) {
                    long due = t0 + (i + 1) * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000);
                    }
                }
            }
            producer.flush();
        }
    }

    static Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        var desc = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
        desc.partitions().forEach(p -> spec.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : admin.listOffsets(spec).all().get().entrySet()) {
            ends.put(e.getKey(), e.getValue().offset());
        }
        return ends;
    }

    /** The group's committed offsets summed over the topic's partitions. */
    static long committed(String group, Map<TopicPartition, Long> partitions) throws Exception {
        return total(committedByPartition(group, partitions));
    }

    static long total(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The group's committed offset of each of these partitions (0: none yet). */
    static Map<TopicPartition, Long> committedByPartition(String group, Map<TopicPartition, Long> partitions) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, Long> committed = new HashMap<>();
        for (TopicPartition tp : partitions.keySet()) {
            OffsetAndMetadata o = offsets.get(tp);
            committed.put(tp, o == null ? 0 : o.offset());
        }
        return committed;
    }

    // ------------------------------------------------------------------------------------------
    // OpenSearch helpers

    static void cleanIndices() throws Exception {
        delete("/bench-*");
        delete("/_index_template/bench-*");
    }

    /** The readings template, for alias name-* (the Kamelet and the direct loader write into name-yyyy.MM). */
    static void installTemplate(String name, String file) throws Exception {
        ObjectNode template = (ObjectNode) JSON.readTree(REPO.resolve(file).toFile());
        template.putArray("index_patterns").add(name + "-*");
        ((ObjectNode) template.path("template")).putObject("aliases").putObject(name);
        put("/_index_template/" + name, JSON.writeValueAsString(template));
    }

    /**
     * What OpenSearch has done since it started: [0] shard-level bulk requests (its write thread
     * pool's completed tasks), then in ms: [1] indexing, [2] merges, [3] refreshes (of the indices
     * there now: read before a side's index is deleted), [4] young garbage collections.
     */
    static long[] openSearchWork() {
        long[] work = new long[5];
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(OS + "/_nodes/stats/thread_pool,indices,jvm")).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (JsonNode node : JSON.readTree(r.body()).path("nodes")) {
                work[0] += node.path("thread_pool").path("write").path("completed").asLong();
                work[1] += node.path("indices").path("indexing").path("index_time_in_millis").asLong();
                work[2] += node.path("indices").path("merges").path("total_time_in_millis").asLong();
                work[3] += node.path("indices").path("refresh").path("total_time_in_millis").asLong();
                work[4] += node.path("jvm").path("gc").path("collectors").path("young").path("collection_time_in_millis").asLong();
            }
        } catch (Exception e) {
            java.util.Arrays.fill(work, -1);
        }
        return work;
    }

    static long count(String alias) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(OS + "/" + alias + "/_count")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()).path("count").asLong() : 0;
        } catch (Exception e) {
            return 0;
        }
    }

    static JsonNode post(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(OS + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IOException(path + ": HTTP " + r.statusCode());
        }
        return JSON.readTree(r.body());
    }

    static void put(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(OS + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IOException(path + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }

    static void delete(String path) throws IOException, InterruptedException {
        HTTP.send(HttpRequest.newBuilder(URI.create(OS + path)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    static void waitHttp(String url, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() < 500) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(url + " did not answer in " + seconds + " s");
    }

    // ------------------------------------------------------------------------------------------
    // /proc

    static long hwm(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception gone) {
            // ended
        }
        return 0;
    }

    /** utime + stime in seconds. */
    static double cpu(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) TICKS; // fields 14 and 15
        } catch (Exception gone) {
            return 0;
        }
    }

    /** {busy ticks, total ticks} of the whole machine. */
    static long[] machineTicks() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < f.length; i++) {
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        return new long[] {total - idle, total};
    }

    /** The java process of the bench stack whose command line has this main class and the bench STACK_DIR. */
    static long findPid(String mainClass) {
        String stack = env("STACK_DIR", "/tmp/bench-stack");
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                    if (cmd.startsWith("/") && cmd.contains(mainClass) && cmd.contains(stack) && cmd.contains("java")) {
                        return Long.parseLong(p.getFileName().toString());
                    }
                } catch (Exception gone) {
                    // ended
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    // ------------------------------------------------------------------------------------------

    static void report(String title, String body) throws Exception {
        String host = InetAddress.getLocalHost().getHostName();
        String javaVersion = System.getProperty("java.version");
        String header = String.format("# Benchmark: %s%n%nDate: %s. Host: %s. Cores: %d. Java: %s (%s). Memory: %s.%nLoad average at the end: %s.%n"
                        + "Stack: Kafka 4.3.1 (heap %s), OpenSearch 2.19.6 (heap %s), local processes under %s.%n%n",
                title, Instant.now(), host, Runtime.getRuntime().availableProcessors(), javaVersion, System.getProperty("java.vm.name"),
                memTotal(), Files.readString(Path.of("/proc/loadavg")).trim(), env("KAFKA_HEAP", "512m"), env("OPENSEARCH_HEAP", "1g"), env("STACK_DIR", "?"));
        String text = header + String.join("\n", lines) + "\n\n" + body;
        Path dir = REPO.resolve("benchmark/results");
        Files.createDirectories(dir);
        Path file = dir.resolve(LocalDate.now() + "-" + host + ".md");
        Files.writeString(file, (Files.exists(file) ? "\n\n" : "") + text, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        System.out.println();
        System.out.println(text);
        System.out.println("Written to " + file);
    }

    static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ");
        } catch (IOException e) {
            return "?";
        }
    }

    static long pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    static void say(String s) {
        System.out.println("[bench " + Instant.now().toString().substring(11, 19) + "] " + s);
    }
}
