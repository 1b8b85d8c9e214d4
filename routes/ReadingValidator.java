package nc.opt.waits;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Checks readings that arrive in the pipeline's record shape from outside the poller (HTTP ingest,
 * CSV replay) with the poller's checks ({@link ReadingChecks}) and completes what can be derived: the
 * minutes, the colour band, stale, @timestamp and pollId when absent. The first wrong field is named
 * in the error, with the reading's place in the body. Timestamps are written in {@link Timestamps}' format.
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

    public void setStaleAfterMinutes(long minutes) {
        bands.setStaleAfterMinutes(minutes);
    }

    /** A reading, or a list of readings, is wrong: the message says which field and why. */
    public static class InvalidReadingException extends ReadingChecks.InvalidReadingException {
        public InvalidReadingException(String message) {
            super(message);
        }
    }

    /** The JSON answer to a refused request, {"error": message}, from the exception the route caught. */
    public static String error(Exchange exchange) throws JsonProcessingException {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        // only the messages of the project's own checks (readings, thresholds: an IllegalArgumentException
        // naming the field and the reason, maybe wrapped by Camel's bean call) go out; never a class or stack
        while (caught != null && !(caught instanceof IllegalArgumentException) && caught.getCause() != caught) {
            caught = caught.getCause();
        }
        String message = caught != null && caught.getMessage() != null ? caught.getMessage() : "bad request";
        return JSON.writeValueAsString(Map.of("error", message));
    }

    /** One JSON object or an array of them; all valid, or an InvalidReadingException naming the first fault. */
    public List<Map<String, Object>> validateBody(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new InvalidReadingException("the body is not JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (Exception e) {
            throw new InvalidReadingException("the body is not JSON");
        }
        if (root == null || root.isMissingNode() || !(root.isObject() || root.isArray())) {
            throw new InvalidReadingException("the body must be one reading (a JSON object) or an array of readings");
        }
        if (root.isArray() && root.isEmpty()) {
            throw new InvalidReadingException("the array holds no reading");
        }
        String ingestId = "ingest-" + UUID.randomUUID();
        Instant now = Instant.now();
        List<Map<String, Object>> readings = new ArrayList<>();
        int i = 0;
        for (JsonNode node : root.isArray() ? root : List.of(root)) {
            String where = root.isArray() ? "readings[" + i + "]." : "";
            readings.add(validate(node, where, ingestId, now));
            i++;
        }
        return readings;
    }

    /**
     * One reading in the record shape, checked and completed; where prefixes the field names in
     * errors; defaultPollId and now stand in for an absent pollId and @timestamp.
     */
    public Map<String, Object> validate(JsonNode node, String where, String defaultPollId, Instant now) {
        if (!node.isObject()) {
            throw new InvalidReadingException((where.isEmpty() ? "the reading" : where.substring(0, where.length() - 1))
                    + " must be a JSON object");
        }
        Map<String, Object> reading = new LinkedHashMap<>();
        reading.put("agencyId", ReadingChecks.agencyId(node, "agencyId", where));
        for (String field : List.of("designation", "commune", "type")) {
            reading.put(field, ReadingChecks.text(node, field, where));
        }
        Map<String, Object> position = ReadingChecks.position(node, "position", where);
        if (position != null) {
            reading.put("position", position);
        }
        long maxMs = ReadingChecks.millis(node, "maxWaitMs", where);
        long avgMs = ReadingChecks.millis(node, "avgWaitMs", where);
        reading.put("maxWaitMs", maxMs);
        reading.put("avgWaitMs", avgMs);
        reading.put("maxWaitMinutes", ReadingChecks.minutes(maxMs));
        reading.put("avgWaitMinutes", ReadingChecks.minutes(avgMs));
        reading.put("waitBand", bands.band(maxMs));
        OffsetDateTime observed = ReadingChecks.dateTime(node, "observedAt", where, true);
        OffsetDateTime polled = ReadingChecks.dateTime(node, "@timestamp", where, false);
        Instant pollTime = polled == null ? now : polled.toInstant();
        Boolean stale = ReadingChecks.bool(node, "stale", where);
        reading.put("observedAt", Timestamps.of(observed));
        reading.put("stale", stale != null ? stale : ReadingChecks.stale(observed, pollTime, bands.staleAfterMs()));
        reading.put("@timestamp", Timestamps.utc(pollTime));
        JsonNode pollId = node.path("pollId");
        if (!pollId.isMissingNode() && !pollId.isNull() && !(pollId.isTextual() && pollId.asText().length() <= 100)) {
            throw ReadingChecks.wrong(where, "pollId", "a string of at most 100 characters", pollId);
        }
        reading.put("pollId", pollId.isTextual() && !pollId.asText().isBlank() ? pollId.asText() : defaultPollId);
        return reading;
    }
}
