package nc.opt.waits;

import org.apache.camel.Exchange;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What goes to the dead-letter topic: the original payload, untouched, with why it was refused,
 * where and when, so that nothing is lost and someone can fix and replay it.
 */
public final class DeadLetter {
    private DeadLetter() {
    }

    /** The whole answer of a poll whose API answer was not a list of agencies. */
    public static Map<String, Object> ofInvalidAnswer(Exchange exchange) {
        InvalidAnswerException invalid =
                exchange.getProperty(Exchange.EXCEPTION_CAUGHT, InvalidAnswerException.class);
        return of("poll-agencies", "invalid API answer: " + invalid.getMessage(), invalid.payload(),
                exchange.getProperty("pollId", String.class), null);
    }

    public static Map<String, Object> of(String source, String reason, String payload, String pollId, String key) {
        Map<String, Object> letter = new LinkedHashMap<>();
        letter.put("source", source);
        letter.put("reason", reason);
        letter.put("failedAt", Timestamps.now());
        letter.put("pollId", pollId);
        letter.put("key", key == null || key.isBlank() ? "unknown" : key);
        letter.put("payload", payload);
        return letter;
    }
}
