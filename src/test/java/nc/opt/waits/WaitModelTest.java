package nc.opt.waits;

import nc.opt.waits.simulator.SimClock;
import nc.opt.waits.simulator.WaitModel;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The simulator's waits follow the real rhythm. */
class WaitModelTest {
    final WaitModel model = new WaitModel(2026);

    static Instant noumea(String local) {
        return LocalDateTime.parse(local).atZone(SimClock.NOUMEA).toInstant();
    }

    @Test
    void zeroOutsideOpeningHours() {
        for (String closed : new String[] {"2026-11-23T07:40:00", "2026-11-23T15:35:00", "2026-11-28T10:00:00", "2026-11-29T10:00:00"}) {
            assertEquals(0, model.waitAt(4313, 1.5, noumea(closed)).maxMs(), closed);
        }
    }

    @Test
    void refreshedEveryTwoMinutes() {
        WaitModel.Wait first = model.waitAt(4313, 1.0, noumea("2026-11-23T10:00:50"));
        WaitModel.Wait sameSlot = model.waitAt(4313, 1.0, noumea("2026-11-23T10:01:30"));
        assertEquals(first, sameSlot);
        WaitModel.Wait later = model.waitAt(4313, 1.0, noumea("2026-11-23T10:10:00"));
        assertTrue(later.updated().isAfter(first.updated()));
    }

    @Test
    void typicalDailyPeakIsTwentyToTwentyFiveMinutes() {
        // a typical agency (load 1), every Monday-Friday of four weeks: the day's highest max wait
        double sum = 0;
        int days = 0;
        for (int day = 0; day < 28; day++) {
            LocalDateTime date = LocalDateTime.parse("2026-11-02T07:45:00").plusDays(day);
            if (date.getDayOfWeek().getValue() > 5) {
                continue;
            }
            long peak = 0;
            for (LocalDateTime t = date; t.getHour() < 16; t = t.plusMinutes(2)) {
                peak = Math.max(peak, model.waitAt(4313, 1.0, noumea(t.toString())).maxMs());
            }
            sum += peak / 60_000.0;
            days++;
        }
        double meanPeak = sum / days;
        assertTrue(meanPeak >= 20 && meanPeak <= 27, "mean daily peak " + meanPeak + " min");
    }
}
