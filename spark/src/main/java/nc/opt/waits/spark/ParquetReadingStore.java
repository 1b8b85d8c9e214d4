package nc.opt.waits.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Appends micro-batches of readings to a Parquet dataset partitioned by day ({@code dir/day=yyyy-MM-dd}).
 *
 * <p>Idempotent: a batch is first rid of the readings it holds twice, then of those the dataset
 * already holds (same agencyId and observedAt: the keys of the days the batch touches are read
 * back, a day being a few tens of thousands of readings at most), and only the rest is appended, in
 * one Spark write (one file per day touched; {@code filesPerBatch} to change it). A batch read again
 * from Kafka (a crash or a stop between the write and the offset commit, a rebalance, a consumer
 * group reset) therefore adds nothing, whatever the new batch boundaries; a write that died half-way
 * is completed by the next attempt, not doubled. The same key makes an unchanged reading polled
 * twice one row, as in the main pipeline's OpenSearch index (document id = agency + observation
 * time). The key's agency decides the Kafka partition (key = agencyId), so two partitions' records
 * never race for a key; appends in this JVM are serialised all the same.
 */
public class ParquetReadingStore {
    private static final Logger LOG = LoggerFactory.getLogger(ParquetReadingStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private SparkSessionHolder spark;
    private String dir = "data/parquet";
    private ZoneId zone = ZoneId.of("Pacific/Noumea");
    private int filesPerBatch = 1;

    /** What one append did. */
    public record Result(long received, long stored, long duplicates, long millis) {
    }

    /**
     * The route's step: the body is the batch (the exchanges of the Kafka records). Sets the exchange
     * properties batchSize, storedCount, duplicateCount, appendMillis, deadLetters (records that are
     * not readings, in the pipeline's dead-letter shape) and deadLetterCount.
     */
    public void append(Exchange exchange) {
        List<?> batch = exchange.getMessage().getBody(List.class);
        List<Row> rows = new ArrayList<>(batch.size());
        List<Map<String, Object>> deadLetters = new ArrayList<>();
        for (Object item : batch) {
            Exchange record = (Exchange) item;
            String value = record.getMessage().getBody(String.class);
            Integer partition = record.getMessage().getHeader(KafkaConstants.PARTITION, Integer.class);
            Long offset = record.getMessage().getHeader(KafkaConstants.OFFSET, Long.class);
            try {
                rows.add(Readings.toRow(JSON.readTree(value == null ? "" : value),
                        partition == null ? -1 : partition, offset == null ? -1 : offset, zone));
            } catch (JsonProcessingException | IllegalArgumentException e) {
                String reason = e instanceof JsonProcessingException json ? "not JSON: " + json.getOriginalMessage()
                        : "not a reading: " + e.getMessage();
                deadLetters.add(deadLetter(reason, value, record.getMessage().getHeader(KafkaConstants.KEY, String.class),
                        partition, offset));
            }
        }
        Result result = append(rows);
        exchange.setProperty("batchSize", batch.size());
        exchange.setProperty("storedCount", result.stored());
        exchange.setProperty("duplicateCount", result.duplicates());
        exchange.setProperty("appendMillis", result.millis());
        exchange.setProperty("deadLetters", deadLetters);
        exchange.setProperty("deadLetterCount", deadLetters.size());
    }

    /** Appends rows of {@link Readings#SCHEMA}, leaving out those already stored. */
    public synchronized Result append(List<Row> rows) {
        long begin = System.nanoTime();
        if (rows.isEmpty()) {
            return new Result(0, 0, 0, 0);
        }
        // the batch's readings by key, each once (the first one: the lowest offset), and its days
        Map<Key, Row> batch = new LinkedHashMap<>();
        Set<String> days = new TreeSet<>();
        for (Row row : rows) {
            batch.putIfAbsent(Key.of(row.getInt(0), row.getTimestamp(11)), row);
            days.add(row.getString(16));
        }
        // minus the readings the dataset already holds for those days
        SparkSession session = spark.session();
        List<String> storedDays = storedDays(days);
        if (!storedDays.isEmpty()) {
            for (Row stored : session.read().schema(Readings.SCHEMA).option("basePath", dir)
                    .parquet(storedDays.toArray(String[]::new))
                    .select(Readings.KEY[0], Readings.KEY[1]).collectAsList()) {
                batch.remove(Key.of(stored.getInt(0), stored.getTimestamp(1)));
            }
        }
        if (!batch.isEmpty()) {
            session.createDataFrame(new ArrayList<>(batch.values()), Readings.SCHEMA)
                    .coalesce(filesPerBatch).write().mode(SaveMode.Append).partitionBy(Readings.DAY).parquet(dir);
        }
        long millis = (System.nanoTime() - begin) / 1_000_000;
        LOG.debug("appended {} of {} readings to {} (days {}) in {} ms", batch.size(), rows.size(), dir, days, millis);
        return new Result(rows.size(), batch.size(), rows.size() - batch.size(), millis);
    }

    /** A reading's identity: agency and observation time (to the microsecond, as Spark keeps it). */
    private record Key(int agencyId, long observedAtMicros) {
        static Key of(int agencyId, Timestamp observedAt) {
            return new Key(agencyId, observedAt.getTime() / 1000 * 1_000_000 + observedAt.getNanos() / 1000 % 1_000_000);
        }
    }

    /** The folders of those days the dataset already has. */
    private List<String> storedDays(Set<String> days) {
        try {
            Path root = new Path(dir);
            FileSystem fs = root.getFileSystem(spark.session().sparkContext().hadoopConfiguration());
            List<String> stored = new ArrayList<>();
            for (String day : days) {
                Path folder = new Path(root, Readings.DAY + "=" + day);
                if (fs.exists(folder)) {
                    stored.add(folder.toString());
                }
            }
            return stored;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look at " + dir, e);
        }
    }

    private static Map<String, Object> deadLetter(String reason, String payload, String key, Integer partition, Long offset) {
        Map<String, Object> letter = new LinkedHashMap<>();
        letter.put("source", "spark-store");
        letter.put("reason", reason + " (partition " + partition + ", offset " + offset + ")");
        letter.put("failedAt", Instant.now().toString());
        letter.put("pollId", null);
        letter.put("key", key == null || key.isBlank() ? "unknown" : key);
        letter.put("payload", payload);
        return letter;
    }

    public void setSpark(SparkSessionHolder spark) {
        this.spark = spark;
    }

    public void setDir(String dir) {
        this.dir = dir;
    }

    public String getDir() {
        return dir;
    }

    public void setZone(String zone) {
        this.zone = ZoneId.of(zone);
    }

    public void setFilesPerBatch(int filesPerBatch) {
        this.filesPerBatch = Math.max(1, filesPerBatch);
    }
}
