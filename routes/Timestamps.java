package nc.opt.waits;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The one format of every timestamp the pipeline writes (CSV, Kafka, OpenSearch, dead letters,
 * alerts): ISO-8601 with seconds and milliseconds always shown, and the offset ("Z" in UTC).
 * Java's own toString() drops zero seconds (09:02+11:00) and shows nanoseconds when it has them.
 */
public final class Timestamps {
    public static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");

    private Timestamps() {
    }

    /** an instant in UTC: 2026-11-22T22:30:05.118Z */
    public static String utc(Instant instant) {
        return FORMAT.format(instant.atOffset(ZoneOffset.UTC));
    }

    /** a date-time with its own offset kept: 2026-11-23T09:02:00.000+11:00 */
    public static String of(OffsetDateTime dateTime) {
        return FORMAT.format(dateTime);
    }

    /** now, in UTC */
    public static String now() {
        return utc(Instant.now());
    }
}
