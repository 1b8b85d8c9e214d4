package nc.opt.waits;

import nc.opt.waits.support.Agencies;
import nc.opt.waits.support.CamelApp;
import nc.opt.waits.support.OpenSearch;
import nc.opt.waits.support.TestKafka;
import nc.opt.waits.support.TestOpenSearch;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The replay of CSV files the pipeline itself wrote: every valid row published once, a torn or
 * malformed row reported with its file and line and skipped, and a second replay adds no document.
 */
class ReplayIT {
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void replayingTwiceIndexesEveryRowOnceAndReportsTheBadRows() throws Exception {
        Path csvDir = Path.of("target", "it-replay-csv-" + RUN);
        String liveTopic = "it-replay-live-" + RUN;
        String replayTopic = "it-replay-" + RUN;
        String index = "it-replay-" + RUN;
        int agencies = Agencies.all().size();

        // 1. the pipeline writes a CSV file: 3 polls of a simulator whose clock runs 120 times faster
        int simPort = CamelApp.freePort();
        try (CamelApp simulator = CamelApp.simulator(Map.of("camel.server.port", String.valueOf(simPort),
                "sim.clock.start", "2026-11-23T08:00:00", "sim.clock.speed", "120"));
             CamelApp poller = CamelApp.pipeline("file:application.properties", Map.of(
                     "opt.api.url", "http://127.0.0.1:" + simPort, "poll.period-ms", "1000", "csv.dir", csvDir.toString(),
                     "camel.component.kafka.brokers", TestKafka.bootstrapServers(), "kafka.topic.readings", liveTopic,
                     "kafka.topic.dead-letter", liveTopic + "-dlq", "camel.main.routesExcludePattern", CamelApp.ALL_BUT_THE_POLL))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> TestKafka.readAll(liveTopic, 0, Duration.ofSeconds(3)).size() >= 3 * agencies);
            poller.context().getRouteController().stopRoute(CamelApp.POLL_ROUTE);
        }
        Path csv;
        try (var files = Files.list(csvDir)) {
            csv = files.filter(f -> f.toString().endsWith(".csv")).findFirst().orElseThrow();
        }
        List<String> written = Files.readAllLines(csv);
        long rows = written.size() - 1;
        // one document per agency and observation: two polls can read the same observation (observedAt
        // counted from the end of the row: a designation may hold a comma)
        List<String> header = List.of(written.get(0).split(","));
        int observedAtFromEnd = header.size() - header.indexOf("observedAt");
        long documents = written.stream().skip(1).map(line -> line.split(","))
                .map(cells -> cells[2] + "@" + cells[cells.length - observedAtFromEnd]).distinct().count();
        // 2. a malformed row in the middle, and a row torn by a crash at the end
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(csv));
        lines.add(2, "2026-11-23T00:00:00Z,bad-row,4313,Agence,NOUMEA,AGENCE,-22.27,166.44,not-a-number,1,1,1,green,2026-11-23T08:00:00+11:00,false");
        Files.write(csv, lines);
        Files.writeString(csv, "2026-11-23T00:00:00Z,torn,4313,\"Agence de NOU", StandardOpenOption.APPEND);

        // 3. replay twice, at full speed, with the index route consuming the replay topic
        Map<String, String> config = new LinkedHashMap<>();
        config.put("camel.component.kafka.brokers", TestKafka.bootstrapServers());
        config.put("kafka.topic.readings", replayTopic);
        config.put("kafka.topic.dead-letter", replayTopic + "-dlq");
        config.put("opensearch.url", TestOpenSearch.url());
        config.put("index.name", index);
        config.putAll(CamelApp.httpPorts());
        TestKafka.createTopic(replayTopic);
        try (CamelApp indexer = CamelApp.start("file:application.properties", CamelApp.INDEX_ONLY, config)) {
            replay(csv, replayTopic);
            assertEquals(rows, TestKafka.readAll(replayTopic, (int) rows, Duration.ofSeconds(30)).size(), "every valid row, once");
            await().atMost(Duration.ofSeconds(60)).until(() -> OpenSearch.count(index) == documents);
            replay(csv, replayTopic);
            assertEquals(2 * rows, TestKafka.readAll(replayTopic, (int) (2 * rows), Duration.ofSeconds(30)).size());
            Thread.sleep(3_000);
            assertEquals(documents, OpenSearch.count(index), "the second replay added no document");
        }
        List<String> log = Files.readAllLines(Path.of("target/test-logs/all.log"));
        assertTrue(log.stream().anyMatch(l -> l.contains(csv + ":3 skipped, malformed row") && l.contains("maxWaitMs")),
                "the malformed row, with its file and line");
        assertTrue(log.stream().anyMatch(l -> l.contains(csv + ":" + (rows + 3) + " skipped, malformed row")),
                "the torn row, with its file and line");
    }

    static void replay(Path csv, String topic) throws Exception {
        try (CamelApp replay = CamelApp.start("file:application.properties,file:replay/application.properties",
                CamelApp.REPLAY, Map.of("camel.component.kafka.brokers", TestKafka.bootstrapServers(),
                        "kafka.topic.readings", topic, "replay.files", csv.toString(), "replay.speed", "max"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> replay.context().getInflightRepository().size() == 0
                    && replay.context().getRoute("replay-csv") != null
                    && Files.readAllLines(Path.of("target/test-logs/all.log")).stream().anyMatch(l -> l.contains("Replay done")));
        }
    }
}
