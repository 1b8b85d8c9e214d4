package nc.opt.waits;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CsvDailyFileTest {
    @Test
    void formulaLookingTextIsNeutralisedAndOtherTextKept() {
        assertEquals("'=1+2", CsvDailyFile.neutralise("=1+2"));
        assertEquals("'+33", CsvDailyFile.neutralise("+33"));
        assertEquals("'-cmd", CsvDailyFile.neutralise("-cmd"));
        assertEquals("'@SUM(A1)", CsvDailyFile.neutralise("@SUM(A1)"));
        assertEquals("Agence de MOINDOU", CsvDailyFile.neutralise("Agence de MOINDOU"));
        assertEquals("", CsvDailyFile.neutralise(""));
    }

    @Test
    void rowsFlattenThePositionAndKeepNumbersAsNumbers() {
        CsvDailyFile csv = new CsvDailyFile();
        csv.setColumns("agencyId,designation,lat,lon,maxWaitMs");
        List<Map<String, Object>> rows = csv.rows(List.of(
                Map.of("agencyId", 4313, "designation", "=X", "position", Map.of("lat", -22.27, "lon", 166.44), "maxWaitMs", 5L),
                Map.of("agencyId", 9502, "designation", "TOMO", "maxWaitMs", 0L)));
        assertEquals(List.of("agencyId", "designation", "lat", "lon", "maxWaitMs"), List.copyOf(rows.get(0).keySet()));
        assertEquals(-22.27, rows.get(0).get("lat"));
        assertEquals("'=X", rows.get(0).get("designation"));
        assertEquals(null, rows.get(1).get("lat"));
    }

    @Test
    void aTornLastLineIsCutOffAndWholeLinesKept(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("waits.csv");
        Files.writeString(file, "a,b\r\n1,2\r\n3,");
        assertEquals(10, CsvDailyFile.repair(file));
        assertEquals("a,b\r\n1,2\r\n", Files.readString(file));
        assertEquals(10, CsvDailyFile.repair(file), "a whole file is left as it is");
        Files.writeString(file, "torn header");
        assertEquals(0, CsvDailyFile.repair(file), "nothing whole: the file starts again, header first");
        assertEquals(0, CsvDailyFile.repair(dir.resolve("absent.csv")));
    }
}
