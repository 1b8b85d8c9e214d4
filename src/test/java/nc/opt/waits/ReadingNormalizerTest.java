package nc.opt.waits;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReadingNormalizerTest {
    final ReadingNormalizer normalizer = new ReadingNormalizer();
    final ObjectMapper json = new ObjectMapper();

    Map<String, Object> read(String agency) throws Exception {
        return normalizer.toReading(json.readTree(agency), "poll-1", Instant.parse("2026-11-23T00:00:00Z"));
    }

    @Test
    void updatedDateGetsItsNoumeaOffset() {
        assertEquals("2024-11-06T15:22:08.571+11:00", normalizer.observedAt("2024-11-06T15:22:08.571"));
    }

    @Test
    void bandsAreThoseOfOptsApps() {
        assertEquals("green", normalizer.band(300_000));
        assertEquals("orange", normalizer.band(300_001));
        assertEquals("orange", normalizer.band(600_000));
        assertEquals("red", normalizer.band(600_001));
    }

    @Test
    void aNullPositionIsLeftOutAndWaitsConverted() throws Exception {
        Map<String, Object> reading = read("""
                {"idAgence":9502,"designation":"TOMO SERVICES","type":"RELAIS","commune":"BOULOUPARIS","position":null,
                 "realMaxWaitingTimeMs":90000,"realAvgWaitingTimeMs":45000,"updatedDate":"2026-11-23T10:58:01.250"}""");
        assertFalse(reading.containsKey("position"));
        assertEquals(1.5, reading.get("maxWaitMinutes"));
        assertEquals(0.75, reading.get("avgWaitMinutes"));
        assertEquals("2026-11-23T00:00:00Z", reading.get("@timestamp"));
    }

    @Test
    void unreadableFieldsAreRefusedWithTheirName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read("""
                {"idAgence":1,"designation":"X","type":"AGENCE","commune":"NOUMEA","position":{"lat":-22.2,"lon":166.4},
                 "realMaxWaitingTimeMs":-5,"realAvgWaitingTimeMs":0,"updatedDate":"2026-11-23T10:58:01.250"}"""));
        assertEquals("realMaxWaitingTimeMs is not a whole number of milliseconds >= 0: -5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> read("""
                {"idAgence":1,"designation":"X","type":"AGENCE","commune":"NOUMEA","position":{"lat":-222,"lon":166.4},
                 "realMaxWaitingTimeMs":5,"realAvgWaitingTimeMs":0,"updatedDate":"2026-11-23T10:58:01.250"}"""));
    }
}
