package nc.opt.waits;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Keeps the poller polite when OPT's API fails: after a failure the next polls are skipped until
 * a delay has passed, doubling at each failure in a row up to a maximum, or exactly the delay the
 * API asked for with Retry-After. A success resets it.
 */
public class PollBackoff {
    private Duration initial = Duration.ofSeconds(30);
    private Duration max = Duration.ofMinutes(5);
    private volatile int failuresInARow;
    private volatile Instant notBefore = Instant.EPOCH;

    /** True while backing off: this tick must not call the API. */
    public boolean isWaiting() {
        return Instant.now().isBefore(notBefore);
    }

    public Instant notBefore() {
        return notBefore;
    }

    public void succeeded() {
        failuresInARow = 0;
        notBefore = Instant.EPOCH;
    }

    /**
     * Records the failure the exchange caught and sets the exchange properties failureKind (a short
     * metric tag), failureReason (one readable line) and retryAt.
     */
    public void failed(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Duration retryAfter = null;
        String kind;
        String reason;
        if (failure instanceof HttpOperationFailedException http) {
            kind = "http_" + http.getStatusCode();
            reason = "HTTP " + http.getStatusCode() + " " + excerpt(http.getResponseBody());
            retryAfter = retryAfter(http.getResponseHeaders() == null ? null : http.getResponseHeaders().get("Retry-After"));
        } else if (failure instanceof InvalidAnswerException invalid) {
            kind = "invalid_answer";
            reason = invalid.getMessage();
        } else if (causedBy(failure, SocketTimeoutException.class)) {
            kind = "timeout";
            reason = "no answer in time (" + failure.getMessage() + ")";
        } else if (causedBy(failure, ConnectException.class) || causedBy(failure, UnknownHostException.class)) {
            kind = "connection";
            reason = "cannot connect (" + failure.getMessage() + ")";
        } else {
            kind = "other";
            reason = failure == null ? "unknown failure" : failure.getClass().getSimpleName() + ": " + failure.getMessage();
        }
        failuresInARow++;
        notBefore = retryAfter != null ? Instant.now().plus(retryAfter)
                : backedOffFrom(exchange.getProperty("pollTime", Instant.now(), Instant.class), exponential(failuresInARow));
        exchange.setProperty("failureKind", kind);
        exchange.setProperty("failureReason", reason);
        exchange.setProperty("retryAt", notBefore.toString());
        exchange.setProperty("failuresInARow", failuresInARow);
    }

    /**
     * The backoff counts from the failed poll's start, not its end: with a delay of one poll period,
     * the next tick polls (a tick may fire a little early, hence the half second) instead of being
     * skipped because the failed call took some time.
     */
    static Instant backedOffFrom(Instant pollStart, Duration delay) {
        return pollStart.plus(delay).minusMillis(500);
    }

    Duration exponential(int failures) {
        long millis = initial.toMillis() << Math.min(failures - 1, 20);
        return millis > max.toMillis() || millis <= 0 ? max : Duration.ofMillis(millis);
    }

    /** Retry-After is either a number of seconds or an HTTP date. */
    static Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(Instant.now(), ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "(no body)";
        }
        String oneLine = body.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }

    public void setInitial(long millis) {
        this.initial = Duration.ofMillis(millis);
    }

    public void setMax(long millis) {
        this.max = Duration.ofMillis(millis);
    }
}
