package nc.opt.waits.simulator;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.SplittableRandom;

/**
 * How long people wait at an agency, at a given time, the way OPT's kiosks report it:
 * refreshed every 2 minutes, 0 outside Monday-Friday 07:45-15:30 (Noumea time), a morning and an
 * early-afternoon peak reaching 20-25 minutes at a typical agency, and rare outliers over 80.
 * Deterministic: the same seed, agency and 2-minute slot always give the same wait.
 */
public final class WaitModel {
    public static final long REFRESH_SECONDS = 120;
    static final LocalTime OPENS = LocalTime.of(7, 45);
    static final LocalTime CLOSES = LocalTime.of(15, 30);
    static final double TYPICAL_PEAK_MINUTES = 20.0;
    static final double OUTLIER_CHANCE = 0.0001;

    /** One reading: max and average wait in ms, and when the kiosk pushed it. */
    public record Wait(long maxMs, long avgMs, LocalDateTime updated) {
    }

    private final long seed;

    public WaitModel(long seed) {
        this.seed = seed;
    }

    public Wait waitAt(int agencyId, double load, Instant now) {
        // each agency pushes at its own moment within a 2-minute slot; before that, the previous push shows
        long slot = Math.floorDiv(now.getEpochSecond(), REFRESH_SECONDS);
        if (pushedAt(agencyId, slot).isAfter(now)) {
            slot--;
        }
        Instant pushed = pushedAt(agencyId, slot);
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + agencyId * 7_919L + slot);
        LocalDateTime local = LocalDateTime.ofInstant(pushed, SimClock.NOUMEA);
        if (!isOpen(local)) {
            return new Wait(0, 0, local);
        }
        double minutes = random.nextDouble() < OUTLIER_CHANCE
                ? 80 + random.nextDouble() * 20
                : TYPICAL_PEAK_MINUTES * load * dailyShape(local.toLocalTime()) * (0.85 + random.nextDouble() * 0.3);
        long maxMs = Math.round(minutes * 60_000);
        long avgMs = Math.round(maxMs * (0.45 + random.nextDouble() * 0.25));
        return new Wait(maxMs, avgMs, local);
    }

    private Instant pushedAt(int agencyId, long slot) {
        long second = Math.floorMod(agencyId * 37L, REFRESH_SECONDS);
        long millis = new SplittableRandom(seed + agencyId * 31L + slot).nextInt(1000);
        return Instant.ofEpochSecond(slot * REFRESH_SECONDS + second, millis * 1_000_000L);
    }

    public static boolean isOpen(LocalDateTime local) {
        DayOfWeek day = local.getDayOfWeek();
        LocalTime time = local.toLocalTime();
        return day != DayOfWeek.SATURDAY && day != DayOfWeek.SUNDAY
                && !time.isBefore(OPENS) && time.isBefore(CLOSES);
    }

    /** 0..1: quiet at opening, a peak around 09:30 and a second one around 13:00. */
    static double dailyShape(LocalTime time) {
        double hour = time.toSecondOfDay() / 3600.0;
        double morning = Math.exp(-Math.pow((hour - 9.5) / 1.1, 2));
        double afternoon = 0.85 * Math.exp(-Math.pow((hour - 13.0) / 0.9, 2));
        return Math.min(1.0, 0.12 + Math.max(morning, afternoon));
    }
}
