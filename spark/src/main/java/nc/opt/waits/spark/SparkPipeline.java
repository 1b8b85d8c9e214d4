package nc.opt.waits.spark;

import org.apache.camel.main.Main;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Starts the Spark part of the pipeline: routes/*.camel.yaml with application.properties, run by
 * Camel Main, from the spark/ folder (bin/run starts it there).
 * <pre>
 *   bin/run [--properties=file:a.properties,file:b.properties] [--prop=key=value ...] [Camel Main options]
 * </pre>
 * {@code --prop} overrides one property, as {@code camel run --prop} does; the other arguments go to
 * Camel Main ({@code -d 60}: stop after 60 s, {@code -h}: its options).
 */
public final class SparkPipeline {
    public static final String PROPERTIES = "file:application.properties";
    public static final String ROUTES = "file:routes/*.camel.yaml";

    private SparkPipeline() {
    }

    public static void main(String[] args) throws Exception {
        Properties overrides = new Properties();
        String properties = PROPERTIES;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("--prop=")) {
                put(overrides, arg.substring("--prop=".length()));
            } else if (arg.equals("--prop") && i + 1 < args.length) {
                put(overrides, args[++i]);
            } else if (arg.startsWith("--properties=")) {
                properties = arg.substring("--properties=".length());
            } else {
                rest.add(arg);
            }
        }
        Main main = create(properties, ROUTES, overrides);
        main.run(rest.toArray(String[]::new));
    }

    /** The integration, configured and not started: the same for bin/run and the tests. */
    public static Main create(String properties, String routes, Map<?, ?> overrides) {
        Main main = new Main();
        main.setPropertyPlaceholderLocations(properties);
        main.configure().withRoutesIncludePattern(routes);
        Properties all = new Properties();
        all.putAll(overrides);
        main.setOverrideProperties(all);
        return main;
    }

    private static void put(Properties overrides, String keyValue) {
        int equals = keyValue.indexOf('=');
        if (equals <= 0) {
            throw new IllegalArgumentException("--prop wants key=value, got " + keyValue);
        }
        overrides.setProperty(keyValue.substring(0, equals), keyValue.substring(equals + 1));
    }
}
