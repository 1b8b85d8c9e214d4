package nc.opt.waits;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP API's threshold requests (routes/http-api.camel.yaml): /thresholds/{scope}/{name} as the
 * key of the compacted thresholds topic, a PUT body as its value; what is wrong, as an
 * IllegalArgumentException whose message the 400 answer gives. The topic's reader is {@link Thresholds}.
 */
public final class ThresholdRequests {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> SCOPES = Set.of("agency", "commune", "type", "default");

    private ThresholdRequests() {
    }

    /**
     * PUT or DELETE /thresholds/{scope}/{name}: the record to publish (header kafka.KEY; body the
     * value, none to remove the key) and, in the property "answer", the answer once published. What
     * is wrong in the request, as an IllegalArgumentException whose message says it to the caller.
     */
    public static void request(Exchange exchange) throws JsonProcessingException {
        Message in = exchange.getMessage();
        String key = key(in.getHeader("scope", String.class), in.getHeader("name", String.class));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("threshold", key);
        if ("DELETE".equalsIgnoreCase(in.getHeader(Exchange.HTTP_METHOD, String.class))) {
            in.setBody(null);
            answer.put("removed", true);
        } else {
            String value = value(in.getBody(String.class));
            in.setBody(value);
            answer.put("value", JSON.readTree(value));
        }
        in.setHeader("kafka.KEY", key);
        exchange.setProperty("answer", JSON.writeValueAsString(answer));
    }

    /** The key to publish for /thresholds/{scope}/{name}, or an IllegalArgumentException. */
    public static String key(String scope, String name) {
        String s = scope == null ? "" : scope.toLowerCase(Locale.ROOT);
        if (!SCOPES.contains(s)) {
            throw new IllegalArgumentException("scope must be one of agency, commune, type, default; got " + scope);
        }
        if ("default".equals(s)) {
            return "default";
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a " + s + " threshold needs a name: /thresholds/" + s + "/{name}");
        }
        if ("agency".equals(s) && !name.matches("\\d+")) {
            throw new IllegalArgumentException("an agency threshold is set by agency id (a number), got " + name);
        }
        return s + ":" + ("agency".equals(s) ? name : name.toUpperCase(Locale.ROOT));
    }

    /** The value to publish for a PUT body, or an IllegalArgumentException. */
    public static String value(String body) {
        String expected = "the body must be {\"maxWaitMinutes\": <a number > 0>}, got ";
        if (body == null || body.isBlank()) {
            throw new IllegalArgumentException(expected + "an empty body");
        }
        String shown = body.length() > 100 ? body.substring(0, 100) + "..." : body;
        JsonNode minutes;
        try {
            minutes = JSON.readTree(body).path("maxWaitMinutes");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(expected + "text that is not JSON: " + shown);
        }
        if (!minutes.isNumber() || minutes.asDouble() <= 0 || !Double.isFinite(minutes.asDouble())) {
            throw new IllegalArgumentException(expected + shown);
        }
        try {
            return JSON.writeValueAsString(Map.of("maxWaitMinutes", minutes.asDouble()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
