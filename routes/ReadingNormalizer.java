package nc.opt.waits;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one answer of OPT's {@code GET /agences} into the pipeline's reading records, one per
 * agency, the single shape that CSV, Kafka and OpenSearch share:
 * <pre>
 * agencyId, designation, commune, type, position {lat, lon} (absent when the API has none),
 * maxWaitMs, avgWaitMs, maxWaitMinutes, avgWaitMinutes, waitBand (green/orange/red),
 * observedAt (updatedDate with its Noumea offset), stale (observed more than stale-after-minutes
 * before the poll), @timestamp (poll time, UTC), pollId; timestamps in {@link Timestamps}' format
 * </pre>
 * An answer that is not a non-empty JSON array fails the whole poll ({@link InvalidAnswerException});
 * an agency that cannot be read is left out of the readings and put in the exchange property
 * {@value #REJECTED} with the reason, for the dead-letter topic.
 */
public class ReadingNormalizer {
    public static final String REJECTED = "rejectedReadings";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ZoneId apiZone = ZoneId.of("Pacific/Noumea");
    private long greenMaxMinutes = 5;
    private long orangeMaxMinutes = 10;
    private long staleAfterMs = 30 * 60_000;

    public List<Map<String, Object>> normalize(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        String pollId = exchange.getProperty("pollId", String.class);
        Instant pollTime = exchange.getProperty("pollTime", Instant.class);
        JsonNode answer;
        try {
            answer = JSON.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw new InvalidAnswerException("malformed JSON: " + e.getOriginalMessage(), body);
        }
        if (answer == null || !answer.isArray()) {
            throw new InvalidAnswerException("expected a JSON array of agencies, got "
                    + (answer == null ? "nothing" : answer.getNodeType().toString().toLowerCase()), body);
        }
        if (answer.isEmpty()) {
            throw new InvalidAnswerException("the API answered an empty list of agencies", body);
        }
        List<Map<String, Object>> readings = new ArrayList<>();
        List<Map<String, Object>> rejected = new ArrayList<>();
        for (JsonNode agency : answer) {
            try {
                readings.add(toReading(agency, pollId, pollTime));
            } catch (IllegalArgumentException e) {
                JsonNode id = agency.path("idAgence");
                rejected.add(DeadLetter.of("poll-agencies", "unreadable agency: " + e.getMessage(),
                        agency.toString(), pollId, id.isIntegralNumber() && id.canConvertToInt() ? id.asText() : ""));
            }
        }
        exchange.setProperty(REJECTED, rejected);
        return readings;
    }

    Map<String, Object> toReading(JsonNode agency, String pollId, Instant pollTime) {
        if (!agency.isObject()) {
            throw new IllegalArgumentException("the agency is not a JSON object");
        }
        long maxMs = ReadingChecks.millis(agency, "realMaxWaitingTimeMs", "");
        long avgMs = ReadingChecks.millis(agency, "realAvgWaitingTimeMs", "");
        Map<String, Object> reading = new LinkedHashMap<>();
        reading.put("agencyId", ReadingChecks.agencyId(agency, "idAgence", ""));
        reading.put("designation", ReadingChecks.text(agency, "designation", ""));
        reading.put("commune", ReadingChecks.text(agency, "commune", ""));
        reading.put("type", ReadingChecks.text(agency, "type", ""));
        Map<String, Object> position = ReadingChecks.position(agency, "position", "");
        if (position != null) {
            reading.put("position", position);
        }
        reading.put("maxWaitMs", maxMs);
        reading.put("avgWaitMs", avgMs);
        reading.put("maxWaitMinutes", minutes(maxMs));
        reading.put("avgWaitMinutes", minutes(avgMs));
        reading.put("waitBand", band(maxMs));
        OffsetDateTime observed = observedAt(ReadingChecks.text(agency, "updatedDate", ""));
        reading.put("observedAt", Timestamps.of(observed));
        reading.put("stale", ReadingChecks.stale(observed, pollTime, staleAfterMs));
        reading.put("@timestamp", Timestamps.utc(pollTime));
        reading.put("pollId", pollId);
        return reading;
    }

    /** The colour OPT's apps give a wait: green up to 5 min, orange up to 10, red above. */
    String band(long maxMs) {
        if (maxMs <= greenMaxMinutes * 60_000) {
            return "green";
        }
        return maxMs <= orangeMaxMinutes * 60_000 ? "orange" : "red";
    }

    /** updatedDate is Noumea local time without offset: give it its offset (+11:00). */
    OffsetDateTime observedAt(String updatedDate) {
        try {
            OffsetDateTime observed = LocalDateTime.parse(updatedDate).atZone(apiZone).toOffsetDateTime();
            if (observed.getYear() < 1970 || observed.getYear() > 9999) {
                throw new DateTimeParseException("out of range", updatedDate, 0);
            }
            return observed;
        } catch (DateTimeParseException e) {
            throw ReadingChecks.wrong("", "updatedDate", "a local date-time (2026-11-23T09:30:00.000)",
                    com.fasterxml.jackson.databind.node.TextNode.valueOf(updatedDate));
        }
    }

    /** milliseconds as minutes, to the hundredth */
    static double minutes(long millis) {
        return ReadingChecks.minutes(millis);
    }

    public void setApiZone(String apiZone) {
        this.apiZone = ZoneId.of(apiZone);
    }

    public void setGreenMaxMinutes(long greenMaxMinutes) {
        this.greenMaxMinutes = greenMaxMinutes;
    }

    public void setOrangeMaxMinutes(long orangeMaxMinutes) {
        this.orangeMaxMinutes = orangeMaxMinutes;
    }

    /** a reading observed longer than this before its poll is marked stale */
    public void setStaleAfterMinutes(long minutes) {
        this.staleAfterMs = minutes * 60_000;
    }

    long staleAfterMs() {
        return staleAfterMs;
    }
}
