package nc.opt.waits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import nc.opt.waits.support.CamelApp;
import nc.opt.waits.support.Http;
import nc.opt.waits.support.OpenSearch;
import nc.opt.waits.support.PipelineProcess;
import nc.opt.waits.support.TestKafka;
import nc.opt.waits.support.TestOpenSearch;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three pipeline instances, each an OS process of its own (support/PipelineProcess), on real Kafka
 * and OpenSearch, polling the simulator every 3 s through one leader elected by the file lock
 * cluster service on a shared folder. The leader is killed with SIGKILL, then the next one: polling
 * goes on within two periods each time, no period is polled twice, and neither the topic nor the
 * CSV files (each instance writes its own folder) miss a period but those; the index route, whose
 * consumers were spread over the three processes, indexes every reading once.
 */
class LeaderIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String READINGS = "it-lead-readings-" + RUN;
    static final String INDEX = "it-lead-" + RUN;
    static final long PERIOD = 3_000;
    static final Path DIR = Path.of("target/it-leader-" + RUN);

    static CamelApp simulator;
    static final Map<String, PipelineProcess> instances = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        TestOpenSearch.url();
        TestKafka.createTopic(READINGS);
        int simPort = CamelApp.freePort();
        simulator = CamelApp.simulator(Map.of("camel.server.port", String.valueOf(simPort),
                "sim.clock.start", "2026-11-23T09:30:00", "sim.clock.speed", "120")); // a new observation each second
        instances.put("A", instance("A", simPort));
    }

    static PipelineProcess instance(String name, int simPort) throws IOException {
        Map<String, String> overrides = CamelApp.onTestStack(READINGS, READINGS + "-dlq", INDEX, "it-lead-indexer-" + RUN);
        overrides.put("camel.main.routesExcludePattern", "file:routes/alert*.camel.yaml,file:routes/http-api.camel.yaml");
        overrides.put("opt.api.url", "http://127.0.0.1:" + simPort);
        overrides.put("poll.period-ms", String.valueOf(PERIOD));
        overrides.put("poll.tick-ms", "100");
        overrides.put("poll.instance-id", name);
        overrides.put("poll.cluster.dir", DIR.resolve("cluster").toString());
        overrides.put("csv.dir", DIR.resolve("csv-" + name).toString());
        // a dead leader's silence: 3 x 500 ms (the shared folder is local)
        overrides.put("poll.cluster.lock-delay-ms", "500");
        overrides.put("poll.cluster.lock-interval-ms", "500");
        // a killed instance's index consumer is replaced after 6 s, not Kafka's 45 s
        overrides.put("camel.component.kafka.sessionTimeoutMs", "6000");
        overrides.put("index.consumers", "1");
        return PipelineProcess.start(name, "file:routes/*.camel.yaml", overrides);
    }

    @AfterAll
    static void stop() throws Exception {
        for (PipelineProcess instance : instances.values()) {
            if (instance.isAlive()) {
                instance.close();
            }
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    /** the poll-leader check of an instance: its message and details */
    static JsonNode leaderCheck(PipelineProcess instance) throws Exception {
        JsonNode health = JSON.readTree(instance.health().body());
        for (JsonNode check : health.path("checks")) {
            if ("poll-leader".equals(check.path("name").asText())) {
                return check;
            }
        }
        throw new AssertionError("no poll-leader check in " + health);
    }

    static String leader() throws Exception {
        List<String> leaders = new ArrayList<>();
        for (Map.Entry<String, PipelineProcess> instance : instances.entrySet()) {
            if (instance.getValue().isAlive() && leaderCheck(instance.getValue()).path("message").asText().startsWith("this instance")) {
                leaders.add(instance.getKey());
            }
        }
        return leaders.size() == 1 ? leaders.get(0) : null;
    }

    /** the polls on the topic: poll id -> the @timestamp of its readings, in poll order */
    static Map<String, Instant> polls() throws Exception {
        Map<String, Instant> polls = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> record : TestKafka.readAll(READINGS, 0, Duration.ofSeconds(5))) {
            JsonNode reading = JSON.readTree(record.value());
            polls.putIfAbsent(reading.get("pollId").asText(), Instant.parse(reading.get("@timestamp").asText()));
        }
        return polls;
    }

    /** when each poll's last reading reached the topic (its Kafka timestamp): a poll's end */
    static Map<String, Long> ends() throws Exception {
        Map<String, Long> ends = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> record : TestKafka.readAll(READINGS, 0, Duration.ofSeconds(5))) {
            ends.merge(JSON.readTree(record.value()).get("pollId").asText(), record.timestamp(), Math::max);
        }
        return ends;
    }

    static void awaitPolls(int more) throws Exception {
        int before = polls().size();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> polls().size() >= before + more);
    }

    static long period(Instant time) {
        return Math.floorDiv(time.toEpochMilli(), PERIOD);
    }

    @Test
    void killingTheLeaderHandsThePollToAnotherWithinTwoPeriodsNeverTwiceTheSamePeriod() throws Exception {
        int simPort = Integer.parseInt(simulator.property("camel.server.port"));
        await().atMost(Duration.ofSeconds(60)).until(() -> "A".equals(leader()));
        awaitPolls(2);
        instances.put("B", instance("B", simPort));
        instances.put("C", instance("C", simPort));
        awaitPolls(3);
        assertEquals("A", leader(), "the first instance keeps the lead while others join");
        String metrics = Http.get(instances.get("A").url("/observe/metrics")).body();
        assertTrue(metrics.contains("opt_poll_leader{instance=\"A\"} 1.0"), "the gauge names the leader");
        assertTrue(Http.get(instances.get("B").url("/observe/metrics")).body().contains("opt_poll_leader{instance=\"B\"} 0.0"));

        List<Long> killedIn = new ArrayList<>();
        List<Long> killedAt = new ArrayList<>();
        for (int kill = 0; kill < 2; kill++) {
            String old = leader();
            Thread.sleep(PERIOD / 3 + (long) (Math.random() * PERIOD)); // anywhere in a period, mid-poll or not
            killedIn.add(Math.floorDiv(System.currentTimeMillis(), PERIOD));
            instances.get(old).kill();
            killedAt.add(System.currentTimeMillis());
            await().atMost(Duration.ofSeconds(60)).until(() -> leader() != null);
            awaitPolls(3);
        }
        String last = leader();
        simulator.close(); // the API gone: no more readings, the last instance's index route catches up
        simulator = null;

        // the topic: one poll per period at most, no period missing but those after a kill
        Map<String, Instant> polls = polls();
        TreeMap<Long, List<String>> byPeriod = new TreeMap<>();
        polls.forEach((pollId, time) -> byPeriod.computeIfAbsent(period(time), p -> new ArrayList<>()).add(pollId));
        byPeriod.forEach((period, ids) -> assertEquals(1, ids.size(), "period " + period + " polled " + ids.size() + " times"));
        Set<Long> mayMiss = new HashSet<>();
        for (long killed : killedIn) {
            // the period of the kill (its poll maybe cut short) and the next: the takeover
            mayMiss.add(killed);
            mayMiss.add(killed + 1);
        }
        // and a period that started while the poll before it was still running (on 2 busy cores a
        // first poll took 9 s): polls never overlap, the tick comes after the poll
        Map<String, Long> ends = ends();
        List<Long> missing = new ArrayList<>();
        List<Long> overrun = new ArrayList<>();
        for (long p = byPeriod.firstKey(); p <= byPeriod.lastKey(); p++) {
            long start = p * PERIOD;
            if (!byPeriod.containsKey(p)) {
                missing.add(p);
                if (polls.entrySet().stream().anyMatch(poll -> poll.getValue().toEpochMilli() < start && ends.get(poll.getKey()) > start)) {
                    overrun.add(p);
                    mayMiss.add(p);
                }
            }
        }
        assertTrue(mayMiss.containsAll(missing), "periods missing: " + missing + ", killed in periods " + killedIn
                + ", started during a poll: " + overrun);
        for (long killed : killedIn) {
            assertTrue(byPeriod.containsKey(killed + 2) || byPeriod.containsKey(killed + 1),
                    "polling resumed within two periods of the kill in period " + killed + ": " + byPeriod.keySet());
        }
        System.out.printf("LeaderIT: %d polls in periods %d..%d, kills in %s, missing %s (of which started during a poll: %s)%n",
                polls.size(), byPeriod.firstKey(), byPeriod.lastKey(), killedIn, missing, overrun);
        // the poller's failover: from each kill to the next poll's start
        List<String> failovers = new ArrayList<>();
        for (long kill : killedAt) {
            polls.values().stream().mapToLong(Instant::toEpochMilli).filter(start -> start > kill).min()
                    .ifPresent(next -> failovers.add(String.format("%.1f s", (next - kill) / 1000.0)));
        }
        System.out.printf("LeaderIT: poller failover, from the kill to the next poll: %s (periods of %d ms)%n", failovers, PERIOD);

        // the CSV files of the three instances: the same polls (a poll cut by the kill may lack rows)
        Map<String, Integer> csvRows = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(DIR)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".csv")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    String[] cells = line.split(",");
                    if (cells.length > 2 && !"pollId".equals(cells[1])) {
                        csvRows.merge(cells[1], 1, Integer::sum);
                    }
                }
            }
        }
        Set<String> topicOnly = new HashSet<>(polls.keySet());
        topicOnly.removeAll(csvRows.keySet());
        Set<String> csvOnly = new HashSet<>(csvRows.keySet());
        csvOnly.removeAll(polls.keySet());
        assertTrue(topicOnly.size() <= killedIn.size() && csvOnly.size() <= killedIn.size(),
                "polls in the topic only " + topicOnly + ", in the CSV files only " + csvOnly);

        // the index route, spread over the three instances, two of them killed: every reading indexed once
        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<String, String> record : TestKafka.readAll(READINGS, 0, Duration.ofSeconds(5))) {
            JsonNode reading = JSON.readTree(record.value());
            ids.add(reading.get("agencyId").asText() + "-" + OffsetDateTime.parse(reading.get("observedAt").asText()).toInstant().toEpochMilli());
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> OpenSearch.count(INDEX) >= ids.size());
        assertEquals(ids.size(), OpenSearch.count(INDEX), "one document per reading");
        instances.get(last).close();
    }
}
