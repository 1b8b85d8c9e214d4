package nc.opt.waits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Raises an alert when an agency's max wait goes above its threshold, and clears it when the wait
 * falls back to the threshold or under: one episode gives one "raised" and one "cleared" event, not
 * one per reading. Which agencies are alerting is rebuilt at startup from the alerts topic itself
 * (the last event of each agency), so a restart neither repeats nor forgets an alert.
 * <p>
 * A batch is evaluated against a copy of that state; the route publishes the events, then calls
 * {@link #confirm}: a batch that fails to publish is evaluated again from the same state.
 */
public class AlertDetector {
    private static final Logger LOG = LoggerFactory.getLogger(AlertDetector.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PENDING = "alertStatePending";

    private final Map<String, Boolean> alerting = new ConcurrentHashMap<>();
    private boolean rebuilt;
    private Thresholds thresholds;
    private KafkaSecurity kafka = new KafkaSecurity();
    private String alertsTopic;

    /** Rebuilds which agencies are alerting from the alerts topic (at the first batch, not at startup). */
    synchronized void rebuild() {
        if (rebuilt) {
            return;
        }
        rebuilt = true;
        int[] events = {0};
        try (KafkaConsumer<String, String> reader = kafka.reader()) {
            KafkaSecurity.readToEnd(reader, alertsTopic, Duration.ofSeconds(10), record -> {
                try {
                    JsonNode event = JSON.readTree(record.value());
                    alerting.put(event.path("agencyId").asText(), "raised".equals(event.path("event").asText()));
                    events[0]++;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (Exception e) {
            LOG.warn("Could not read the alerts topic {} to rebuild the alert state ({}): starting with no agency alerting",
                    alertsTopic, e.getMessage());
        }
        LOG.info("Alert state rebuilt from {} events of {}: {} agencies alerting", events[0], alertsTopic,
                alerting.values().stream().filter(a -> a).count());
    }

    /** The alert events of a batch of readings (the body: the exchanges of one Kafka poll). */
    public List<Map<String, Object>> evaluate(Exchange exchange) throws Exception {
        rebuild();
        Map<String, Boolean> pending = new HashMap<>();
        List<Map<String, Object>> events = new ArrayList<>();
        for (Object item : exchange.getMessage().getBody(List.class)) {
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
            Thresholds.Threshold threshold = thresholds.lookup(agencyId, reading.path("commune").asText(), reading.path("type").asText());
            boolean above = minutes.asDouble() > threshold.minutes();
            boolean wasAlerting = pending.getOrDefault(agencyId, alerting.getOrDefault(agencyId, false));
            if (above != wasAlerting) {
                pending.put(agencyId, above);
                events.add(event(above ? "raised" : "cleared", reading, threshold));
            }
        }
        exchange.setProperty(PENDING, pending);
        return events;
    }

    /** The events of the batch are on the alerts topic: they are now the state. */
    @SuppressWarnings("unchecked")
    public void confirm(Exchange exchange) {
        alerting.putAll(exchange.getProperty(PENDING, Map.class));
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
        event.put("thresholdMinutes", threshold.minutes());
        event.put("thresholdScope", threshold.scope());
        event.put("observedAt", observedAt);
        event.put("readingTimestamp", reading.path("@timestamp").asText());
        event.put("@timestamp", Timestamps.now());
        return event;
    }

    public void setThresholds(Thresholds thresholds) {
        this.thresholds = thresholds;
    }

    public void setKafka(KafkaSecurity kafka) {
        this.kafka = kafka;
    }

    public void setAlertsTopic(String alertsTopic) {
        this.alertsTopic = alertsTopic;
    }
}
