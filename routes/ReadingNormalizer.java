package nc.opt.waits;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;

import java.time.Instant;
import java.time.LocalDateTime;
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
 * observedAt (updatedDate as an ISO-8601 instant with its Noumea offset), @timestamp (poll time), pollId
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
            } catch (IllegalArgumentException | DateTimeParseException e) {
                rejected.add(DeadLetter.of("poll-agencies", "unreadable agency: " + e.getMessage(),
                        agency.toString(), pollId, agency.path("idAgence").asText("")));
            }
        }
        exchange.setProperty(REJECTED, rejected);
        return readings;
    }

    Map<String, Object> toReading(JsonNode agency, String pollId, Instant pollTime) {
        if (!agency.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        long maxMs = waitMillis(agency, "realMaxWaitingTimeMs");
        long avgMs = waitMillis(agency, "realAvgWaitingTimeMs");
        Map<String, Object> reading = new LinkedHashMap<>();
        reading.put("agencyId", integer(agency, "idAgence"));
        reading.put("designation", text(agency, "designation"));
        reading.put("commune", text(agency, "commune"));
        reading.put("type", text(agency, "type"));
        JsonNode position = agency.path("position");
        if (!position.isMissingNode() && !position.isNull()) {
            reading.put("position", position(position));
        }
        reading.put("maxWaitMs", maxMs);
        reading.put("avgWaitMs", avgMs);
        reading.put("maxWaitMinutes", minutes(maxMs));
        reading.put("avgWaitMinutes", minutes(avgMs));
        reading.put("waitBand", band(maxMs));
        reading.put("observedAt", observedAt(text(agency, "updatedDate")));
        reading.put("@timestamp", pollTime.toString());
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
    String observedAt(String updatedDate) {
        return LocalDateTime.parse(updatedDate).atZone(apiZone).toOffsetDateTime().toString();
    }

    private static Map<String, Object> position(JsonNode position) {
        JsonNode lat = position.path("lat");
        JsonNode lon = position.path("lon");
        if (!lat.isNumber() || !lon.isNumber() || Math.abs(lat.asDouble()) > 90 || Math.abs(lon.asDouble()) > 180) {
            throw new IllegalArgumentException("position is not {lat, lon} in degrees: " + position);
        }
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("lat", lat.asDouble());
        point.put("lon", lon.asDouble());
        return point;
    }

    private static long waitMillis(JsonNode agency, String field) {
        JsonNode value = agency.path(field);
        if (!value.isIntegralNumber() || value.asLong() < 0) {
            throw new IllegalArgumentException(field + " is not a whole number of milliseconds >= 0: " + value);
        }
        return value.asLong();
    }

    private static int integer(JsonNode agency, String field) {
        JsonNode value = agency.path(field);
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            throw new IllegalArgumentException(field + " is not an integer: " + value);
        }
        return value.asInt();
    }

    private static String text(JsonNode agency, String field) {
        JsonNode value = agency.path(field);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException(field + " is missing or blank: " + value);
        }
        return value.asText();
    }

    /** milliseconds as minutes, to the hundredth */
    static double minutes(long millis) {
        return Math.round(millis / 600.0) / 100.0;
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
}
