package nc.opt.waits.spark.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Readings in the pipeline's record shape (as the main project's ReadingValidator makes them),
 * generated from a seed: agencies in a few communes, observations every few minutes during opening
 * hours (Noumea time), waits drawn per agency and hour so that the figures differ.
 */
public final class TestReadings {
    public static final ZoneId NOUMEA = ZoneId.of("Pacific/Noumea");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] COMMUNES = {"NOUMEA", "DUMBEA", "MONT-DORE", "PAITA", "KONE", "BOURAIL", "LIFOU"};

    /** One reading; position may be absent (lat and lon null). */
    public record Reading(int agencyId, String designation, String commune, String type, Double lat, Double lon,
                          long maxWaitMs, long avgWaitMs, OffsetDateTime observedAt, Instant polledAt, String pollId) {

        public Map<String, Object> record() {
            Map<String, Object> reading = new LinkedHashMap<>();
            reading.put("agencyId", agencyId);
            reading.put("designation", designation);
            reading.put("commune", commune);
            reading.put("type", type);
            if (lat != null) {
                reading.put("position", Map.of("lat", lat, "lon", lon));
            }
            reading.put("maxWaitMs", maxWaitMs);
            reading.put("avgWaitMs", avgWaitMs);
            reading.put("maxWaitMinutes", maxWaitMinutes());
            reading.put("avgWaitMinutes", Math.round(avgWaitMs / 600.0) / 100.0);
            reading.put("waitBand", maxWaitMs <= 300_000 ? "green" : maxWaitMs <= 600_000 ? "orange" : "red");
            reading.put("observedAt", observedAt.toString());
            reading.put("@timestamp", polledAt.toString());
            reading.put("pollId", pollId);
            return reading;
        }

        /** as the pipeline's record has it: minutes to the hundredth */
        public double maxWaitMinutes() {
            return Math.round(maxWaitMs / 600.0) / 100.0;
        }

        public String json() {
            try {
                return JSON.writeValueAsString(record());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        /** As a Kafka record: key = agency id, value = the JSON record. */
        public Map.Entry<String, String> kafkaRecord() {
            return new AbstractMap.SimpleEntry<>(String.valueOf(agencyId), json());
        }

        public String key() {
            return agencyId + "@" + observedAt.toInstant();
        }
    }

    private TestReadings() {
    }

    /**
     * Readings of {@code agencies} agencies over {@code days} days from {@code start}, one every
     * {@code stepMinutes} (with some jitter) between 07:00 and 16:59 Noumea time, in poll order.
     */
    public static List<Reading> generate(long seed, int agencies, LocalDate start, int days, int stepMinutes) {
        Random random = new Random(seed);
        double[] busyness = new double[agencies];
        for (int a = 0; a < agencies; a++) {
            busyness[a] = 0.4 + random.nextDouble() * 1.6;
        }
        List<Reading> readings = new ArrayList<>();
        for (int d = 0; d < days; d++) {
            LocalDate day = start.plusDays(d);
            for (int minute = 7 * 60; minute < 17 * 60; minute += stepMinutes) {
                for (int a = 0; a < agencies; a++) {
                    int jitter = random.nextInt(Math.max(1, stepMinutes));
                    int at = Math.min(minute + jitter, 17 * 60 - 1);
                    OffsetDateTime observedAt = day.atTime(at / 60, at % 60, random.nextInt(60))
                            .atZone(NOUMEA).toOffsetDateTime();
                    int hour = at / 60;
                    // busier at opening, lunch time and on Mondays
                    double peak = (hour == 7 || hour == 11 || hour == 12 ? 1.8 : 1.0) * (day.getDayOfWeek().getValue() == 1 ? 1.4 : 1.0);
                    long maxWaitMs = (long) (random.nextDouble() * 9 * 60_000 * busyness[a] * peak);
                    long avgWaitMs = (long) (maxWaitMs * (0.3 + random.nextDouble() * 0.5));
                    boolean withPosition = a % 5 != 4;
                    readings.add(new Reading(1000 + a, "Agence " + (1000 + a), COMMUNES[a % COMMUNES.length],
                            a % 3 == 0 ? "BUREAU" : "AGENCE",
                            withPosition ? -22.27 + a * 0.01 : null, withPosition ? 166.44 + a * 0.01 : null,
                            maxWaitMs, avgWaitMs, observedAt, observedAt.toInstant().plusSeconds(20 + random.nextInt(40)),
                            "poll-" + day + "-" + minute));
                }
            }
        }
        return readings;
    }

    public static List<Map.Entry<String, String>> kafkaRecords(List<Reading> readings) {
        return readings.stream().map(Reading::kafkaRecord).toList();
    }
}
