package nc.opt.waits.spark;

import org.apache.camel.Exchange;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The analytics: Spark SQL over the whole Parquet dataset. The wait of a reading is its max wait
 * in minutes (maxWaitMinutes, to the hundredth of a minute as the pipeline's record has it: the
 * figure OPT's apps show); the colour bands and the threshold compare maxWaitMs. Hours and
 * weekdays are those of {@code zone} (Noumea). Percentiles are exact, interpolated between the two
 * closest ranks (Spark's {@code percentile}, as numpy's default or a spreadsheet's PERCENTILE.INC).
 * <p>Results, each a map {result, generatedAt, parameters, rows}:
 * <ul>
 * <li>{@code wait-by-agency-weekday-hour}: readings, mean, p90 and max wait per agency and
 *     (breakdown) weekday and hour, hour of day alone, weekday alone (weekday 1 = Monday ... 7)</li>
 * <li>{@code busiest-agencies}, {@code busiest-communes}: the topN highest mean waits (then lowest
 *     id or name), with readings, p90, max and the share of red readings</li>
 * <li>{@code over-threshold}: per agency, the readings whose wait is strictly above thresholdMinutes</li>
 * <li>{@code band-shares}: readings and share per colour band, over all readings and per agency
 *     (green: wait &lt;= greenMaxMinutes, orange: &lt;= orangeMaxMinutes, red: above)</li>
 * <li>{@code summary}: readings, agencies, communes, days, first and last observation</li>
 * </ul>
 */
public class ReadingAnalytics {
    public static final List<String> RESULTS = List.of("wait-by-agency-weekday-hour", "busiest-agencies",
            "busiest-communes", "over-threshold", "band-shares", "summary");
    private static final Logger LOG = LoggerFactory.getLogger(ReadingAnalytics.class);

    private static final String BASE = """
            SELECT agencyId, commune, observedAt,
                   weekday(observedAt) + 1 AS weekday,
                   hour(observedAt) AS hour,
                   maxWaitMinutes AS waitMinutes,
                   maxWaitMs,
                   CASE WHEN maxWaitMs <= :greenMs THEN 'green'
                        WHEN maxWaitMs <= :orangeMs THEN 'orange'
                        ELSE 'red' END AS band
            FROM readings""";
    /** each agency with its latest name and commune */
    private static final String AGENCIES = """
            SELECT agencyId, max_by(designation, observedAt) AS designation, max_by(commune, observedAt) AS commune
            FROM readings GROUP BY agencyId""";
    /** (not element_at(array(...), w.weekday): in Spark 4.1.3 it gives the last element for a NULL weekday) */
    private static final String WEEKDAY_NAME = "CASE w.weekday WHEN 1 THEN 'Monday' WHEN 2 THEN 'Tuesday' "
            + "WHEN 3 THEN 'Wednesday' WHEN 4 THEN 'Thursday' WHEN 5 THEN 'Friday' WHEN 6 THEN 'Saturday' "
            + "WHEN 7 THEN 'Sunday' END";
    private static final String WAIT_BY_TIME = """
            SELECT w.agencyId, a.designation, a.commune,
                   CASE WHEN w.gw = 0 AND w.gh = 0 THEN 'weekday-hour' WHEN w.gw = 1 THEN 'hour' ELSE 'weekday' END AS breakdown,
                   w.weekday, %s AS weekdayName, w.hour,
                   w.readings, w.meanWaitMinutes, w.p90WaitMinutes, w.maxWaitMinutes
            FROM (SELECT agencyId, weekday, hour, grouping(weekday) AS gw, grouping(hour) AS gh,
                         count(*) AS readings, avg(waitMinutes) AS meanWaitMinutes,
                         percentile(waitMinutes, 0.9) AS p90WaitMinutes, max(waitMinutes) AS maxWaitMinutes
                  FROM base
                  GROUP BY GROUPING SETS ((agencyId, weekday, hour), (agencyId, hour), (agencyId, weekday))) w
            JOIN agencies a ON a.agencyId = w.agencyId
            ORDER BY w.agencyId, breakdown, w.weekday NULLS FIRST, w.hour NULLS FIRST""".formatted(WEEKDAY_NAME);
    private static final String BUSIEST_AGENCIES = """
            SELECT * FROM (
              SELECT CAST(row_number() OVER (ORDER BY s.meanWaitMinutes DESC, s.agencyId) AS INT) AS rank,
                     s.agencyId, a.designation, a.commune, s.readings, s.meanWaitMinutes, s.p90WaitMinutes,
                     s.maxWaitMinutes, s.redShare
              FROM (SELECT agencyId, count(*) AS readings, avg(waitMinutes) AS meanWaitMinutes,
                           percentile(waitMinutes, 0.9) AS p90WaitMinutes, max(waitMinutes) AS maxWaitMinutes,
                           count_if(band = 'red') / count(*) AS redShare
                    FROM base GROUP BY agencyId) s
              JOIN agencies a ON a.agencyId = s.agencyId)
            WHERE rank <= :topN ORDER BY rank""";
    private static final String BUSIEST_COMMUNES = """
            SELECT * FROM (
              SELECT CAST(row_number() OVER (ORDER BY meanWaitMinutes DESC, commune) AS INT) AS rank, *
              FROM (SELECT commune, count(DISTINCT agencyId) AS agencies, count(*) AS readings,
                           avg(waitMinutes) AS meanWaitMinutes, percentile(waitMinutes, 0.9) AS p90WaitMinutes,
                           max(waitMinutes) AS maxWaitMinutes, count_if(band = 'red') / count(*) AS redShare
                    FROM base GROUP BY commune))
            WHERE rank <= :topN ORDER BY rank""";
    private static final String OVER_THRESHOLD = """
            SELECT s.agencyId, a.designation, a.commune, CAST(:thresholdMinutes AS DOUBLE) AS thresholdMinutes,
                   s.readings, s.overThreshold, s.overThreshold / s.readings AS overThresholdShare
            FROM (SELECT agencyId, count(*) AS readings, count_if(maxWaitMs > :thresholdMs) AS overThreshold
                  FROM base GROUP BY agencyId) s
            JOIN agencies a ON a.agencyId = s.agencyId
            ORDER BY s.overThreshold DESC, s.agencyId""";
    private static final String BAND_SHARES = """
            SELECT CASE WHEN s.ga = 1 THEN 'all' ELSE 'agency' END AS scope, s.agencyId, a.designation,
                   s.readings, s.green, s.orange, s.red,
                   s.green / s.readings AS greenShare, s.orange / s.readings AS orangeShare, s.red / s.readings AS redShare
            FROM (SELECT agencyId, grouping(agencyId) AS ga, count(*) AS readings, count_if(band = 'green') AS green,
                         count_if(band = 'orange') AS orange, count_if(band = 'red') AS red
                  FROM base GROUP BY GROUPING SETS ((), (agencyId))) s
            LEFT JOIN agencies a ON a.agencyId = s.agencyId
            ORDER BY s.ga DESC, s.agencyId""";
    private static final String SUMMARY = """
            SELECT count(*) AS readings, count(DISTINCT agencyId) AS agencies, count(DISTINCT commune) AS communes,
                   count(DISTINCT to_date(observedAt)) AS days,
                   date_format(min(observedAt), "yyyy-MM-dd'T'HH:mm:ssXXX") AS firstObservedAt,
                   date_format(max(observedAt), "yyyy-MM-dd'T'HH:mm:ssXXX") AS lastObservedAt
            FROM base""";

    private SparkSessionHolder spark;
    private volatile Map<String, Long> lastTimings = Map.of();
    private String dir = "data/parquet";
    private String zone = "Pacific/Noumea";
    private double thresholdMinutes = 15;
    private int topN = 10;
    private long greenMaxMinutes = 5;
    private long orangeMaxMinutes = 10;

    /** The route's step: the results as the body, the time it took in the property analyticsMillis. */
    public Map<String, Map<String, Object>> run(Exchange exchange) {
        long begin = System.nanoTime();
        Map<String, Map<String, Object>> results = compute();
        exchange.setProperty("analyticsMillis", (System.nanoTime() - begin) / 1_000_000);
        return results;
    }

    /** Every result, by name (in the order of {@link #RESULTS}). */
    public synchronized Map<String, Map<String, Object>> compute() {
        SparkSession session = spark.session();
        String generatedAt = Instant.now().toString();
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("zone", zone);
        parameters.put("waitMeasure", "maxWaitMinutes");
        parameters.put("thresholdMinutes", thresholdMinutes);
        parameters.put("topN", topN);
        parameters.put("greenMaxMinutes", greenMaxMinutes);
        parameters.put("orangeMaxMinutes", orangeMaxMinutes);
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("greenMs", greenMaxMinutes * 60_000);
        args.put("orangeMs", orangeMaxMinutes * 60_000);
        args.put("thresholdMs", thresholdMinutes * 60_000);
        args.put("thresholdMinutes", thresholdMinutes);
        args.put("topN", topN);

        Map<String, Map<String, Object>> results = new LinkedHashMap<>();
        if (!exists(session)) {
            LOG.info("No readings in {} yet: empty results", dir);
            for (String name : RESULTS) {
                results.put(name, result(name, generatedAt, parameters, name.equals("summary")
                        ? List.of(Map.of("readings", 0L)) : List.of()));
            }
            return results;
        }
        // the session time zone (set at its creation) makes hour() and weekday() those of the zone
        session.conf().set("spark.sql.session.timeZone", zone);
        session.read().schema(Readings.SCHEMA).parquet(dir).createOrReplaceTempView("readings");
        Dataset<Row> base = session.sql(BASE, args).persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> agencies = session.sql(AGENCIES).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            base.createOrReplaceTempView("base");
            agencies.createOrReplaceTempView("agencies");
            Map<String, String> queries = Map.of(
                    "wait-by-agency-weekday-hour", WAIT_BY_TIME,
                    "busiest-agencies", BUSIEST_AGENCIES,
                    "busiest-communes", BUSIEST_COMMUNES,
                    "over-threshold", OVER_THRESHOLD,
                    "band-shares", BAND_SHARES,
                    "summary", SUMMARY);
            Map<String, Long> timings = new LinkedHashMap<>();
            long load = System.nanoTime();
            base.count();
            agencies.count();
            timings.put("read", (System.nanoTime() - load) / 1_000_000);
            for (String name : RESULTS) {
                long begin = System.nanoTime();
                results.put(name, result(name, generatedAt, parameters, rows(session.sql(queries.get(name), args))));
                timings.put(name, (System.nanoTime() - begin) / 1_000_000);
            }
            lastTimings = timings;
            LOG.debug("analytics timings (ms): {}", timings);
        } finally {
            base.unpersist();
            agencies.unpersist();
        }
        return results;
    }

    private boolean exists(SparkSession session) {
        try {
            Path path = new Path(dir);
            FileSystem fs = path.getFileSystem(session.sparkContext().hadoopConfiguration());
            return fs.exists(path) && fs.globStatus(new Path(path, Readings.DAY + "=*")).length > 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look at " + dir, e);
        }
    }

    private static Map<String, Object> result(String name, String generatedAt, Map<String, Object> parameters,
                                              List<Map<String, Object>> rows) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("result", name);
        result.put("generatedAt", generatedAt);
        result.put("parameters", parameters);
        result.put("rows", rows);
        return result;
    }

    private static List<Map<String, Object>> rows(Dataset<Row> frame) {
        String[] names = frame.schema().fieldNames();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Row row : frame.collectAsList()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) {
                Object value = row.get(i);
                map.put(names[i], value instanceof Timestamp time ? time.toInstant().toString() : value);
            }
            rows.add(map);
        }
        return rows;
    }

    /** Milliseconds of the last run: reading the dataset (into Spark's cache), then each result. */
    public Map<String, Long> lastTimings() {
        return lastTimings;
    }

    public void setSpark(SparkSessionHolder spark) {
        this.spark = spark;
    }

    public void setDir(String dir) {
        this.dir = dir;
    }

    public void setZone(String zone) {
        this.zone = zone;
    }

    public void setThresholdMinutes(double thresholdMinutes) {
        this.thresholdMinutes = thresholdMinutes;
    }

    public void setTopN(int topN) {
        this.topN = topN;
    }

    public void setGreenMaxMinutes(long greenMaxMinutes) {
        this.greenMaxMinutes = greenMaxMinutes;
    }

    public void setOrangeMaxMinutes(long orangeMaxMinutes) {
        this.orangeMaxMinutes = orangeMaxMinutes;
    }
}
