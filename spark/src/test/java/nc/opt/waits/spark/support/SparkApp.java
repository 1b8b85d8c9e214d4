package nc.opt.waits.spark.support;

import nc.opt.waits.spark.SparkPipeline;
import nc.opt.waits.spark.SparkSessionHolder;
import nc.opt.waits.support.TestKafka;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.apache.spark.sql.functions;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Runs the Spark integration as bin/run does: the very same routes/*.camel.yaml and
 * application.properties, with only the given properties overridden (broker, topics, folders).
 */
public final class SparkApp implements AutoCloseable {
    private final Main main;

    private SparkApp(Main main) {
        this.main = main;
    }

    /** Properties for a test of its own: its topic, group, folders; no timer run, no OpenSearch. */
    public static Map<String, String> isolated(String name, Path work) {
        String id = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("camel.component.kafka.brokers", TestKafka.bootstrapServers());
        overrides.put("kafka.topic.readings", id + "-readings");
        overrides.put("kafka.topic.dead-letter", id + "-dead-letter");
        overrides.put("store.group-id", id + "-spark");
        overrides.put("store.batch-size", "500");
        overrides.put("store.batch-max-wait-ms", "1000");
        overrides.put("store.poll-timeout-ms", "200");
        overrides.put("parquet.dir", work.resolve("parquet").toString());
        overrides.put("analytics.dir", work.resolve("analytics").toString());
        overrides.put("analytics.delay-ms", "3600000");
        overrides.put("analytics.opensearch.enabled", "false");
        overrides.put("analytics.index", id + "-analytics");
        // two cores: fewer shuffle partitions than the default keep the tests quick
        overrides.put("spark.conf.spark.sql.shuffle.partitions", "4");
        return overrides;
    }

    public static SparkApp start(Map<String, String> overrides) {
        SparkApp app = create(overrides);
        app.main.start();
        return app;
    }

    /** Configured, not started. */
    public static SparkApp create(Map<String, String> overrides) {
        return new SparkApp(SparkPipeline.create(SparkPipeline.PROPERTIES, SparkPipeline.ROUTES, overrides));
    }

    public void startMain() {
        main.start();
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public SparkSessionHolder spark() {
        return context().getRegistry().lookupByNameAndType("sparkSession", SparkSessionHolder.class);
    }

    public String property(String key) {
        return context().resolvePropertyPlaceholders("{{" + key + "}}");
    }

    /** Rows in the Parquet dataset, and distinct (agencyId, observedAt) among them. */
    public long[] storedRowsAndKeys() {
        var readings = spark().session().read().schema(nc.opt.waits.spark.Readings.SCHEMA).parquet(property("parquet.dir"));
        var counts = readings.agg(functions.count("*"),
                functions.count_distinct(functions.col("agencyId"), functions.col("observedAt"))).first();
        return new long[]{counts.getLong(0), counts.getLong(1)};
    }

    @Override
    public void close() {
        main.stop();
    }
}
