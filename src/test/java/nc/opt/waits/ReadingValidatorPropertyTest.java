package nc.opt.waits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import nc.opt.waits.support.HostileInput;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generated API answers thrown at the validator: whatever the answer, either the whole answer is
 * refused as not a list of agencies (the poll's invalid-answer path), or each agency gives a reading
 * that the record's own checks accept, or a dead letter whose reason names the field and why.
 */
class ReadingValidatorPropertyTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String REASON = "unreadable agency: (the agency is not a JSON object|("
            + String.join("|", HostileInput.API_FIELDS) + ") (is missing|must be .+, got .+))";
    static final DefaultCamelContext CAMEL = new DefaultCamelContext();
    final ReadingValidator validator = new ReadingValidator();

    @Property(tries = 10_000, edgeCases = EdgeCasesMode.NONE)
    void anyAnswerGivesValidReadingsOrNamedRefusals(@ForAll("answers") String answer) throws Exception {
        Instant pollTime = Instant.parse("2026-12-02T00:00:00.123Z");
        Exchange exchange = new DefaultExchange(CAMEL);
        exchange.getMessage().setBody(answer);
        exchange.setProperty("pollId", "poll-1");
        exchange.setProperty("pollTime", pollTime);
        List<Map<String, Object>> readings;
        try {
            readings = validator.normalize(exchange);
        } catch (InvalidAnswerException invalid) {
            assertNotNull(invalid.getMessage());
            Statistics.collect("answer refused whole");
            return;
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rejected = exchange.getProperty(ReadingValidator.REJECTED, List.class);
        assertEquals(JSON.readTree(answer).size(), readings.size() + rejected.size(), "each agency a reading or a dead letter");
        for (Map<String, Object> reading : readings) {
            JsonNode record = JSON.valueToTree(reading);
            assertEquals(reading, validator.validate(record, "", "other", Instant.now()), "the record's checks accept it as it is");
            assertTrue(((String) reading.get("observedAt")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d\\d:\\d\\d"));
            assertEquals("2026-12-02T00:00:00.123Z", reading.get("@timestamp"));
        }
        for (Map<String, Object> letter : rejected) {
            String reason = (String) letter.get("reason");
            assertTrue(reason.matches("(?s)" + REASON), reason);
            assertFalse(reason.contains("Exception"), reason);
        }
        Statistics.collect(rejected.isEmpty() ? "all agencies read" : readings.isEmpty() ? "all agencies dead-lettered" : "some dead-lettered");
    }

    @Provide
    Arbitrary<String> answers() {
        Arbitrary<String> arrays = HostileInput.broken(HostileInput.goodAgency(), HostileInput.API_FIELDS).list().ofMinSize(1).ofMaxSize(6)
                .map(agencies -> HostileInput.write(JSON.valueToTree(agencies)));
        return Arbitraries.frequencyOf(
                HostileInput.<String>w(8, arrays),
                HostileInput.<String>w(2, HostileInput.bodies(HostileInput.goodAgency(), HostileInput.API_FIELDS)));
    }
}
