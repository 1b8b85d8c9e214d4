package nc.opt.waits.spark.support;

import nc.opt.waits.spark.support.TestReadings.Reading;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The analytics figures computed in plain Java, without Spark, from the readings the test sent:
 * what ReadingAnalytics must find. Same definitions: the wait is the record's maxWaitMinutes (to the
 * hundredth), bands and threshold on maxWaitMs, hour and weekday (1 = Monday) in Noumea time, p90 interpolated between the two closest ranks
 * (position 0.9 * (n - 1) in the sorted values).
 */
public final class ExpectedAnalytics {
    private static final String[] WEEKDAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

    /** Readings, mean, p90, max of a group of waits (minutes), and red share. */
    public record Stats(long readings, double mean, double p90, double max, double redShare) {
        static Stats of(List<Reading> readings, long orangeMaxMs) {
            double[] waits = readings.stream().mapToDouble(Reading::maxWaitMinutes).sorted().toArray();
            double sum = 0;
            for (double wait : waits) {
                sum += wait;
            }
            long red = readings.stream().filter(r -> r.maxWaitMs() > orangeMaxMs).count();
            return new Stats(waits.length, sum / waits.length, percentile(waits, 0.9), waits[waits.length - 1],
                    (double) red / waits.length);
        }
    }

    private final List<Reading> readings;
    private final ZoneId zone;
    private final long greenMaxMs;
    private final long orangeMaxMs;

    /** readings: the distinct readings (one per agencyId and observedAt). */
    public ExpectedAnalytics(List<Reading> readings, ZoneId zone, long greenMaxMinutes, long orangeMaxMinutes) {
        this.readings = readings;
        this.zone = zone;
        this.greenMaxMs = greenMaxMinutes * 60_000;
        this.orangeMaxMs = orangeMaxMinutes * 60_000;
    }

    /** Linear interpolation between the closest ranks. */
    public static double percentile(double[] sorted, double p) {
        double position = p * (sorted.length - 1);
        int lower = (int) Math.floor(position);
        int upper = (int) Math.ceil(position);
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }

    private ZonedDateTime local(Reading reading) {
        return reading.observedAt().atZoneSameInstant(zone);
    }

    /** key "agencyId|breakdown|weekday|hour" (null where the breakdown has none) -> stats */
    public Map<String, Stats> waitByAgencyWeekdayHour() {
        Map<String, List<Reading>> groups = new TreeMap<>();
        for (Reading reading : readings) {
            int weekday = local(reading).getDayOfWeek().getValue();
            int hour = local(reading).getHour();
            add(groups, reading.agencyId() + "|weekday-hour|" + weekday + "|" + hour, reading);
            add(groups, reading.agencyId() + "|hour|null|" + hour, reading);
            add(groups, reading.agencyId() + "|weekday|" + weekday + "|null", reading);
        }
        Map<String, Stats> stats = new TreeMap<>();
        groups.forEach((key, group) -> stats.put(key, Stats.of(group, orangeMaxMs)));
        return stats;
    }

    public static String weekdayName(int weekday) {
        return WEEKDAYS[weekday - 1];
    }

    /** The topN agencies by mean wait (highest first, then lowest id): agencyId -> stats, in rank order. */
    public LinkedHashMap<Integer, Stats> busiestAgencies(int topN) {
        return busiest(Reading::agencyId, Comparator.naturalOrder(), topN);
    }

    public LinkedHashMap<String, Stats> busiestCommunes(int topN) {
        return busiest(Reading::commune, Comparator.naturalOrder(), topN);
    }

    public Map<String, Integer> agenciesPerCommune() {
        Map<String, Set<Integer>> agencies = new TreeMap<>();
        readings.forEach(r -> agencies.computeIfAbsent(r.commune(), c -> new HashSet<>()).add(r.agencyId()));
        Map<String, Integer> counts = new TreeMap<>();
        agencies.forEach((commune, ids) -> counts.put(commune, ids.size()));
        return counts;
    }

    private <K> LinkedHashMap<K, Stats> busiest(Function<Reading, K> key, Comparator<K> tieBreak, int topN) {
        Map<K, List<Reading>> groups = new TreeMap<>();
        readings.forEach(r -> groups.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(r));
        List<Map.Entry<K, Stats>> ranked = new ArrayList<>();
        groups.forEach((k, group) -> ranked.add(Map.entry(k, Stats.of(group, orangeMaxMs))));
        ranked.sort(Comparator.<Map.Entry<K, Stats>>comparingDouble(e -> -e.getValue().mean())
                .thenComparing(Map.Entry::getKey, tieBreak));
        LinkedHashMap<K, Stats> top = new LinkedHashMap<>();
        ranked.stream().limit(topN).forEach(e -> top.put(e.getKey(), e.getValue()));
        return top;
    }

    /** agencyId -> {readings, readings with a wait strictly above the threshold} */
    public Map<Integer, long[]> overThreshold(double thresholdMinutes) {
        Map<Integer, long[]> counts = new TreeMap<>();
        for (Reading reading : readings) {
            long[] count = counts.computeIfAbsent(reading.agencyId(), id -> new long[2]);
            count[0]++;
            if (reading.maxWaitMs() > thresholdMinutes * 60_000) {
                count[1]++;
            }
        }
        return counts;
    }

    /** "all" or the agency id -> {readings, green, orange, red} */
    public Map<String, long[]> bandCounts() {
        Map<String, long[]> counts = new TreeMap<>();
        for (Reading reading : readings) {
            int band = reading.maxWaitMs() <= greenMaxMs ? 1 : reading.maxWaitMs() <= orangeMaxMs ? 2 : 3;
            for (String scope : List.of("all", String.valueOf(reading.agencyId()))) {
                long[] count = counts.computeIfAbsent(scope, s -> new long[4]);
                count[0]++;
                count[band]++;
            }
        }
        return counts;
    }

    /** readings, agencies, communes, days, first and last observation (ISO, zone's offset, seconds) */
    public Map<String, Object> summary() {
        DateTimeFormatter iso = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("readings", (long) readings.size());
        summary.put("agencies", readings.stream().map(Reading::agencyId).distinct().count());
        summary.put("communes", readings.stream().map(Reading::commune).distinct().count());
        summary.put("days", readings.stream().map(r -> local(r).toLocalDate()).distinct().count());
        summary.put("firstObservedAt", readings.stream().map(this::local).min(Comparator.naturalOrder()).orElseThrow().format(iso));
        summary.put("lastObservedAt", readings.stream().map(this::local).max(Comparator.naturalOrder()).orElseThrow().format(iso));
        return summary;
    }

    private static <K> void add(Map<K, List<Reading>> groups, K key, Reading reading) {
        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(reading);
    }
}
