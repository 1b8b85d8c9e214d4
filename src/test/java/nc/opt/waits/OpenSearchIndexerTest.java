package nc.opt.waits;

import org.junit.jupiter.api.Test;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OpenSearchIndexerTest {

    @Test
    void observationTimesAreReadAsJavaTimeReadsThem() {
        SplittableRandom random = new SplittableRandom(2026);
        List<ZoneOffset> offsets = List.of(ZoneOffset.UTC, ZoneOffset.ofHours(11), ZoneOffset.ofHours(-10),
                ZoneOffset.ofHoursMinutes(5, 30), ZoneOffset.ofHoursMinutes(-3, -30), ZoneOffset.ofHours(14), ZoneOffset.ofHours(-12));
        List<ChronoUnit> precisions = List.of(ChronoUnit.MINUTES, ChronoUnit.SECONDS, ChronoUnit.MILLIS, ChronoUnit.MICROS, ChronoUnit.NANOS);
        for (int i = 0; i < 100_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-2_000_000_000L, 4_000_000_000L), random.nextInt(1_000_000_000))
                    .truncatedTo(precisions.get(random.nextInt(precisions.size())));
            OffsetDateTime time = instant.atOffset(offsets.get(random.nextInt(offsets.size())));
            // toString drops zero seconds and trailing zeros of the fraction; the formatter keeps the seconds
            for (String text : List.of(time.toString(), DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time))) {
                assertEquals(OffsetDateTime.parse(text).toInstant(), OpenSearchIndexer.instant(text), text);
            }
        }
        // shapes the hand-written path leaves to java.time
        for (String text : List.of("2026-11-23t08:00:00+11:00", "2026-11-23T08:00:00+11:00:00", "+12026-11-23T08:00:00Z",
                "2026-11-23T08:00:00.+11:00")) {
            assertEquals(OffsetDateTime.parse(text).toInstant(), OpenSearchIndexer.instant(text), text);
        }
    }

    @Test
    void invalidObservationTimesAreRefusedAsJavaTimeRefusesThem() {
        for (String text : List.of("2026-02-30T08:00:00+11:00", "2026-13-01T08:00:00+11:00", "2026-11-23T24:00:00+11:00",
                "2026-11-23T08:60:00+11:00", "2026-11-23T08:00:60+11:00", "2026-11-23T08:00:00",
                "2026-11-23T08:00:00.1234567890+11:00", "2026-11-23T08:00:00+19:00", "2026-11-23T08:00:00+1100",
                "2026-11-23T08:0:00+11:00", "2026-11-23 08:00:00+11:00", "2026-11-23T08:00:00+11:00x", "not a time")) {
            assertThrows(DateTimeException.class, () -> OffsetDateTime.parse(text), "java.time refuses " + text);
            assertThrows(DateTimeException.class, () -> OpenSearchIndexer.instant(text), text);
        }
    }
}
