package nc.opt.waits.support;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Runs an integration the way `camel run` does: the very same route files and properties files
 * from the repository, with only the given properties overridden (ports, hosts, folders).
 */
public final class CamelApp implements AutoCloseable {
    /** the OpenSearch indexing route, left out by the tests of the poll alone */
    public static final String INDEX_ROUTE = "file:routes/index-readings.camel.yaml";
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
        all.put("camel.management.port", String.valueOf(freePort()));
        all.putAll(overrides);
        return start(propertyFiles, "file:routes/*.camel.yaml", all);
    }

    public static CamelApp start(String propertyFiles, String routes, Map<String, String> overrides) throws Exception {
        Main main = new Main();
        main.setPropertyPlaceholderLocations(propertyFiles);
        main.configure().withRoutesIncludePattern(routes);
        Properties properties = new Properties();
        properties.putAll(overrides);
        main.setOverrideProperties(properties);
        main.start();
        return new CamelApp(main);
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
