package nc.opt.waits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;

/**
 * Raises an alert when an agency's max wait goes above its threshold, and clears it when the wait
 * falls back to the threshold or under: one episode gives one "raised" and one "cleared" event, not
 * one per reading. A stale reading (its "stale" field true: the kiosk's observation stopped moving)
 * raises no wait alert; the agency's first stale reading gives one "not-reporting" event, its first
 * fresh one after that a "reporting-again" event.
 * <p>
 * Any number of instances run it, sharing the readings topic's partitions through their consumer
 * group. The state (which agencies are alerting, which are not reporting) is kept per partition:
 * when this instance starts evaluating a partition it did not evaluate just before (at start, or
 * taken over from another instance at a rebalance or a death), it rebuilds that partition's state
 * from the alerts topic, keyed and partitioned as the readings, before its first record.
 * <p>
 * A batch is evaluated against a copy of that state; the route publishes the events, then calls
 * {@link #confirm}: a batch that fails to publish is evaluated again from the same state. Before a
 * batch is evaluated, the thresholds topic is read up to its current end (the barrier): a threshold
 * change acknowledged to its caller applies to every reading evaluated after it.
 * <p>
 * Its own Kafka clients (the rebuild) connect as the thresholds bean's: with the kafka component's settings.
 */
public class AlertDetector {
    private static final Logger LOG = LoggerFactory.getLogger(AlertDetector.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PENDING = "alertStatePending";
    private static final String PENDING_OFFSETS = "alertStatePendingOffsets";

    /** per agency: true while its wait alert is raised; true while it is not reporting */
    private final Map<String, Boolean> alerting = new HashMap<>();
    private final Map<String, Boolean> silent = new HashMap<>();
    /** per readings partition: the offset after the last record this instance evaluated (and confirmed) */
    private final Map<Integer, Long> nextOffset = new HashMap<>();
    private int readingsPartitions = -1;
    private Thresholds thresholds;
    private String alertsTopic;
    private String readingsTopic;
    private boolean thresholdBarrier = true;

    /** The alert events of a batch of readings (the body: the exchanges of one Kafka poll). */
    public synchronized List<Map<String, Object>> evaluate(Exchange exchange) throws Exception {
        List<?> batch = exchange.getMessage().getBody(List.class);
        Map<Integer, Long> first = new HashMap<>();
        Map<Integer, Long> last = new HashMap<>();
        for (Object item : batch) {
            Message record = ((Exchange) item).getMessage();
            Integer partition = record.getHeader(KafkaConstants.PARTITION, Integer.class);
            Long offset = record.getHeader(KafkaConstants.OFFSET, Long.class);
            if (partition != null && offset != null) {
                first.putIfAbsent(partition, offset);
                last.put(partition, offset);
            }
        }
        for (Map.Entry<Integer, Long> partition : first.entrySet()) {
            if (!Objects.equals(nextOffset.get(partition.getKey()), partition.getValue())) {
                rebuild(partition.getKey());
            }
        }
        if (thresholdBarrier) {
            thresholds.awaitCaughtUp();
        }
        Map<String, Boolean> pending = new HashMap<>();
        Map<String, Boolean> pendingSilent = new HashMap<>();
        List<Map<String, Object>> events = new ArrayList<>();
        for (Object item : batch) {
            String value = ((Exchange) item).getMessage().getBody(String.class);
            JsonNode reading;
            try {
                reading = JSON.readTree(value);
            } catch (Exception notJson) {
                continue; // not a reading: the index route dead-letters it
            }
            String agencyId = reading.path("agencyId").asText();
            JsonNode minutes = reading.path("maxWaitMinutes");
            if (agencyId.isEmpty() || !minutes.isNumber()) {
                continue;
            }
            boolean stale = reading.path("stale").asBoolean(false);
            boolean wasSilent = pendingSilent.getOrDefault(agencyId, silent.getOrDefault(agencyId, false));
            if (stale != wasSilent) {
                pendingSilent.put(agencyId, stale);
                events.add(event(stale ? "not-reporting" : "reporting-again", reading, null));
            }
            if (stale) {
                continue; // an observation that stopped moving says nothing of the wait now
            }
            Thresholds.Threshold threshold = thresholds.lookup(agencyId, reading.path("commune").asText(), reading.path("type").asText());
            boolean above = minutes.asDouble() > threshold.minutes();
            boolean wasAlerting = pending.getOrDefault(agencyId, alerting.getOrDefault(agencyId, false));
            if (above != wasAlerting) {
                pending.put(agencyId, above);
                events.add(event(above ? "raised" : "cleared", reading, threshold));
            }
        }
        exchange.setProperty(PENDING, List.of(pending, pendingSilent));
        exchange.setProperty(PENDING_OFFSETS, last);
        return events;
    }

    /**
     * The events (the exchange property alertEvents) as records for the alerts topic, in order:
     * key the agency id, value the JSON event. Camel's kafka producer sends a list in one go.
     */
    @SuppressWarnings("unchecked")
    public List<Message> records(Exchange exchange) throws Exception {
        List<Map<String, Object>> events = exchange.getProperty("alertEvents", List.class);
        List<Message> records = new ArrayList<>(events.size());
        for (Map<String, Object> event : events) {
            Message record = new DefaultMessage(exchange.getContext());
            record.setHeader(KafkaConstants.KEY, String.valueOf(event.get("agencyId")));
            record.setBody(JSON.writeValueAsString(event));
            records.add(record);
        }
        return records;
    }

    /** The events of the batch are on the alerts topic: they are now the state. */
    @SuppressWarnings("unchecked")
    public synchronized void confirm(Exchange exchange) {
        List<Map<String, Boolean>> pending = exchange.getProperty(PENDING, List.class);
        alerting.putAll(pending.get(0));
        silent.putAll(pending.get(1));
        exchange.getProperty(PENDING_OFFSETS, Map.class).forEach((partition, offset) ->
                nextOffset.put((Integer) partition, (Long) offset + 1));
    }

    /**
     * This partition's state, from the alerts topic: the last event of each of its agencies. The
     * alerts topic has as many partitions as the readings (it is created so when missing), so its
     * partition of the same number holds them; otherwise the whole topic is read and filtered.
     */
    void rebuild(int partition) {
        int[] events = {0};
        try (KafkaConsumer<String, String> reader = KafkaClients.reader(thresholds.kafka())) {
            int partitions = readingsPartitions(reader);
            alerting.keySet().removeIf(agency -> partitionOf(agency, partitions) == partition);
            silent.keySet().removeIf(agency -> partitionOf(agency, partitions) == partition);
            List<PartitionInfo> alertPartitions = reader.partitionsFor(alertsTopic, Duration.ofSeconds(10));
            List<TopicPartition> toRead = new ArrayList<>();
            if (alertPartitions != null && alertPartitions.size() == partitions) {
                toRead.add(new TopicPartition(alertsTopic, partition));
            } else if (alertPartitions != null) {
                alertPartitions.forEach(info -> toRead.add(new TopicPartition(alertsTopic, info.partition())));
            }
            KafkaClients.readToEnd(reader, toRead, record -> {
                if (record.key() != null && partitionOf(record.key(), partitions) == partition) {
                    apply(record);
                    events[0]++;
                }
            });
        } catch (Exception e) {
            LOG.warn("Could not read the alerts topic {} to rebuild the alert state of partition {} ({}): starting it with no agency alerting",
                    alertsTopic, partition, e.getMessage());
        }
        LOG.info("Alert state rebuilt from {} events of {} for partition {} of {}: {} agencies alerting in all", events[0], alertsTopic,
                partition, readingsTopic, alerting.values().stream().filter(a -> a).count());
        nextOffset.remove(partition);
    }

    private void apply(ConsumerRecord<String, String> record) {
        try {
            JsonNode event = JSON.readTree(record.value());
            switch (event.path("event").asText()) {
                case "raised" -> alerting.put(record.key(), true);
                case "cleared" -> alerting.put(record.key(), false);
                case "not-reporting" -> silent.put(record.key(), true);
                case "reporting-again" -> silent.put(record.key(), false);
                default -> { }
            }
        } catch (Exception notAnEvent) {
            LOG.debug("Not an alert event on {}: {}", alertsTopic, record.value());
        }
    }

    /** the readings topic's partition count; the alerts topic is created with as many when missing */
    private int readingsPartitions(KafkaConsumer<String, String> reader) throws InterruptedException {
        if (readingsPartitions < 0) {
            List<PartitionInfo> infos = reader.partitionsFor(readingsTopic, Duration.ofSeconds(10));
            readingsPartitions = infos == null || infos.isEmpty() ? 1 : infos.size();
            List<PartitionInfo> alerts = reader.partitionsFor(alertsTopic, Duration.ofSeconds(10));
            if (alerts == null || alerts.isEmpty()) {
                try (Admin admin = KafkaClients.admin(thresholds.kafka(), Map.of())) {
                    admin.createTopics(List.of(new NewTopic(alertsTopic, readingsPartitions, (short) -1))).all().get();
                    LOG.info("Created the alerts topic {} with {} partitions, as the readings topic", alertsTopic, readingsPartitions);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        LOG.warn("Could not create the alerts topic {}: {}", alertsTopic, e.getCause().getMessage());
                    }
                }
            }
        }
        return readingsPartitions;
    }

