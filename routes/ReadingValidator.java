package nc.opt.waits;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
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
import java.util.UUID;

/**
 * The one set of checks of a reading, for its three sources: {@link #normalize} takes an answer of
 * OPT's {@code GET /agences} (the poller; OPT's field names), {@link #validateBody} and {@link #validate}
 * readings in the record shape (HTTP ingest, CSV replay). Both give the record that CSV, Kafka and
 * OpenSearch share:
 * <pre>
 * agencyId, designation, commune, type, position {lat, lon} (absent when unknown),
 * maxWaitMs, avgWaitMs, maxWaitMinutes, avgWaitMinutes, waitBand (green/orange/red),
 * observedAt (with its offset), stale (observed more than stale-after-minutes before the poll),
 * @timestamp (poll time, UTC), pollId; timestamps in {@link Timestamps}' format
 * </pre>
 * Each refusal names the field and the reason: "is missing", or what it must be and what it got (cut to
 * 80 characters). An API answer that is not a non-empty JSON array fails the whole poll ({@link
 * InvalidAnswerException}); an agency that cannot be read is left out, with the reason, in the exchange
 * property {@value #REJECTED}, for the dead-letter topic. A record may leave out stale, @timestamp, pollId.
 */
public class ReadingValidator {
    public static final String REJECTED = "rejectedReadings";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SHOWN = 80;
    /** the longest designation, commune or type taken (OPT's are under 60 characters) */
    static final int MAX_TEXT = 200;

    private ZoneId apiZone = ZoneId.of("Pacific/Noumea");
    private long greenMaxMinutes = 5;
    private long orangeMaxMinutes = 10;
    private long staleAfterMs = 30 * 60_000;

    /** A reading is wrong: the message names the field and the reason. */
    public static class InvalidReadingException extends IllegalArgumentException {
        public InvalidReadingException(String message) {
            super(message);
        }
    }

