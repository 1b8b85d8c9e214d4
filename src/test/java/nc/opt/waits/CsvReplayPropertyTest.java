package nc.opt.waits;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import nc.opt.waits.replay.CsvReplay;
import nc.opt.waits.support.HostileInput;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generated CSV files thrown at the replay's reader: rows mostly as the pipeline writes them, then
 * broken (a cell of the wrong kind, huge or unicode, a cell missing or extra, the header changed,
 * the file cut anywhere, bytes that are not UTF-8). The reader never fails: it gives only readings
 * that the record's checks accept, and skips the rest (each logged with its file and line).
 */
class CsvReplayPropertyTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> COLUMNS = List.of("timestamp", "pollId", "agencyId", "designation", "commune", "type", "lat", "lon",
            "maxWaitMs", "avgWaitMs", "maxWaitMinutes", "avgWaitMinutes", "waitBand", "observedAt", "stale");
    final ReadingValidator validator = new ReadingValidator();

    @BeforeContainer
    static void quiet() {
        // 10,000 files of mostly bad rows: the replay's WARN line per skipped row is not needed here
        Configurator.setLevel(CsvReplay.class.getName(), Level.ERROR);
    }

    @AfterContainer
    static void loud() {
        Configurator.setLevel(CsvReplay.class.getName(), Level.INFO);
    }

    @Property(tries = 10_000, edgeCases = EdgeCasesMode.NONE)
    void anyCsvFileGivesOnlyValidReadingsAndNeverFails(@ForAll("files") byte[] content) throws Exception {
        Path file = Path.of("target", "replay-property.csv"); // one file, written again at each try
        try {
            Files.write(file, content);
            CsvReplay replay = new CsvReplay();
            replay.setFiles(file.toString());
            replay.setSpeed("max");
            int readings = 0;
            for (Iterator<List<Map<String, Object>>> polls = replay.polls(); polls.hasNext(); ) {
                for (Map<String, Object> reading : polls.next()) {
                    assertEquals(reading, validator.validate(JSON.valueToTree(reading), "", "other", Instant.now()),
                            "the record's checks accept it as it is");
                    readings++;
                }
            }
            long rows = 0;
            for (byte b : content) {
                rows += b == '\n' ? 1 : 0;
            }
            assertTrue(readings <= rows, readings + " readings from " + rows + " lines");
            Statistics.collect(readings == 0 ? "no reading" : "some readings");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Provide
    Arbitrary<byte[]> files() {
        Arbitrary<List<String>> header = Arbitraries.frequencyOf(
                HostileInput.<List<String>>w(7, Arbitraries.just(COLUMNS)),
                HostileInput.<List<String>>w(1, Arbitraries.of(COLUMNS).map(dropped -> COLUMNS.stream().filter(c -> !c.equals(dropped)).toList())),
                HostileInput.<List<String>>w(1, Arbitraries.just(COLUMNS).map(c -> {
                    List<String> shuffled = new ArrayList<>(c);
                    java.util.Collections.reverse(shuffled);
                    return shuffled;
                })),
                HostileInput.<List<String>>w(1, HostileInput.text().map(extra -> {
                    List<String> more = new ArrayList<>(COLUMNS);
                    more.add(extra);
                    return more;
                })));
        Arbitrary<List<List<String>>> rows = row().list().ofMaxSize(5);
        return Combinators.combine(header, rows, Arbitraries.doubles().between(0, 1), Arbitraries.integers().between(0, 9))
                .as((columns, lines, cut, damage) -> {
                    StringWriter text = new StringWriter();
                    try (CSVPrinter printer = new CSVPrinter(text, CSVFormat.RFC4180)) {
                        printer.printRecord(columns);
                        for (List<String> line : lines) {
                            printer.printRecord(line);
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
                    return switch (damage) {
                        case 0 -> java.util.Arrays.copyOf(bytes, (int) (bytes.length * cut)); // cut anywhere
                        case 1 -> notUtf8(bytes, (int) (bytes.length * cut));
                        default -> bytes;
                    };
                });
    }

    /** one row as the pipeline writes it, then maybe a cell changed, removed or added */
    static Arbitrary<List<String>> row() {
        Arbitrary<List<String>> good = Combinators.combine(HostileInput.goodRecord(), HostileInput.text(), Arbitraries.of(true, false))
                .as((record, pollId, stale) -> cells(record, pollId, stale));
        return Combinators.combine(good, Arbitraries.integers().between(0, COLUMNS.size() - 1),
                        Arbitraries.integers().between(0, 4), HostileInput.anyJson(1).map(v -> v.isTextual() ? v.asText() : v.toString()))
                .as((cells, at, change, value) -> {
                    List<String> changed = new ArrayList<>(cells);
                    switch (change) {
                        case 0 -> changed.set(at, value);
                        case 1 -> changed.remove((int) at);
                        case 2 -> changed.add(at, value);
                        default -> { }
                    }
                    return changed;
                });
    }

    static List<String> cells(ObjectNode record, String pollId, boolean stale) {
        List<String> cells = new ArrayList<>();
        for (String column : COLUMNS) {
            cells.add(switch (column) {
                case "timestamp" -> "2026-12-02T00:00:00.000Z";
                case "pollId" -> pollId;
                case "lat", "lon" -> record.path("position").path(column).isNumber() ? record.path("position").path(column).asText() : "";
                case "maxWaitMinutes", "avgWaitMinutes", "waitBand" -> "ignored";
                case "stale" -> String.valueOf(stale);
                default -> record.path(column).asText();
            });
        }
        return cells;
    }

    /** bytes that no UTF-8 decoder takes, put in at a place */
    static byte[] notUtf8(byte[] bytes, int at) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, at);
        out.write(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE}, 0, 4);
        out.write(bytes, at, bytes.length - at);
        return out.toByteArray();
    }
}
