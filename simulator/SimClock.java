package nc.opt.waits.simulator;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * The simulator's clock: real time, or a chosen start in Noumea time running at a chosen speed,
 * or frozen at that start, so that tests and demos see the same waits every time.
 */
public final class SimClock {
    public static final ZoneId NOUMEA = ZoneId.of("Pacific/Noumea");

    private final Instant start;
    private final Instant startedAt = Instant.now();
    private final double speed;
    private final boolean frozen;

    /** @param start a local Noumea time such as 2026-11-23T10:30:00, or blank for now */
    public SimClock(String start, double speed, boolean frozen) {
        this.start = start == null || start.isBlank()
                ? startedAt
                : LocalDateTime.parse(start.trim()).atZone(NOUMEA).toInstant();
        if (speed <= 0) {
            throw new IllegalArgumentException("sim.clock.speed must be > 0, got " + speed);
        }
        this.speed = speed;
        this.frozen = frozen;
    }

    public Instant now() {
        if (frozen) {
            return start;
        }
        long realNanos = Duration.between(startedAt, Instant.now()).toNanos();
        return start.plusNanos((long) (realNanos * speed));
    }

    public LocalDateTime localNow() {
        return LocalDateTime.ofInstant(now(), NOUMEA);
    }
}
