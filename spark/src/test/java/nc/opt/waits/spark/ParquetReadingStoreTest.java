package nc.opt.waits.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import nc.opt.waits.spark.support.TestReadings;
import nc.opt.waits.spark.support.TestReadings.Reading;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The idempotent append, without Kafka: what is stored already is never stored again. */
class ParquetReadingStoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SparkSessionHolder spark;

    @TempDir
    Path work;

    @BeforeAll
    static void startSpark() {
        spark = new SparkSessionHolder();
        spark.setMaster("local[2]");
        spark.setConf(Map.of("spark.sql.shuffle.partitions", "4"));
        spark.start();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private ParquetReadingStore store() {
        ParquetReadingStore store = new ParquetReadingStore();
        store.setSpark(spark);
        store.setDir(work.resolve("parquet").toString());
        return store;
    }

    private static List<Row> rows(List<Reading> readings, int firstOffset) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (Reading reading : readings) {
            rows.add(Readings.toRow(JSON.readTree(reading.json()), 0, firstOffset++, TestReadings.NOUMEA));
        }
        return rows;
    }

    private long count(ParquetReadingStore store) {
        return spark.session().read().schema(Readings.SCHEMA).parquet(store.getDir()).count();
    }

    @Test
    void appendsOnlyWhatIsNotStoredYet() throws Exception {
        List<Reading> readings = TestReadings.generate(3, 5, LocalDate.of(2025, 5, 5), 2, 30);
        List<Reading> first = readings.subList(0, 60);
        ParquetReadingStore store = store();

        assertEquals(60, store.append(rows(first, 0)).stored());
        // the same batch again (read again after a crash before its commit): nothing
        ParquetReadingStore.Result again = store.append(rows(first, 0));
        assertEquals(0, again.stored());
        assertEquals(60, again.duplicates());
        // a batch that overlaps (other boundaries): only the new part
        ParquetReadingStore.Result overlap = store.append(rows(readings.subList(30, 100), 30));
        assertEquals(40, overlap.stored());
        // the rest, with one reading twice in the batch (polled twice)
        List<Reading> rest = new ArrayList<>(readings.subList(100, readings.size()));
        rest.add(rest.get(0));
        assertEquals(readings.size() - 100, store.append(rows(rest, 100)).stored());
        assertEquals(readings.size(), count(store));
    }

    @Test
    void filesEachReadingUnderItsNoumeaDayWithEveryField() throws Exception {
        // 06:30 in Noumea is still the day before in UTC
        OffsetDateTime observedAt = OffsetDateTime.parse("2025-03-03T06:30:15+11:00");
        Reading reading = new Reading(1234, "Agence du port", "NOUMEA", "AGENCE", null, null, 725_000, 301_000,
                observedAt, observedAt.toInstant().plusSeconds(30), "poll-1");
        ParquetReadingStore store = store();
        store.append(rows(List.of(reading), 41));

        Path day = work.resolve("parquet").resolve("day=2025-03-03");
        assertTrue(Files.isDirectory(day), "partition of the Noumea date");
        try (Stream<Path> files = Files.list(day)) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().endsWith(".parquet")).count());
        }
        Row row = spark.session().read().schema(Readings.SCHEMA).parquet(store.getDir()).first();
        assertEquals(1234, row.getInt(row.fieldIndex("agencyId")));
        assertEquals("Agence du port", row.getString(row.fieldIndex("designation")));
        assertNull(row.get(row.fieldIndex("lat")), "no position");
        assertEquals(725_000L, row.getLong(row.fieldIndex("maxWaitMs")));
        assertEquals(12.08, row.getDouble(row.fieldIndex("maxWaitMinutes")), 1e-9);
        assertEquals("red", row.getString(row.fieldIndex("waitBand")));
        assertEquals(observedAt.toInstant(), row.getTimestamp(row.fieldIndex("observedAt")).toInstant());
        assertEquals(41L, row.getLong(row.fieldIndex("kafkaOffset")));
        assertEquals("2025-03-03", row.getString(row.fieldIndex("day")));
    }
}
