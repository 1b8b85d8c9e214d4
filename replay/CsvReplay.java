package nc.opt.waits.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import nc.opt.waits.ReadingValidator;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Replays CSV files the pipeline wrote (or any CSV with the same columns) as a live stream: an
 * iterator of polls (the consecutive rows of one pollId), paced by their @timestamp at real speed,
 * N times faster, or as fast as it can. A malformed row is reported with its file and line, and
 * skipped. Progress (rows done, total, rate, time left) is logged every few seconds.
 */
public class CsvReplay {
    private static final Logger LOG = LoggerFactory.getLogger(CsvReplay.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NUMBERS = List.of("agencyId", "maxWaitMs", "avgWaitMs");

    private final ReadingValidator validator = new ReadingValidator();
    private List<Path> files = List.of();
    private double speed; // 0 = as fast as it can
    private long progressMillis = 2_000;

    /** The polls of the files, in order, each a list of reading records; sleeps between them to keep pace. */
    public Iterator<List<Map<String, Object>>> polls() throws IOException {
        long total = 0;
        for (Path file : files) {
            total += Math.max(0, lineBreaks(file) - 1);
        }
        LOG.info("Replay of {} rows from {} at {}", total, files, speed <= 0 ? "full speed" : speed + "x real speed");
        return new Polls(total);
    }

    private final class Polls implements Iterator<List<Map<String, Object>>> {
        private final long total;
        private final long started = System.nanoTime();
        private int fileIndex = -1;
        private BufferedReader reader;
        private List<String> header;
        private String file;
        private long line;
        private Map<String, Object> lookahead;
        private long done;
        private long skipped;
        private long lastProgress = System.nanoTime();
        private boolean finished;
        private Instant previousPollTime;
        private long previousPollNanos;

        Polls(long total) {
            this.total = total;
        }

        @Override
        public boolean hasNext() {
            if (lookahead == null) {
                lookahead = nextReading();
            }
            if (lookahead == null && !finished) {
                finished = true;
                LOG.info("Replay done: {} rows published, {} malformed rows skipped, in {} s", done, skipped,
                        Duration.ofNanos(System.nanoTime() - started).toSeconds());
            }
            return lookahead != null;
        }

        @Override
        public List<Map<String, Object>> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            List<Map<String, Object>> poll = new ArrayList<>();
            Object pollId = lookahead.get("pollId");
            while (lookahead != null && pollId.equals(lookahead.get("pollId"))) {
                poll.add(lookahead);
                lookahead = nextReading();
            }
            pace(Instant.parse((String) poll.get(0).get("@timestamp")));
            done += poll.size();
            progress();
            return poll;
        }

        /** waits until this poll's time, relative to the previous one, divided by the speed */
        private void pace(Instant pollTime) {
            if (speed > 0 && previousPollTime != null) {
                long dueNanos = previousPollNanos + (long) (Duration.between(previousPollTime, pollTime).toNanos() / speed);
                long wait = dueNanos - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("replay interrupted", e);
                    }
                }
            }
            previousPollTime = pollTime;
            previousPollNanos = System.nanoTime();
        }

        private void progress() {
            long now = System.nanoTime();
            if (now - lastProgress >= progressMillis * 1_000_000 || done >= total) {
                double seconds = (now - started) / 1e9;
                double rate = done / Math.max(seconds, 1e-3);
                LOG.info("Replay: {} / {} rows ({}%), {} rows/s, about {} s left, {} skipped", done, total,
                        total == 0 ? 100 : done * 100 / total, Math.round(rate), Math.round((total - done) / Math.max(rate, 1e-3)), skipped);
                lastProgress = now;
            }
        }

        /** the next valid reading of the files, or null at the end; malformed rows are reported and skipped */
        private Map<String, Object> nextReading() {
            try {
                while (true) {
                    if (reader == null && !openNextFile()) {
                        return null;
                    }
                    String text = reader.readLine();
                    if (text == null) {
                        reader.close();
                        reader = null;
                        continue;
                    }
                    line++;
                    if (text.isBlank()) {
                        continue;
                    }
                    try {
                        return reading(text);
                    } catch (RuntimeException malformed) {
                        skipped++;
                        LOG.warn("Replay: {}:{} skipped, malformed row: {}", file, line, malformed.getMessage());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private boolean openNextFile() throws IOException {
            if (++fileIndex >= files.size()) {
                return false;
            }
            Path path = files.get(fileIndex);
            file = path.toString();
            // bytes that are not UTF-8 become U+FFFD: the row is then checked as any other, never a crash
            reader = new BufferedReader(new InputStreamReader(Files.newInputStream(path), StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)));
            line = 1;
            String first = reader.readLine();
            try {
                if (first == null) {
                    throw new IllegalArgumentException("empty file");
                }
                header = List.of(parse(removeBom(first)));
                return true;
            } catch (IllegalArgumentException malformed) {
                reader.close();
                reader = null;
                LOG.warn("Replay: {} skipped, no readable header line: {}", file, malformed.getMessage());
                return openNextFile();
            }
        }

        private Map<String, Object> reading(String text) {
            String[] cells = parse(text);
            if (cells.length != header.size()) {
                throw new IllegalArgumentException(cells.length + " cells where the header has " + header.size());
            }
            ObjectNode node = JSON.createObjectNode();
            String lat = null;
            String lon = null;
            for (int i = 0; i < cells.length; i++) {
                String column = header.get(i);
                String cell = unneutralise(cells[i]);
                switch (column) {
                    case "lat" -> lat = cell;
                    case "lon" -> lon = cell;
                    case "maxWaitMinutes", "avgWaitMinutes", "waitBand" -> { } // derived again from the milliseconds
                    case "timestamp", "@timestamp" -> node.put("@timestamp", cell);
                    case "stale" -> {
                        if ("true".equals(cell) || "false".equals(cell)) {
                            node.put(column, Boolean.parseBoolean(cell));
                        } else if (!cell.isEmpty()) {
                            node.put(column, cell); // the validator names the field
                        }
                    }
                    default -> {
                        if (NUMBERS.contains(column)) {
                            try {
                                node.put(column, Long.parseLong(cell));
                            } catch (NumberFormatException e) {
                                node.put(column, cell); // the validator names the field
                            }
                        } else {
                            node.put(column, cell);
                        }
                    }
                }
            }
            if (lat != null && !lat.isEmpty() && lon != null && !lon.isEmpty()) {
                node.putObject("position").put("lat", Double.parseDouble(lat)).put("lon", Double.parseDouble(lon));
            }
            return validator.validate(node, "", "replay", Instant.now());
        }
    }

    /** the line breaks of a file, counted in its bytes (whatever its encoding) */
    static long lineBreaks(Path file) throws IOException {
        long count = 0;
        try (var in = Files.newInputStream(file)) {
            byte[] buffer = new byte[65536];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                for (int i = 0; i < n; i++) {
                    count += buffer[i] == '\n' ? 1 : 0;
                }
            }
        }
        return count;
    }

    static String removeBom(String text) {
        return text != null && text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** one CSV line, RFC 4180, into its cells (commons-csv); a torn line fails here */
    static String[] parse(String text) {
        try (CSVParser parser = CSVParser.parse(text, CSVFormat.RFC4180)) {
            List<CSVRecord> records = parser.getRecords();
            if (records.size() != 1) {
                throw new IllegalArgumentException("not one CSV row");
            }
            return records.get(0).values();
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("not a CSV row: " + e.getMessage());
        }
    }

    /** the pipeline's CSV prefixes formula-looking text with a quote: take it off again */
    static String unneutralise(String cell) {
        if (cell.length() > 1 && cell.charAt(0) == '\'' && "=+-@\t\r".indexOf(cell.charAt(1)) >= 0) {
            return cell.substring(1);
        }
        return cell;
    }

    public void setFiles(String files) {
        List<Path> paths = new ArrayList<>();
        for (String file : files.split("\\s*,\\s*")) {
            if (!file.isBlank()) {
                paths.add(Path.of(file));
            }
        }
        this.files = paths;
    }

    /** a factor of real speed (1, 60...), or "max" for as fast as it can */
    public void setSpeed(String speed) {
        this.speed = "max".equalsIgnoreCase(speed.trim()) ? 0 : Double.parseDouble(speed.trim());
    }

    public void setProgressMillis(long progressMillis) {
        this.progressMillis = progressMillis;
    }
}
