package nc.opt.waits;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CSV side of a poll: one file per day (Noumea date of the poll), rows flattened in the column
 * order of {@code csv.columns}, text cells that a spreadsheet would run as a formula neutralised,
 * and a file left torn by a crash mid-write repaired before anything is appended to it.
 * The quoting itself is commons-csv's (the route marshals with camel-csv).
 */
public class CsvDailyFile {
    private static final Logger LOG = LoggerFactory.getLogger(CsvDailyFile.class);
    public static final String NEW_FILE = "csvNewFile";

    private String dir = "data/csv";
    private String prefix = "waits-";
    private ZoneId zone = ZoneId.of("Pacific/Noumea");
    private List<String> columns = List.of();

    /** Flattens reading records to CSV rows: position becomes lat and lon, text cells are neutralised. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> rows(List<Map<String, Object>> readings) {
        List<Map<String, Object>> rows = new ArrayList<>(readings.size());
        for (Map<String, Object> reading : readings) {
            Map<String, Object> flat = new LinkedHashMap<>();
            Map<String, Object> position = (Map<String, Object>) reading.get("position");
            for (String column : columns) {
                Object value = switch (column) {
                    case "lat", "lon" -> position == null ? null : position.get(column);
                    case "timestamp" -> reading.get("@timestamp");
                    default -> reading.get(column);
                };
                flat.put(column, value instanceof String text ? neutralise(text) : value);
            }
            rows.add(flat);
        }
        return rows;
    }

    /**
     * A cell starting with = + - @ (or tab / carriage return) is run as a formula by spreadsheets:
     * prefix it with a single quote so it is shown as text (OWASP's advice for CSV injection).
     * Only text cells are touched: numbers such as a negative latitude stay numbers.
     */
    static String neutralise(String text) {
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            return "'" + text;
        }
        return text;
    }

    /**
     * Names today's file (header CamelFileName), repairs a torn last line, and tells the route
     * whether the file is new (exchange property csvNewFile: the header row goes first).
     */
    public void prepare(Exchange exchange) throws IOException {
        Instant pollTime = exchange.getProperty("pollTime", Instant.class);
        String name = prefix + LocalDate.ofInstant(pollTime, zone) + ".csv";
        Path file = Path.of(dir, name);
        exchange.getMessage().setHeader(Exchange.FILE_NAME, name);
        exchange.setProperty(NEW_FILE, repair(file) == 0);
    }

    /**
     * A crash in the middle of an append can leave a last line without its line break: cut it off,
     * so the next reader sees only whole rows. Returns the size of the file afterwards.
     */
    static long repair(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long size = raf.length();
            long end = size;
            while (end > 0) {
                raf.seek(end - 1);
                if (raf.read() == '\n') {
                    break;
                }
                end--;
            }
            if (end < size) {
                raf.setLength(end);
                LOG.warn("CSV file {} ended with a torn row ({} bytes without a line break, left by a crash"
                        + " mid-write): cut it off; each poll is put in the Kafka outbox before its CSV write", file, size - end);
            }
            return end;
        }
    }

    public void setDir(String dir) {
        this.dir = dir;
    }

    public void setPrefix(String prefix) {
        this.prefix = prefix;
    }

    public void setZone(String zone) {
        this.zone = ZoneId.of(zone);
    }

    public void setColumns(String columns) {
        this.columns = List.of(columns.split("\\s*,\\s*"));
    }
}
