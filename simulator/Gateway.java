package nc.opt.waits.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * What OPT's Apigee gateway does in front of the API: the x-apikey check (401), JSON answers, and,
 * on demand, the faults a client must survive. POST /_sim/faults?type=T&count=N arms the next N
 * answers with fault T:
 * <ul>
 *   <li>{@code 500}: HTTP 500 with an Apigee fault body;</li>
 *   <li>{@code 429}: HTTP 429 with a Retry-After header (spike arrest);</li>
 *   <li>{@code 400}: HTTP 400 with an Apigee OASValidation fault body;</li>
 *   <li>{@code slow}: the right answer, but later than a client's timeout;</li>
 *   <li>{@code malformed}: HTTP 200 with JSON cut in the middle;</li>
 *   <li>{@code empty}: HTTP 200 with an empty array;</li>
 *   <li>{@code bad-reading}: HTTP 200, but the first agency's max wait is not a number;</li>
 *   <li>{@code formula}: HTTP 200, the first agency's designation looks like a spreadsheet formula.</li>
 * </ul>
 * And one fault of an agency rather than of an answer, until DELETE: POST /_sim/faults?type=frozen&agency=ID
 * freezes that agency as its kiosk stopped reporting: its updatedDate and waits stay those of the
 * next answer, whatever the clock.
 */
public class Gateway {
    static final List<String> FAULTS = List.of("500", "429", "400", "slow", "malformed", "empty", "bad-reading", "formula");
    static final String FORMULA = "=HYPERLINK(\"https://example.invalid\",\"Agence\")";
    static final String ANSWERED = "answeredByGateway";
    static final List<String> FROZEN_FIELDS = List.of("realMaxWaitingTimeMs", "realAvgWaitingTimeMs", "updatedDate");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConcurrentLinkedDeque<String> armed = new ConcurrentLinkedDeque<>();
    /** frozen agencies (idAgence) and their frozen fields, empty until the first answer after the freeze */
    private final Map<String, Map<String, Object>> frozen = new ConcurrentHashMap<>();
    private String apiKey = "";
    private long slowMillis = 15_000;
    private int retryAfterSeconds = 2;

    /**
     * Answers in place of the API (and sets the exchange property answeredByGateway) on a bad key or an
     * armed HTTP-error fault; sleeps first on an armed "slow" fault.
     */
    public void guard(Exchange exchange) throws InterruptedException {
        exchange.setProperty(ANSWERED, refuse(exchange.getMessage()));
    }

    private boolean refuse(Message in) throws InterruptedException {
        if (!apiKey.isEmpty() && !apiKey.equals(in.getHeader("x-apikey", String.class))) {
            respond(in, 401, fault("Invalid ApiKey", "oauth.v2.InvalidApiKey"));
            return true;
        }
        String next = armed.peek();
        if (next == null) {
            return false;
        }
        switch (next) {
            case "500" -> respond(in, 500, fault("Internal Server Error", "messaging.adaptors.http.flow.InternalServerError"));
            case "429" -> {
                in.setHeader("Retry-After", String.valueOf(retryAfterSeconds));
                respond(in, 429, fault("Spike arrest violation. Allowed rate : MessageRate{messagesPerPeriod=10, periodInMicroseconds=60000000}",
                        "policies.ratelimit.SpikeArrestViolation"));
            }
            case "400" -> respond(in, 400, fault("OASValidation OAS-Validation-Agences with resource \"/agences\": failed with reason:"
                    + " \"[ERROR - Instance type (string) does not match any allowed primitive type]\"", "steps.oasvalidation.Failed"));
            case "slow" -> {
                armed.poll();
                Thread.sleep(slowMillis);
                return false;
            }
            default -> {
                return false; // a fault of the answer's body: see answer()
            }
        }
        armed.poll();
        return true;
    }

