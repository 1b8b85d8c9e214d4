package nc.opt.waits;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ExecutionException;

/**
 * The alert thresholds, in minutes of max wait: per agency, per commune, per type, and a default,
 * the most specific first. Their source of truth is a compacted Kafka topic (key {@code agency:4313},
 * {@code commune:NOUMEA}, {@code type:ANNEXE} or {@code default}; value {@code {"maxWaitMinutes": 15}};
 * an empty value removes the key) that every instance reads whole, so every instance sees the same
 * thresholds, and a change applies to the next reading without a restart.
 * <p>
 * It is read without a consumer group (every instance needs every record, and groups would share
 * them out), by a thread of its own: whole first (the first lookups wait for it), then every change,
 * with the settings of Camel's kafka component ({@link KafkaClients}).
 */
public class Thresholds implements CamelContextAware {
    private static final Logger LOG = LoggerFactory.getLogger(Thresholds.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Double> byKey = new ConcurrentHashMap<>();
    private double defaultMinutes = 15;
    private CamelContext camelContext;
    private KafkaConfiguration kafka;
    private String topic;
    private KafkaConsumer<String, String> consumer;
    private final CountDownLatch loaded = new CountDownLatch(1);
    private volatile Thread follower;
    private final AtomicBoolean begun = new AtomicBoolean();
    /** where the follower is: every record before these offsets is applied */
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    /** the barrier's own client, for the topic's end offsets (a consumer is not shared by threads) */
    private KafkaConsumer<String, String> endsReader;

    /** The threshold that applies to a reading, and where it comes from. */
    public record Threshold(double minutes, String scope) {
    }

    /**
     * Creates the compacted topic when it does not exist yet, and starts reading it. Camel makes the
     * YAML beans twice: a copy when it pre-parses the routes, before it configures the kafka component
     * (no brokers yet), then the bean the routes use. The copy is replaced in the registry without
     * being stopped, so it must not start: it starts only if it is used (lookup, barrier).
     */
    public void start() throws InterruptedException {
        if (camelContext == null || kafka().getBrokers() != null) {
            begin();
        }
    }

    /** once per bean: a second follower would share the consumer with the first */
    private void begin() throws InterruptedException {
        if (!begun.compareAndSet(false, true)) {
            return;
        }
        try (Admin admin = KafkaClients.admin(kafka(), Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) -1).configs(Map.of("cleanup.policy", "compact"))))
                    .all().get();
            LOG.info("Created the compacted thresholds topic {}", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                LOG.warn("Could not create the thresholds topic {} ({}); alerts use the default threshold until it exists",
                        topic, e.getCause().getMessage());
            }
        }
        consumer = KafkaClients.reader(kafka()); // made here, so that stop() can always wake it up
        follower = new Thread(this::follow, "thresholds-" + topic);
        follower.setDaemon(true);
        follower.start();
    }

    /** reads the topic whole (lookups wait for that), then every change, until stop() */
    private void follow() {
        try {
            KafkaClients.readToEnd(consumer, topic, Duration.ofSeconds(30), this::apply);
            read();
            LOG.info("Thresholds loaded from {}: {}", topic, all());
            try {
                endOffsets(); // the barrier's client connected now, not at the first batch
            } catch (RuntimeException notYet) {
                LOG.debug("The barrier's client could not reach {} yet: {}", topic, notYet.getMessage());
            }
            loaded.countDown();
            while (!Thread.currentThread().isInterrupted()) {
                consumer.poll(Duration.ofSeconds(1)).forEach(this::apply);
                read();
            }
        } catch (WakeupException stopping) {
            // stop() woke the consumer up
        } catch (RuntimeException e) {
            LOG.warn("Cannot read the thresholds topic {} ({}): alerts use the default threshold", topic, e.getMessage());
        } finally {
            loaded.countDown();
            consumer.close();
        }
    }

    /** the follower has applied every record before these positions: wakes up the barrier */
    private void read() {
        Map<TopicPartition, Long> now = new HashMap<>();
        consumer.assignment().forEach(partition -> now.put(partition, consumer.position(partition)));
        synchronized (positions) {
            positions.putAll(now);
            positions.notifyAll();
        }
    }

    /**
     * The barrier: returns once every record on the topic when it is called has been applied (the
     * topic's end offsets fetched now, then the follower awaited up to them). A threshold change
     * acknowledged to its caller (PUT, DELETE answered: the record is on the topic) thus applies to
     * every reading evaluated after this returns.
     */
    public void awaitCaughtUp() throws InterruptedException {
        begin();
        if (!loaded.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the thresholds topic " + topic + " is not read yet");
        }
        Map<TopicPartition, Long> ends = endOffsets();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (positions) {
            while (ends.entrySet().stream().anyMatch(end -> positions.getOrDefault(end.getKey(), 0L) < end.getValue())) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new IllegalStateException("the thresholds topic " + topic + " was not read up to its end " + ends
                            + " within 10 s (read up to " + positions + ")");
                }
                positions.wait(left);
            }
        }
    }

    /** the topic's end offsets now, by the barrier's own client */
    private synchronized Map<TopicPartition, Long> endOffsets() {
        if (endsReader == null) {
            endsReader = KafkaClients.reader(kafka());
        }
        Set<TopicPartition> partitions;
        synchronized (positions) {
            partitions = new HashSet<>(positions.keySet());
        }
        return endsReader.endOffsets(partitions, Duration.ofSeconds(10));
    }

    public void stop() throws InterruptedException {
        if (follower != null) {
            consumer.wakeup();
            follower.join(5_000);
        }
        synchronized (this) {
            if (endsReader != null) {
                endsReader.close();
                endsReader = null;
            }
        }
    }

    private void apply(ConsumerRecord<String, String> record) {
        apply(record.key(), record.value());
    }

    public Threshold lookup(String agencyId, String commune, String type) throws InterruptedException {
        begin();
        if (!loaded.await(30, TimeUnit.SECONDS)) {
            LOG.warn("The thresholds topic {} is not read yet: this reading is judged on the default threshold", topic);
        }
        for (String key : List.of("agency:" + agencyId, "commune:" + commune.toUpperCase(Locale.ROOT),
                "type:" + type.toUpperCase(Locale.ROOT), "default")) {
            Double minutes = byKey.get(key);
            if (minutes != null) {
                return new Threshold(minutes, key);
            }
        }
        return new Threshold(defaultMinutes, "default (alerts.default-threshold-minutes)");
    }

    /** A record of the thresholds topic: sets the key's threshold, or removes it when the value is empty. */
    public void apply(String key, String value) {
        if (key == null) {
            return;
        }
        if (value == null || value.isBlank()) {
            byKey.remove(key);
            LOG.info("Threshold {} removed", key);
            return;
        }
        try {
            double minutes = JSON.readTree(value).path("maxWaitMinutes").asDouble(Double.NaN);
            if (Double.isNaN(minutes) || minutes <= 0) {
                throw new IllegalArgumentException("maxWaitMinutes must be a number > 0");
            }
            byKey.put(key, minutes);
            LOG.info("Threshold {} = {} min", key, minutes);
        } catch (Exception e) {
            LOG.warn("Threshold record skipped: key {} value {} ({})", key, value, e.getMessage());
        }
    }

    public Map<String, Object> all() {
        Map<String, Object> all = new TreeMap<>(byKey);
        all.put("(default when none is set)", defaultMinutes);
        return all;
    }

    public void setDefaultMinutes(double defaultMinutes) {
        this.defaultMinutes = defaultMinutes;
    }

    /** the kafka component's settings, unless others were set */
    synchronized KafkaConfiguration kafka() {
        if (kafka == null) {
            kafka = camelContext.getComponent("kafka", KafkaComponent.class).getConfiguration();
        }
        return kafka;
    }

    /** Kafka settings other than the component's (a test's broker) */
    public void setKafka(KafkaConfiguration kafka) {
        this.kafka = kafka;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    public void setTopic(String topic) {
        this.topic = topic;
    }
}
