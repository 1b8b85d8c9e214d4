package nc.opt.waits;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The field checks of a reading, one set for the poller (OPT's field names), the HTTP ingest and
 * the CSV replay (the record's names). Each refusal names the field and the reason: "is missing",
 * or what it must be and what it got (cut to 80 characters, so a huge value makes no huge message).
 */
public final class ReadingChecks {
    private static final int SHOWN = 80;
    /** the longest designation, commune or type taken (OPT's are under 60 characters) */
    static final int MAX_TEXT = 200;

    private ReadingChecks() {
    }

    /** A reading is wrong: the message names the field and the reason. */
    public static class InvalidReadingException extends IllegalArgumentException {
        public InvalidReadingException(String message) {
            super(message);
        }
    }

    /** a whole number > 0 that fits an int (an agency id) */
    public static int agencyId(JsonNode node, String field, String where) {
        JsonNode value = present(node, field, where);
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() <= 0) {
            throw wrong(where, field, "a positive whole number", value);
        }
        return value.asInt();
    }

    /** a whole number of milliseconds >= 0 that fits a long */
    public static long millis(JsonNode node, String field, String where) {
        JsonNode value = present(node, field, where);
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw wrong(where, field, "a whole number of milliseconds >= 0", value);
        }
        return value.asLong();
    }

    /** a non-blank string of at most 200 characters of well-formed unicode */
    public static String text(JsonNode node, String field, String where) {
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

    /** {lat, lon} in degrees, or null when the field is absent or null */
    public static Map<String, Object> position(JsonNode node, String field, String where) {
        JsonNode position = node.path(field);
        if (position.isMissingNode() || position.isNull()) {
            return null;
        }
        JsonNode lat = position.path("lat");
        JsonNode lon = position.path("lon");
        if (!position.isObject() || !lat.isNumber() || !lon.isNumber()
                || !(Math.abs(lat.asDouble()) <= 90) || !(Math.abs(lon.asDouble()) <= 180)) {
            throw wrong(where, field, "{\"lat\": -90..90, \"lon\": -180..180}", position);
        }
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("lat", lat.asDouble());
        point.put("lon", lon.asDouble());
        return point;
    }

    /** an ISO-8601 date-time with an offset, years 1970 to 9999; null when absent and not required */
    public static OffsetDateTime dateTime(JsonNode node, String field, String where, boolean required) {
        if (!required && (node.path(field).isMissingNode() || node.path(field).isNull())) {
            return null;
        }
        JsonNode value = present(node, field, where);
        String reason = "an ISO-8601 date-time with an offset (2026-11-23T09:30:00.000+11:00)";
        if (!value.isTextual()) {
            throw wrong(where, field, reason, value);
        }
        try {
            OffsetDateTime dateTime = OffsetDateTime.parse(value.asText());
            if (dateTime.getYear() < 1970 || dateTime.getYear() > 9999) {
                throw wrong(where, field, "a date-time of the years 1970 to 9999", value);
            }
            return dateTime;
        } catch (DateTimeParseException e) {
            throw wrong(where, field, reason, value);
        }
    }

    /** true or false; null when absent */
    public static Boolean bool(JsonNode node, String field, String where) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw wrong(where, field, "true or false", value);
        }
        return value.asBoolean();
    }

    /** stale: observed more than staleAfterMs before the poll */
    public static boolean stale(OffsetDateTime observedAt, Instant pollTime, long staleAfterMs) {
        return observedAt.toInstant().isBefore(pollTime.minusMillis(staleAfterMs));
    }

    /** milliseconds as minutes, to the hundredth */
    public static double minutes(long millis) {
        return Math.round(millis / 600.0) / 100.0;
    }

    private static JsonNode present(JsonNode node, String field, String where) {
        JsonNode value = node.path(field);
        if (value.isMissingNode()) {
            throw new InvalidReadingException(where + field + " is missing");
        }
        return value;
    }

    static InvalidReadingException wrong(String where, String field, String mustBe, JsonNode got) {
        return new InvalidReadingException(where + field + " must be " + mustBe + ", got " + shown(got));
    }

    /** a value as JSON, cut to a readable length */
    static String shown(JsonNode value) {
        String text = value.toString();
        if (text.length() <= SHOWN) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(SHOWN - 1)) ? SHOWN - 1 : SHOWN; // never half a character
        return text.substring(0, end) + "... (" + text.length() + " characters)";
    }
}