    /** The poller's readings from the API answer in the body; the agencies it cannot read in property REJECTED. */
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
        for (JsonNode node : root.isArray() ? root : List.of(root)) {
            readings.add(validate(node, root.isArray() ? "readings[" + readings.size() + "]." : "", ingestId, now));
        }
        return readings;
    }

    /** One agency of the API answer as a reading of the poll. */
    Map<String, Object> toReading(JsonNode agency, String pollId, Instant pollTime) {
        return reading(agency, true, "", pollId, pollTime);
    }

    /**
     * One reading in the record shape, checked and completed; where prefixes the field names in
     * errors; defaultPollId and now stand in for an absent pollId and @timestamp.
     */
    public Map<String, Object> validate(JsonNode node, String where, String defaultPollId, Instant now) {
        return reading(node, false, where, defaultPollId, now);
    }

    /**
     * The checks, the first wrong field named. api: an agency of OPT's answer, with its field names
     * (idAgence, realMaxWaitingTimeMs, realAvgWaitingTimeMs, updatedDate: Noumea time without offset)
     * and no stale, @timestamp or pollId of its own; otherwise a record.
     */
    private Map<String, Object> reading(JsonNode node, boolean api, String where, String pollId, Instant now) {
        if (!node.isObject()) {
            throw new InvalidReadingException(api ? "the agency is not a JSON object"
                    : (where.isEmpty() ? "the reading" : where.substring(0, where.length() - 1)) + " must be a JSON object");
        }
        Map<String, Object> reading = new LinkedHashMap<>();
        JsonNode id = present(node, api ? "idAgence" : "agencyId", where);
        if (!id.isIntegralNumber() || !id.canConvertToInt() || id.asInt() <= 0) {
            throw wrong(where, api ? "idAgence" : "agencyId", "a positive whole number", id);
        }
        reading.put("agencyId", id.asInt());
        for (String field : List.of("designation", "commune", "type")) {
            reading.put(field, text(node, field, where));
        }
        JsonNode position = node.path("position");
        if (!isAbsent(position)) {
            JsonNode lat = position.path("lat");
            JsonNode lon = position.path("lon");
            if (!position.isObject() || !lat.isNumber() || !lon.isNumber()
                    || !(Math.abs(lat.asDouble()) <= 90) || !(Math.abs(lon.asDouble()) <= 180)) {
                throw wrong(where, "position", "{\"lat\": -90..90, \"lon\": -180..180}", position);
            }
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("lat", lat.asDouble());
            point.put("lon", lon.asDouble());
            reading.put("position", point);
        }
        long maxMs = millis(node, api ? "realMaxWaitingTimeMs" : "maxWaitMs", where);
        long avgMs = millis(node, api ? "realAvgWaitingTimeMs" : "avgWaitMs", where);
        reading.put("maxWaitMs", maxMs);
        reading.put("avgWaitMs", avgMs);
        reading.put("maxWaitMinutes", Math.round(maxMs / 600.0) / 100.0);
        reading.put("avgWaitMinutes", Math.round(avgMs / 600.0) / 100.0);
        reading.put("waitBand", band(maxMs));
        OffsetDateTime observed = api ? observedAt(text(node, "updatedDate", "")) : dateTime(node, "observedAt", where);
        OffsetDateTime polled = api || isAbsent(node.path("@timestamp")) ? null : dateTime(node, "@timestamp", where);
        Instant pollTime = polled == null ? now : polled.toInstant();
        JsonNode stale = api ? MissingNode.getInstance() : node.path("stale");
        if (!isAbsent(stale) && !stale.isBoolean()) {
            throw wrong(where, "stale", "true or false", stale);
        }
        reading.put("observedAt", Timestamps.of(observed));
        reading.put("stale", stale.isBoolean() ? stale.asBoolean() : observed.toInstant().isBefore(pollTime.minusMillis(staleAfterMs)));
        reading.put("@timestamp", Timestamps.utc(pollTime));
        JsonNode ownPollId = api ? MissingNode.getInstance() : node.path("pollId");
        if (!isAbsent(ownPollId) && !(ownPollId.isTextual() && ownPollId.asText().length() <= 100)) {
            throw wrong(where, "pollId", "a string of at most 100 characters", ownPollId);
        }
        reading.put("pollId", ownPollId.isTextual() && !ownPollId.asText().isBlank() ? ownPollId.asText() : pollId);
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
        OffsetDateTime observed = null;
        try {
            observed = LocalDateTime.parse(updatedDate).atZone(apiZone).toOffsetDateTime();
        } catch (DateTimeParseException e) {
            // refused below
        }
        if (observed == null || !ofOurYears(observed)) {
            throw wrong("", "updatedDate", "a local date-time (2026-11-23T09:30:00.000)", TextNode.valueOf(updatedDate));
        }
        return observed;
    }

    /** an ISO-8601 date-time with an offset, years 1970 to 9999 */
    private static OffsetDateTime dateTime(JsonNode node, String field, String where) {
        JsonNode value = present(node, field, where);
        OffsetDateTime dateTime = null;
        try {
            dateTime = value.isTextual() ? OffsetDateTime.parse(value.asText()) : null;
        } catch (DateTimeParseException e) {
            // refused below
        }
        if (dateTime == null) {
            throw wrong(where, field, "an ISO-8601 date-time with an offset (2026-11-23T09:30:00.000+11:00)", value);
        }
        if (!ofOurYears(dateTime)) {
            throw wrong(where, field, "a date-time of the years 1970 to 9999", value);
        }
        return dateTime;
    }

    private static boolean ofOurYears(OffsetDateTime dateTime) {
        return dateTime.getYear() >= 1970 && dateTime.getYear() <= 9999;
    }

    /** a whole number of milliseconds >= 0 that fits a long */
    private static long millis(JsonNode node, String field, String where) {
        JsonNode value = present(node, field, where);
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw wrong(where, field, "a whole number of milliseconds >= 0", value);
        }
        return value.asLong();
    }

    /** a non-blank string of at most 200 characters of well-formed unicode */
    private static String text(JsonNode node, String field, String where) {
        JsonNode value = present(node, field, where);
        if (!value.isTextual() || value.asText().isBlank() || value.asText().length() > MAX_TEXT
                || !wellFormed(value.asText())) {
            throw wrong(where, field, "a non-empty string of at most " + MAX_TEXT + " characters", value);
        }
        return value.asText();
    }

    /** no half of a surrogate pair alone (JSON's \\ud800 escapes allow it; no UTF-8 encoder does) */
    static boolean wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAbsent(JsonNode value) {
        return value.isMissingNode() || value.isNull();
    }

    private static JsonNode present(JsonNode node, String field, String where) {
        JsonNode value = node.path(field);
        if (value.isMissingNode()) {
            throw new InvalidReadingException(where + field + " is missing");
        }
        return value;
    }

    private static InvalidReadingException wrong(String where, String field, String mustBe, JsonNode got) {
        String shown = got.toString();
        if (shown.length() > SHOWN) { // cut, never in the middle of a character
            int end = Character.isHighSurrogate(shown.charAt(SHOWN - 1)) ? SHOWN - 1 : SHOWN;
            shown = shown.substring(0, end) + "... (" + shown.length() + " characters)";
        }
        return new InvalidReadingException(where + field + " must be " + mustBe + ", got " + shown);
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
}
