package nc.opt.waits;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReadingValidatorTest {
    final ReadingValidator validator = new ReadingValidator();
    final ObjectMapper json = new ObjectMapper();

    Map<String, Object> read(String agency) throws Exception {
        return validator.toReading(json.readTree(agency), "poll-1", Instant.parse("2026-11-23T00:00:00Z"));
    }

    @Test
    void updatedDateGetsItsNoumeaOffsetInTheOneTimestampFormat() {
        assertEquals("2024-11-06T15:22:08.571+11:00", Timestamps.of(validator.observedAt("2024-11-06T15:22:08.571")));
        // Java's toString() would write 2024-11-06T09:02+11:00
        assertEquals("2024-11-06T09:02:00.000+11:00", Timestamps.of(validator.observedAt("2024-11-06T09:02")));
        assertEquals("2026-11-22T22:30:05.118Z", Timestamps.utc(Instant.parse("2026-11-22T22:30:05.118204531Z")));
    }

    @Test
    void aReadingObservedLongerAgoThanTheStaleAgeIsMarkedStale() throws Exception {
        String agency = """
                {"idAgence":1,"designation":"X","type":"AGENCE","commune":"NOUMEA",
                 "realMaxWaitingTimeMs":5,"realAvgWaitingTimeMs":0,"updatedDate":"%s"}""";
        // the poll is at 2026-11-23T11:00+11:00; the default stale age is 30 minutes
        assertEquals(false, read(agency.formatted("2026-11-23T10:30:00.000")).get("stale"), "30 minutes old: not stale yet");
        assertEquals(true, read(agency.formatted("2026-11-23T10:29:59.999")).get("stale"));
        validator.setStaleAfterMinutes(60);
        assertEquals(false, read(agency.formatted("2026-11-23T10:29:59.999")).get("stale"), "the age is a setting");
    }

    @Test
    void bandsAreThoseOfOptsApps() {
        assertEquals("green", validator.band(300_000));
        assertEquals("orange", validator.band(300_001));
        assertEquals("orange", validator.band(600_000));
        assertEquals("red", validator.band(600_001));
    }

    @Test
    void aNullPositionIsLeftOutAndWaitsConverted() throws Exception {
        Map<String, Object> reading = read("""
                {"idAgence":9502,"designation":"TOMO SERVICES","type":"RELAIS","commune":"BOULOUPARIS","position":null,
                 "realMaxWaitingTimeMs":90000,"realAvgWaitingTimeMs":45000,"updatedDate":"2026-11-23T10:58:01.250"}""");
        assertFalse(reading.containsKey("position"));
        assertEquals(1.5, reading.get("maxWaitMinutes"));
        assertEquals(0.75, reading.get("avgWaitMinutes"));
        assertEquals("2026-11-23T00:00:00.000Z", reading.get("@timestamp"));
        assertEquals("2026-11-23T10:58:01.250+11:00", reading.get("observedAt"));
    }

    @Test
    void unreadableFieldsAreRefusedWithTheirName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read("""
                {"idAgence":1,"designation":"X","type":"AGENCE","commune":"NOUMEA","position":{"lat":-22.2,"lon":166.4},
                 "realMaxWaitingTimeMs":-5,"realAvgWaitingTimeMs":0,"updatedDate":"2026-11-23T10:58:01.250"}"""));
        assertEquals("realMaxWaitingTimeMs must be a whole number of milliseconds >= 0, got -5", e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> read("""
                {"idAgence":1,"designation":"X","type":"AGENCE","commune":"NOUMEA",
                 "realMaxWaitingTimeMs":5,"updatedDate":"2026-11-23T10:58:01.250"}"""));
        assertEquals("realAvgWaitingTimeMs is missing", missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> read("""
                {"idAgence":1,"designation":"X","type":"AGENCE","commune":"NOUMEA","position":{"lat":-222,"lon":166.4},
                 "realMaxWaitingTimeMs":5,"realAvgWaitingTimeMs":0,"updatedDate":"2026-11-23T10:58:01.250"}"""));
    }
}
