package nc.opt.waits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import nc.opt.waits.support.Http;
import nc.opt.waits.support.ReadmeCommands;
import nc.opt.waits.support.UserShell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commands of README.md, run as a new user runs them: from a clone in a private home, through
 * the very scripts and the real Camel CLI, with no environment variable but PATH and HOME (and
 * those a README command sets itself), on the default ports. Each command is taken from the
 * README's text, and the last test checks that every README command was run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UserCommandsIT {
    static final List<Integer> DEFAULT_PORTS = List.of(9092, 9093, 9200, 9300, 8085, 8080, 9876);
    static final Duration FIRST_RUN = Duration.ofMinutes(10);
    static final ObjectMapper JSON = new ObjectMapper();
    /** a poll's log line: "Poll <id>: 63 readings ..." */
    static final Pattern POLL_LINE = Pattern.compile("Poll \\S+: (\\d+) readings ");
    final ReadmeCommands readme = ReadmeCommands.of(Path.of("README.md"));
    UserShell shell;

    UserCommandsIT() throws IOException {
    }

    @BeforeAll
    void cloneIntoAPrivateHome() throws Exception {
        for (int port : DEFAULT_PORTS) {
            try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                throw new IllegalStateException("port " + port + " is in use: the README's commands use the default ports,"
                        + " stop what listens there (bin/stack down?) and run the tests again");
            } catch (IOException free) {
                // free, as it should be
            }
        }
        String cloneCommand = readme.take("git clone ");
        String cloneName = cloneCommand.substring(cloneCommand.lastIndexOf("cd ") + 3).trim();
        shell = UserShell.freshClone(cloneName);
    }

    @AfterEach
    void ctrlCWhatIsStillRunning() throws Exception {
        shell.interruptAll();
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (shell != null) {
            shell.close();
        }
    }

    @Test
    @Order(1)
    void aStartThatFailsStopsWhatItStartedAndSaysWhatToDo() throws Exception {
        UserShell.Result start;
        // OpenSearch's transport port taken: it starts, fails to bind it and exits
        try (ServerSocket taken = new ServerSocket(9300, 1, InetAddress.getLoopbackAddress())) {
            start = shell.run(FIRST_RUN, readme.take("bin/start"));
        }
        assertEquals(1, start.exit(), start.output());
        assertTrue(start.output().contains("opensearch exited while starting"), start.output());
        assertTrue(start.output().contains("kafka stopped") && start.output().contains("simulator stopped"), start.output());
        assertTrue(start.output().contains("stopped what this command had started; fix the error above, then run the command again"),
                start.output());
        assertEquals(3, count(shell.run(Duration.ofMinutes(1), readme.take("bin/stack status")).output(), " stopped"));

        // the HTTP port taken: found before anything is started
        try (ServerSocket taken = new ServerSocket(9200, 1, InetAddress.getLoopbackAddress())) {
            start = shell.run(Duration.ofMinutes(2), "bin/start");
        }
        assertEquals(1, start.exit(), start.output());
        assertTrue(start.output().contains("opensearch: port 9200 is already in use"), start.output());
        assertFalse(start.output().contains("kafka: starting"), start.output());
    }

    @Test
    @Order(2)
    void binStartPollsIntoTheCsvTheTopicAndOpenSearchFromAPrivateHomeWithNoSetting() throws Exception {
        Process pipeline = shell.start("start", readme.take("bin/start"));
        String health = readme.take("curl -s 127.0.0.1:9876/observe/health");
        String count = readme.take("curl -s '127.0.0.1:9200/opt-waits-readings/_count'");
        await().atMost(FIRST_RUN).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertTrue(pipeline.isAlive(), () -> "bin/start ended:\n" + tail("start"));
            assertTrue(Files.exists(todaysCsv()) && Files.readAllLines(todaysCsv()).size() >= 64, "a poll in the CSV file");
            assertTrue(documents(shell.run(Duration.ofMinutes(1), count).output()) >= 63, "the poll in OpenSearch");
            assertTrue(shell.run(Duration.ofMinutes(1), health).output().contains("\"status\":\"UP\""), "health UP");
        });

        List<String> csv = lines(shell.run(Duration.ofMinutes(1), readme.take("head data/csv/waits-")).output());
        assertTrue(csv.get(0).startsWith("timestamp,pollId,agencyId,designation,commune,"), csv.get(0));
        assertEquals(10, csv.size());
        assertEquals(3, count(shell.run(Duration.ofMinutes(1), "bin/stack status").output(), " running ("));
        List<String> readings = lines(shell.run(Duration.ofMinutes(3), readme.take("bin/stack read opt-waits-readings 5")).output());
        assertEquals(5, readings.size(), readings.toString());
        assertTrue(readings.stream().allMatch(line -> line.matches("\\d+ => \\{\"agencyId\":\\d+,.*")), readings.toString());
        UserShell.Result alerts = shell.run(Duration.ofMinutes(3), readme.take("bin/stack read opt-waits-alerts 5"));
        assertEquals(0, alerts.exit());
        assertFalse(alerts.output().contains("ERROR") || alerts.output().contains("Exception"), alerts.output());
        UserShell.Result whole = shell.run(Duration.ofMinutes(3), "bin/stack read opt-waits-readings 100000");
        assertTrue(lines(whole.output()).size() >= 63, "the whole topic, and the command returned");
        assertTrue(shell.run(Duration.ofMinutes(1), readme.take("curl -s 127.0.0.1:9876/observe/metrics")).output()
                .contains("opt_readings_polled_total"));
        assertTrue(shell.run(Duration.ofMinutes(1), readme.take("curl -s 127.0.0.1:8085/agences")).output().startsWith("[{\"idAgence\":"));

        // the map page and its data, served by the pipeline (docs/map.md)
        assertTrue(Http.get("http://127.0.0.1:8080/").body().contains("leaflet"), "the map page");
        assertEquals(63, JSON.readTree(Http.get("http://127.0.0.1:8080/map/agencies").body()).get("agencies").size());

        List<String> log = logLines("start");
        // (an alert raised is a WARN line by design: in opening hours the first poll can raise some)
        assertTrue(log.stream().noneMatch(line -> (line.contains(" WARN ") || line.contains(" ERROR ")) && !line.contains(": Alert ")),
                () -> "a healthy start logs no WARN or ERROR:\n" + String.join("\n", log));
        assertTrue(log.stream().noneMatch(line -> line.contains("Config values:")), "no Kafka client configuration dump");

        replayingTodaysCsvAddsNoDocument();
        shell.interrupt(pipeline, Duration.ofMinutes(1));
    }

    void replayingTodaysCsvAddsNoDocument() throws Exception {
        String lastObserved = csvColumn("observedAt").stream().max(String::compareTo).orElseThrow();
        String query = "{\"query\":{\"range\":{\"observedAt\":{\"lte\":\"" + lastObserved + "\"}}}}";
        long before = indexedUpTo(query);
        int rowsBefore = Files.readAllLines(todaysCsv()).size() - 1;
        UserShell.Result replay = shell.run(Duration.ofMinutes(3), readme.take("bin/replay data/csv/waits-"));
        int rowsAfter = Files.readAllLines(todaysCsv()).size() - 1;
        assertEquals(0, replay.exit(), replay.output());
        // every row of the file as the replay found it: the pipeline still polls, and a poll may append to it meanwhile
        Matcher done = Pattern.compile("Replay done: (\\d+) rows published, 0 malformed rows skipped").matcher(replay.output());
        assertTrue(done.find(), replay.output());
        int published = Integer.parseInt(done.group(1));
        assertTrue(published >= rowsBefore && published <= rowsAfter,
                () -> published + " rows published, the file held " + rowsBefore + " before and " + rowsAfter + " after:\n" + replay.output());
        assertFalse(replay.output().contains("Address already in use") || replay.output().contains(" ERROR "), replay.output());
        // the readings it published, indexed: each one overwrote its own document
        await().atMost(Duration.ofMinutes(1)).pollDelay(Duration.ofSeconds(3)).untilAsserted(() ->
                assertTrue(Files.readString(shell.log("start")).contains("Indexed "), "the index route indexed the replay"));
        Thread.sleep(3000);
        assertEquals(before, indexedUpTo(query), "documents observed up to the CSV's last observation, before and after the replay");
    }

    @Test
    @Order(3)
    void theSimulatorIsSteeredWhileEverythingRuns() throws Exception {
        Process pipeline = shell.start("start-clock", readme.take("bin/start --sim-clock="));
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertTrue(pipeline.isAlive(), () -> "bin/start ended:\n" + tail("start-clock"));
            List<String> observed = csvColumn("observedAt");
            List<String> maxWaits = csvColumn("maxWaitMs");
            assertTrue(java.util.stream.IntStream.range(0, observed.size())
                    .anyMatch(i -> observed.get(i).startsWith("2026-11-23T") && Long.parseLong(maxWaits.get(i)) > 0),
                    "a poll of Monday 23 November in the simulator's time (an hour a minute from 09:30), with waits");
        });
        String clock = shell.run(Duration.ofMinutes(1), readme.take("bin/stack sim clock 2026")).output();
        assertTrue(clock.contains("\"noumea\":\"2026-11-23T11:00:0"), clock);
        try {
            String armed = shell.run(Duration.ofMinutes(1), readme.take("bin/stack sim fault 500 2")).output();
            assertTrue(armed.contains("\"armed\":[\"500\",\"500\"]"), armed);
            // the next poll (a period later) gets the 500: one WARN line and a counter
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                    assertTrue(Http.get("http://127.0.0.1:9876/observe/metrics").body().contains("opt_api_poll_failures_total")));
            List<String> warnings = logLines("start-clock").stream().filter(line -> line.contains(" WARN ") && !line.contains(": Alert ")).toList();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("failed (http_500)"), warnings.get(0));
        } finally {
            Http.delete("http://127.0.0.1:8085/_sim/faults");
        }
        assertTrue(shell.run(Duration.ofMinutes(1), readme.take("bin/stack logs simulator")).output().contains("opt-api-simulator"));
        String now = shell.run(Duration.ofMinutes(1), readme.take("bin/stack sim clock now")).output();
        Instant simulated = Instant.parse(JSON.readTree(now).get("instant").asText());
        assertTrue(Duration.between(simulated, Instant.now()).abs().toSeconds() < 60, now);
        shell.interrupt(pipeline, Duration.ofMinutes(1));
    }

    @Test
    @Order(4)
    void theHttpApiWithItsKeyAndSparkBesideThePipeline() throws Exception {
        Process pipeline = shell.start("start-key", readme.take("INGEST_API_KEY=demo-key bin/start"));
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertTrue(pipeline.isAlive(), () -> "bin/start ended:\n" + tail("start-key"));
            assertTrue(POLL_LINE.matcher(Files.readString(shell.log("start-key"))).find(), "a first poll");
        });
        assertEquals("{\"published\":1}", shell.run(Duration.ofMinutes(1), readme.take("curl -s 127.0.0.1:8080/readings")).output().trim());
        JsonNode put = JSON.readTree(shell.run(Duration.ofMinutes(1), readme.take("curl -s -XPUT 127.0.0.1:8080/thresholds/agency/4313")).output());
        assertEquals("agency:4313", put.get("threshold").asText());
        assertEquals(20.0, JSON.readTree(shell.run(Duration.ofMinutes(1), readme.take("curl -s 127.0.0.1:8080/thresholds")).output())
                .get("agency:4313").asDouble());
        assertTrue(shell.run(Duration.ofMinutes(1), readme.take("curl -s -XDELETE 127.0.0.1:8080/thresholds/agency/4313")).output()
                .contains("\"removed\":true"));

        Process spark = shell.start("spark", readme.take("spark/bin/run"));
        Path parquet = shell.clone().resolve("spark/data/parquet");
        await().atMost(FIRST_RUN).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
            assertTrue(spark.isAlive(), () -> "spark/bin/run ended:\n" + tail("spark"));
            assertTrue(Files.readString(shell.log("spark")).contains("readings appended"), "a first Parquet batch");
        });
        try (Stream<Path> files = Files.walk(parquet)) {
            assertTrue(files.anyMatch(file -> file.getFileName().toString().endsWith(".parquet")), "Parquet files under " + parquet);
        }
        shell.interrupt(spark, Duration.ofMinutes(2));
        // three polls at least (one a period): the last two, past the start's one-off lines (the
        // consumer groups' rebalance, the alert state rebuilt), show what a steady-state poll logs
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).until(() ->
                logLines("start-key").stream().filter(line -> POLL_LINE.matcher(line).find()).count() >= 3);

        // steady state: what the pipeline logs from one poll to the next
        List<String> log = logLines("start-key");
        List<Integer> polls = java.util.stream.IntStream.range(0, log.size()).filter(i -> POLL_LINE.matcher(log.get(i)).find()).boxed().toList();
        assertTrue(polls.size() >= 3, "three polls: " + polls);
        int last = polls.get(polls.size() - 1);
        int before = polls.get(polls.size() - 2);
        // (an alert raised or cleared is a line of its own by design, not the poll's)
        long pollLines = log.subList(before + 1, last + 1).stream().filter(line -> !line.contains(": Alert ")).count();
        assertTrue(pollLines <= 3, "at most 3 lines per steady-state poll:\n" + String.join("\n", log.subList(before, last + 1)));
        shell.interrupt(pipeline, Duration.ofMinutes(1));
    }

    @Test
    @Order(5)
    void binStackDownStopsTheStack() throws Exception {
        assertEquals(0, shell.run(Duration.ofMinutes(2), readme.take("bin/stack down")).exit());
        assertEquals(3, count(shell.run(Duration.ofMinutes(1), "bin/stack status").output(), " stopped"));
        for (int port : DEFAULT_PORTS) {
            try (Socket open = new Socket(InetAddress.getLoopbackAddress(), port)) {
                throw new AssertionError("port " + port + " still answers after bin/stack down");
            } catch (IOException closed) {
                // as it should be
            }
        }
    }

    @Test
    @Order(6)
    void everyReadmeCommandIsRunByATest() throws Exception {
        // the two that CI runs itself, next to this test
        String ci = Files.readString(Path.of(".ci/run"));
        String verify = readme.take("mvn verify");
        assertTrue(ci.contains("mvn -B -ntp verify"), "CI runs " + verify);
        String benchmark = readme.take("benchmark/run");
        assertTrue(ci.lines().anyMatch(line -> line.strip().equals(benchmark)), "CI runs " + benchmark);
        assertEquals(List.of(), readme.notTaken(), "README commands that no test runs");
    }

    Path todaysCsv() {
        return shell.clone().resolve("data/csv/waits-" + LocalDate.now(ZoneId.of("Pacific/Noumea")) + ".csv");
    }

    long indexedUpTo(String query) throws Exception {
        Http.post("http://127.0.0.1:9200/opt-waits-readings/_refresh");
        return JSON.readTree(Http.post("http://127.0.0.1:9200/opt-waits-readings/_count", query).body()).get("count").asLong();
    }

    /** A column of today's CSV file, by its header name (the simulator's designations hold no comma). */
    List<String> csvColumn(String name) throws IOException {
        List<String> rows = Files.readAllLines(todaysCsv());
        int column = List.of(rows.get(0).split(",")).indexOf(name);
        return rows.stream().skip(1).map(row -> row.split(",", -1)[column]).toList();
    }

    /** A background command's log lines, without the colours the Camel CLI gives its levels. */
    List<String> logLines(String log) throws IOException {
        return Files.readAllLines(shell.log(log)).stream().map(line -> line.replaceAll("\u001B\\[[0-9;]*m", "")).toList();
    }

    String tail(String log) {
        try {
            List<String> lines = logLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static long documents(String countAnswer) throws IOException {
        JsonNode count = JSON.readTree(countAnswer.isBlank() ? "{}" : countAnswer).get("count");
        return count == null ? -1 : count.asLong();
    }

    static List<String> lines(String output) {
        return output.lines().filter(line -> !line.isBlank() && !line.startsWith("[stack]")).toList();
    }

    static int count(String text, String part) {
        Matcher matcher = Pattern.compile(Pattern.quote(part)).matcher(text);
        int n = 0;
        while (matcher.find()) {
            n++;
        }
        return n;
    }
}