    /** the partition of a key, as Kafka's default partitioner places it (murmur2 of the key's bytes) */
    static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    static Map<String, Object> event(String kind, JsonNode reading, Thresholds.Threshold threshold) {
        Map<String, Object> event = new LinkedHashMap<>();
        String observedAt = reading.path("observedAt").asText();
        event.put("alertId", reading.path("agencyId").asText() + "-" + OffsetDateTime.parse(observedAt).toInstant().toEpochMilli() + "-" + kind);
        event.put("event", kind);
        event.put("agencyId", reading.path("agencyId").asInt());
        for (String field : List.of("designation", "commune", "type")) {
            event.put(field, reading.path(field).asText());
        }
        if (reading.has("position")) {
            event.put("position", JSON.convertValue(reading.get("position"), Map.class));
        }
        event.put("maxWaitMinutes", reading.path("maxWaitMinutes").asDouble());
        if (threshold != null) {
            event.put("thresholdMinutes", threshold.minutes());
            event.put("thresholdScope", threshold.scope());
        }
        event.put("observedAt", observedAt);
        event.put("readingTimestamp", reading.path("@timestamp").asText());
        event.put("@timestamp", Timestamps.now());
        return event;
    }

    public void setThresholds(Thresholds thresholds) {
        this.thresholds = thresholds;
    }

    public void setAlertsTopic(String alertsTopic) {
        this.alertsTopic = alertsTopic;
    }

    public void setReadingsTopic(String readingsTopic) {
        this.readingsTopic = readingsTopic;
    }

    public void setThresholdBarrier(boolean thresholdBarrier) {
        this.thresholdBarrier = thresholdBarrier;
    }
}