    /** Writes the body as the API's JSON answer (404 when there is none), after any armed body fault. */
    @SuppressWarnings("unchecked")
    public void answer(Exchange exchange) throws JsonProcessingException {
        Message in = exchange.getMessage();
        Object body = in.getBody();
        if (body == null) {
            respond(in, 404, fault("Agency " + in.getHeader("id") + " not found", "agency.NotFound"));
            return;
        }
        if (body instanceof List<?> list) {
            list.forEach(this::freeze);
        } else {
            freeze(body);
        }
        String json = JSON.writeValueAsString(body);
        String next = armed.peek();
        if (next != null && List.of("malformed", "empty", "bad-reading", "formula").contains(next)) {
            armed.poll();
            List<Map<String, Object>> agencies = body instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
            json = switch (next) {
                case "malformed" -> json.substring(0, json.length() / 2);
                case "empty" -> "[]";
                case "bad-reading" -> JSON.writeValueAsString(changeFirst(agencies, "realMaxWaitingTimeMs", "n/a"));
                default -> JSON.writeValueAsString(changeFirst(agencies, "designation", FORMULA));
            };
        }
        in.setHeader(Exchange.CONTENT_TYPE, "application/json");
        in.setBody(json);
    }

    /** a frozen agency's answer keeps the updatedDate and waits it had when first answered frozen */
    @SuppressWarnings("unchecked")
    private void freeze(Object agency) {
        if (!(agency instanceof Map<?, ?>) || frozen.isEmpty()) {
            return;
        }
        Map<String, Object> fields = (Map<String, Object>) agency;
        Map<String, Object> kept = frozen.get(String.valueOf(fields.get("idAgence")));
        if (kept == null) {
            return;
        }
        synchronized (kept) {
            for (String field : FROZEN_FIELDS) {
                if (kept.containsKey(field)) {
                    fields.put(field, kept.get(field));
                } else {
                    kept.put(field, fields.get(field));
                }
            }
        }
    }

    /** POST /_sim/faults?type=T&count=N (or type=frozen&agency=ID), DELETE /_sim/faults, GET /_sim/faults */
    public Map<String, Object> admin(Exchange exchange) {
        Message in = exchange.getMessage();
        String method = in.getHeader(Exchange.HTTP_METHOD, "GET", String.class).toUpperCase(Locale.ROOT);
        if ("DELETE".equals(method)) {
            armed.clear();
            frozen.clear();
        } else if ("POST".equals(method) && "frozen".equals(in.getHeader("type", String.class))) {
            String agency = in.getHeader("agency", String.class);
            if (agency == null || !agency.matches("\\d+")) {
                in.setHeader(Exchange.HTTP_RESPONSE_CODE, 400);
                return Map.of("error", "the frozen fault needs the agency to freeze: type=frozen&agency=<idAgence>");
            }
            frozen.putIfAbsent(agency, new LinkedHashMap<>());
        } else if ("POST".equals(method)) {
            String type = in.getHeader("type", String.class);
            if (!FAULTS.contains(type)) {
                in.setHeader(Exchange.HTTP_RESPONSE_CODE, 400);
                return Map.of("error", "unknown fault type '" + type + "'", "types", FAULTS);
            }
            int count = in.getHeader("count", 1, Integer.class);
            for (int i = 0; i < count; i++) {
                armed.add(type);
            }
        }
        return Map.of("armed", new ArrayList<>(armed), "frozen", new ArrayList<>(new TreeSet<>(frozen.keySet())));
    }

    private static List<Map<String, Object>> changeFirst(List<Map<String, Object>> agencies, String field, Object value) {
        List<Map<String, Object>> changed = new ArrayList<>(agencies);
        if (!changed.isEmpty()) {
            Map<String, Object> first = new LinkedHashMap<>(changed.get(0));
            first.put(field, value);
            changed.set(0, first);
        }
        return changed;
    }

    private static void respond(Message in, int status, String body) {
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        in.setHeader(Exchange.CONTENT_TYPE, "application/json");
        in.setBody(body);
    }

    private static String fault(String faultString, String errorCode) {
        try {
            return JSON.writeValueAsString(Map.of("fault", Map.of("faultstring", faultString, "detail", Map.of("errorcode", errorCode))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public void setApiKey(String apiKey) {
        this.apiKey = apiKey == null ? "" : apiKey.trim();
    }

    public void setSlowMillis(long slowMillis) {
        this.slowMillis = slowMillis;
    }

    public void setRetryAfterSeconds(int retryAfterSeconds) {
        this.retryAfterSeconds = retryAfterSeconds;
    }
}
