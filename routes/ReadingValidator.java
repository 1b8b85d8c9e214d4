package nc.opt.waits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Checks readings that arrive in the pipeline's record shape from outside the poller (HTTP ingest,
 * CSV replay) and completes what can be derived: the minutes, the colour band, @timestamp and pollId
 * when absent. The first wrong field is named in the error, with the reading's place in the body.
 */
public class ReadingValidator {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ReadingNormalizer bands = new ReadingNormalizer();

    public void setGreenMaxMinutes(long minutes) {
        bands.setGreenMaxMinutes(minutes);
    }

    public void setOrangeMaxMinutes(long minutes) {
        bands.setOrangeMaxMinutes(minutes);
    }

    /** A reading, or a list of readings, is wrong: the message says which field and why. */
    public static class InvalidReadingException extends IllegalArgumentException {
        public InvalidReadingException(String message) {
            super(message);
        }
    }

    /** The JSON answer to a refused request: {"error": message}. */
    public static String error(String message) throws com.fasterxml.jackson.core.JsonProcessingException {
        return JSON.writeValueAsString(Map.of("error", message == null ? "bad request" : message));
    }

    /** One JSON object or an array of them; all valid, or an InvalidReadingException naming the first fault. */
    public List<Map<String, Object>> validateBody(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body == null ? "" : body);
        } catch (Exception e) {
            throw new InvalidReadingException("the body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !(root.isObject() || root.isArray())) {
            throw new InvalidReadingException("the body must be one reading (a JSON object) or an array of readings");
        }
        if (root.isArray() && root.isEmpty()) {
            throw new InvalidReadingException("the array holds no reading");
        }
        String ingestId = "ingest-" + UUID.randomUUID();
        List<Map<String, Object>> readings = new ArrayList<>();
        int i = 0;
        for (JsonNode node : root.isArray() ? root : List.of(root)) {
            String where = root.isArray() ? "readings[" + i + "]." : "";
            readings.add(validate(node, where, ingestId));
            i++;
        }
        return readings;
    }

    /** One reading in the record shape, completed; where prefixes the field names in errors. */
    public Map<String, Object> validate(JsonNode node, String where, String defaultPollId) {
        if (!node.isObject()) {
            throw new InvalidReadingException(where + " must be a JSON object");
        }
        Map<String, Object> reading = new LinkedHashMap<>();
        JsonNode id = node.path("agencyId");
        if (!id.canConvertToInt() || !id.isIntegralNumber() || id.asInt() <= 0) {
            throw new InvalidReadingException(where + "agencyId must be a positive whole number, got " + id);
        }
        reading.put("agencyId", id.asInt());
        for (String field : List.of("designation", "commune", "type")) {
            JsonNode text = node.path(field);
            if (!text.isTextual() || text.asText().isBlank()) {
                throw new InvalidReadingException(where + field + " must be a non-empty string, got " + text);
            }
            reading.put(field, text.asText());
        }
        JsonNode position = node.path("position");
        if (!position.isMissingNode() && !position.isNull()) {
            JsonNode lat = position.path("lat");
            JsonNode lon = position.path("lon");
            if (!lat.isNumber() || !lon.isNumber() || Math.abs(lat.asDouble()) > 90 || Math.abs(lon.asDouble()) > 180) {
                throw new InvalidReadingException(where + "position must be {\"lat\": -90..90, \"lon\": -180..180}, got " + position);
            }
            reading.put("position", Map.of("lat", lat.asDouble(), "lon", lon.asDouble()));
        }
        long maxMs = millis(node, "maxWaitMs", where);
        long avgMs = millis(node, "avgWaitMs", where);
        reading.put("maxWaitMs", maxMs);
        reading.put("avgWaitMs", avgMs);
        reading.put("maxWaitMinutes", ReadingNormalizer.minutes(maxMs));
        reading.put("avgWaitMinutes", ReadingNormalizer.minutes(avgMs));
        reading.put("waitBand", bands.band(maxMs));
        reading.put("observedAt", dateTime(node, "observedAt", where, true));
        String timestamp = dateTime(node, "@timestamp", where, false);
        reading.put("@timestamp", timestamp == null ? Instant.now().toString() : timestamp);
        JsonNode pollId = node.path("pollId");
        reading.put("pollId", pollId.isTextual() && !pollId.asText().isBlank() ? pollId.asText() : defaultPollId);
        return reading;
    }

    private static long millis(JsonNode node, String field, String where) {
        JsonNode value = node.path(field);
        if (!value.isIntegralNumber() || value.asLong() < 0) {
            throw new InvalidReadingException(where + field + " must be a whole number of milliseconds >= 0, got " + value);
        }
        return value.asLong();
    }

    private static String dateTime(JsonNode node, String field, String where, boolean required) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() && !required) {
            return null;
        }
        try {
            OffsetDateTime.parse(value.asText());
            return value.asText();
        } catch (DateTimeParseException e) {
            throw new InvalidReadingException(where + field + " must be an ISO-8601 date-time with an offset"
                    + " (2026-11-23T09:30:00+11:00), got " + value);
        }
    }
}
