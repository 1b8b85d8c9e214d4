package nc.opt.waits.spark;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The integration's Spark session: embedded ({@code local[*]}) or the driver of a standalone cluster
 * ({@code spark://host:7077}). Every Camel property {@code spark.conf.<key>} is given to Spark as
 * {@code <key>}. In local mode the driver binds to 127.0.0.1 unless told otherwise, so that a host
 * name that does not resolve cannot stop it.
 * <p>The session is created on first use (the first batch or analytics run), not when the bean is
 * made: the YAML DSL makes the beans of a file twice (once to pre-parse it) and would otherwise
 * start a Spark context only to stop it. {@link #stop()} is the bean's destroy method.
 */
public class SparkSessionHolder implements CamelContextAware {
    static final String CONF_PREFIX = "spark.conf.";
    private static final Logger LOG = LoggerFactory.getLogger(SparkSessionHolder.class);

    private CamelContext camelContext;
    private String master = "local[*]";
    private String appName = "opt-waits-spark";
    private String timeZone = "Pacific/Noumea";
    private Map<String, String> conf = new TreeMap<>();
    private volatile SparkSession session;

    /** Creates the session now (it is otherwise created on first use). */
    public synchronized SparkSession start() {
        if (session != null) {
            return session;
        }
        Map<String, String> all = new TreeMap<>();
        if (master.startsWith("local")) {
            all.put("spark.driver.host", "127.0.0.1");
            all.put("spark.driver.bindAddress", "127.0.0.1");
        }
        all.put("spark.ui.enabled", "false");
        // hour of day and weekday in Spark SQL are those of this zone
        all.put("spark.sql.session.timeZone", timeZone);
        all.putAll(camelProperties());
        all.putAll(conf);
        long begin = System.nanoTime();
        SparkSession.Builder builder = SparkSession.builder().master(master).appName(appName);
        all.forEach(builder::config);
        session = builder.getOrCreate();
        LOG.info("Spark {} session on {} ready in {} ms (conf: {})", session.version(), master,
                (System.nanoTime() - begin) / 1_000_000, all);
        return session;
    }

    public synchronized void stop() {
        if (session != null) {
            session.stop();
            session = null;
            LOG.info("Spark session stopped");
        }
    }

    /** The session, created on first use. */
    public SparkSession session() {
        SparkSession current = session;
        return current != null ? current : start();
    }

    public boolean isRunning() {
        SparkSession current = session;
        return current != null && !current.sparkContext().isStopped();
    }

    /** spark.conf.* from Camel's properties (application.properties, --prop, -D), placeholders resolved. */
    private Map<String, String> camelProperties() {
        Map<String, String> found = new TreeMap<>();
        if (camelContext != null) {
            Properties properties = camelContext.getPropertiesComponent().loadProperties(key -> key.startsWith(CONF_PREFIX));
            for (String key : properties.stringPropertyNames()) {
                found.put(key.substring(CONF_PREFIX.length()),
                        camelContext.resolvePropertyPlaceholders("{{" + key + "}}"));
            }
        }
        return found;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    public void setMaster(String master) {
        this.master = master;
    }

    public String getMaster() {
        return master;
    }

    public void setAppName(String appName) {
        this.appName = appName;
    }

    public void setTimeZone(String timeZone) {
        this.timeZone = timeZone;
    }

    /** Spark settings given in code (tests, benchmarks); they win over the spark.conf.* properties. */
    public void setConf(Map<String, String> conf) {
        this.conf = new TreeMap<>(conf);
    }
}
