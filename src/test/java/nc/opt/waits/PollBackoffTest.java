package nc.opt.waits;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PollBackoffTest {
    @Test
    void doublesAtEachFailureInARowUpToTheMaximum() {
        PollBackoff backoff = new PollBackoff();
        backoff.setInitial(30_000);
        backoff.setMax(300_000);
        assertEquals(Duration.ofSeconds(30), backoff.exponential(1));
        assertEquals(Duration.ofSeconds(60), backoff.exponential(2));
        assertEquals(Duration.ofSeconds(240), backoff.exponential(4));
        assertEquals(Duration.ofSeconds(300), backoff.exponential(5));
        assertEquals(Duration.ofSeconds(300), backoff.exponential(500));
    }

    @Test
    void theBackoffCountsFromTheFailedPollsStartSoTheTickAPeriodLaterPolls() {
        java.time.Instant pollStart = java.time.Instant.parse("2026-12-02T17:37:46.000Z");
        java.time.Instant notBefore = PollBackoff.backedOffFrom(pollStart, Duration.ofSeconds(60));
        // the failed call took 793 ms; the next tick, a period after the poll's start, fired 100 ms early
        assertTrue(java.time.Instant.parse("2026-12-02T17:38:45.900Z").isAfter(notBefore));
        // a tick half a period later still waits
        assertTrue(java.time.Instant.parse("2026-12-02T17:38:16.000Z").isBefore(notBefore));
    }

    @Test
    void retryAfterInSecondsOrAsAnHttpDate() {
        assertEquals(Duration.ofSeconds(2), PollBackoff.retryAfter("2"));
        Duration untilDate = PollBackoff.retryAfter(
                ZonedDateTime.now().plusSeconds(90).format(DateTimeFormatter.RFC_1123_DATE_TIME));
        assertTrue(untilDate.toSeconds() >= 85 && untilDate.toSeconds() <= 90, untilDate.toString());
        assertNull(PollBackoff.retryAfter("soon"));
        assertNull(PollBackoff.retryAfter(null));
    }

    @Test
    void aSuccessEndsTheWait() {
        PollBackoff backoff = new PollBackoff();
        assertFalse(backoff.isWaiting());
        backoff.succeeded();
        assertFalse(backoff.isWaiting());
    }
}
