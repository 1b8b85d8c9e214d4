package nc.opt.waits.support;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * Runs an integration the way `camel run` does: the very same route files and properties files
 * from the repository, with only the given properties overridden (ports, hosts, folders).
 */
public final class CamelApp implements AutoCloseable {
    /** the OpenSearch indexing route */
    public static final String INDEX_ROUTE = "file:routes/index-readings.camel.yaml";
    /** the index route alone, with what it calls */
    public static final String INDEX_ONLY = INDEX_ROUTE + ",file:routes/index-to-opensearch.camel.yaml"
            + ",file:routes/dead-letters.camel.yaml,file:routes/publish-to-kafka.camel.yaml,file:routes/error-handling.camel.yaml";
    /** the CSV replay (bin/replay) and the routes it publishes with */
    public static final String REPLAY = "file:replay/replay.camel.yaml,file:routes/readings-to-kafka.camel.yaml"
            + ",file:routes/publish-to-kafka.camel.yaml,file:routes/error-handling.camel.yaml";
    /** the poll: the elected instance's tick and the poll itself */
    public static final String POLL_ROUTES = "file:routes/poll-leader.camel.yaml,file:routes/poll-agencies.camel.yaml";
    /** the route that starts polls (stop it to stop polling) */
    public static final String POLL_ROUTE = "poll-leader";
    /** what the tests of the poll alone leave out: indexing, alerts, the HTTP API */
    public static final String ALL_BUT_THE_POLL = INDEX_ROUTE
            + ",file:routes/alert*.camel.yaml,file:routes/http-api.camel.yaml";
    private final Main main;

    private CamelApp(Main main) {
        this.main = main;
    }

    /** The API simulator: simulator/*.camel.yaml with simulator/application.properties. */
    public static CamelApp simulator(Map<String, String> overrides) throws Exception {
        return start("file:simulator/application.properties", "file:simulator/*.camel.yaml", overrides);
    }

    /** The pipeline: routes/*.camel.yaml with application.properties (and a profile's file, if named). */
    public static CamelApp pipeline(String propertyFiles, Map<String, String> overrides) throws Exception {
        Map<String, String> all = new LinkedHashMap<>();
        all.putAll(httpPorts());
        all.putAll(overrides);
        return start(propertyFiles, "file:routes/*.camel.yaml", all);
    }

    public static CamelApp start(String propertyFiles, String routes, Map<String, String> overrides) throws Exception {
        Main main = new Main();
        main.setPropertyPlaceholderLocations(propertyFiles);
        main.configure().withRoutesIncludePattern(routes);
        Properties properties = new Properties();
        // each app its own outbox, unless the test names one (polling() does, beside its CSV folder)
        properties.put("outbox.dir", "target/it-outbox-" + UUID.randomUUID());
        properties.putAll(electionOfOne()); // the poller's beans are made even when its routes are left out
        properties.putAll(overrides);
        main.setOverrideProperties(properties);
        main.start();
        return new CamelApp(main);
    }

    /**
     * The pipeline on the tests' Kafka and OpenSearch, with the test's own topics, index and
     * consumer group; a batch goes to OpenSearch after 200 ms. A mutable map: add to it.
     */
    public static Map<String, String> onTestStack(String readingsTopic, String deadLetterTopic, String index, String group) {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("camel.component.kafka.brokers", TestKafka.bootstrapServers());
        overrides.put("kafka.topic.readings", readingsTopic);
        overrides.put("kafka.topic.dead-letter", deadLetterTopic);
        overrides.put("opensearch.url", TestOpenSearch.url());
        overrides.put("index.name", index);
        overrides.put("index.group-id", group);
        overrides.put("index.batch-max-wait-ms", "200");
        return overrides;
    }

    /** Polling the simulator on simPort every second, the CSV files in csvDir, the outbox beside it. */
    public static Map<String, String> polling(int simPort, String csvDir) {
        return Map.of("opt.api.url", "http://127.0.0.1:" + simPort, "poll.period-ms", "1000", "csv.dir", csvDir,
                "outbox.dir", csvDir + "-outbox", "poll.tick-ms", "50");
    }

    /**
     * The poller's election in a folder of its own (one instance: it leads at once), ticks fine
     * enough for periods of a second or two.
     */
    public static Map<String, String> electionOfOne() {
        return Map.of("poll.cluster.dir", "target/cluster-" + java.util.UUID.randomUUID(), "poll.tick-ms", "50");
    }

    /**
     * One free port for both the business HTTP server and the management one: platform-http 4.17
     * finds its server by type, and with two servers it falls back to port 8080.
     */
    public static Map<String, String> httpPorts() throws IOException {
        String port = String.valueOf(freePort());
        return Map.of("camel.server.port", port, "camel.management.port", port);
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public String property(String key) {
        return context().resolvePropertyPlaceholders("{{" + key + "}}");
    }

    @Override
    public void close() {
        main.stop();
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
