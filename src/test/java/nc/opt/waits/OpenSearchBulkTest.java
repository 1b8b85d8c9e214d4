package nc.opt.waits;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import jakarta.json.stream.JsonGenerator;
import org.junit.jupiter.api.Test;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch._types.ErrorCause;
import org.opensearch.client.opensearch.core.bulk.OperationType;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.opensearch.client.opensearch.core.bulk.IndexOperation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenSearchBulkTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String READING = "{\"agencyId\":\"1436\",\"designation\":\"Agence de Koné\",\"maxWaitMs\":420000,"
            + "\"position\":{\"lat\":-21.05,\"lon\":164.86},\"observedAt\":\"2026-12-01T08:00:00+11:00\"}";
    private final DefaultCamelContext camel = new DefaultCamelContext();

    @Test
    void aReadingIsSentAsItCameWithItsIdAndMonthlyIndex() throws IOException {
        OpenSearchBulk bulk = new OpenSearchBulk();
        IndexOperation<OpenSearchBulk.RawJson> operation = operation(bulk, READING, "1436");
        assertEquals(READING, operation.document().text(), "the record's JSON as Kafka held it");
        // 08:00 in Noumea on December 1st is still November 30th in UTC: the month is UTC's
        assertEquals("opt-waits-readings-2026.11", operation.index());
        assertEquals("1436-" + Instant.parse("2026-11-30T21:00:00Z").toEpochMilli(), operation.id());
        assertEquals("opt-waits-readings-2027.01", operation(bulk, READING.replace("2026-12-01T08", "2027-01-01T12"), null).index());
        bulk.setIdSuffixField("event");
        assertEquals(operation.id() + "-raised", operation(bulk, READING.replace("{", "{\"event\":\"raised\","), null).id());
        assertThrows(IllegalArgumentException.class, () -> operation(bulk, READING, null), "no event: no alert id");
    }

    @Test
    void theDocumentGoesIntoTheBulkBodyAsTheRecordsBytes() throws IOException {
        OpenSearchBulk.RawJson document = operation(new OpenSearchBulk(), READING, "1436").document();
        JacksonJsonpMapper mapper = new JacksonJsonpMapper();
        ByteArrayOutputStream body = new ByteArrayOutputStream(); // as the transport writes a bulk request
        try (JsonGenerator generator = mapper.jsonProvider().createGenerator(body)) {
            mapper.serialize(document, generator);
        }
        assertEquals(READING, body.toString(StandardCharsets.UTF_8), "the bytes, accents included");
        StringWriter text = new StringWriter(); // as a toString() writes it
        try (JsonGenerator generator = mapper.jsonProvider().createGenerator(text)) {
            mapper.serialize(document, generator);
        }
        assertEquals(READING, text.toString());
    }

    @Test
    void aReadingWithLineBreaksBetweenItsTokensIsSentOnOneLine() throws IOException {
        OpenSearchBulk bulk = new OpenSearchBulk();
        String pretty = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(READING));
        for (String text : List.of(pretty, pretty.replace("\n", "\r\n"), READING + "\n", "\n" + READING)) {
            String sent = operation(bulk, text, null).document().text();
            assertFalse(sent.contains("\n") || sent.contains("\r"), sent);
            assertEquals(JSON.readTree(READING), JSON.readTree(sent), "the same document");
        }
    }

    @Test
    void whatIsNotOneWholeReadingIsADeadLetterWithTheReason() {
        OpenSearchBulk bulk = new OpenSearchBulk();
        List<String> values = new ArrayList<>(List.of("this is not JSON", "[1, 2]", READING + READING, READING + " x",
                READING.substring(0, READING.length() - 1), READING.replace("Agence de", "Agence\nde"),
                READING.replace("\"agencyId\":\"1436\",", ""), READING.replace("2026-12-01T08", "2026-12-32T08"), ""));
        values.add(null);
        values.add(READING);
        OpenSearchBulk.Batch batch = bulk.operations(batchOf(values));
        assertEquals(1, batch.pending.size(), "only the reading");
        assertEquals(values.size() - 1, batch.getDeadLetters().size());
        for (Map<String, Object> letter : batch.getDeadLetters()) {
            assertEquals("index-readings", letter.get("source"));
            assertTrue(String.valueOf(letter.get("reason")).startsWith("not a reading: "), letter.toString());
        }
        assertEquals("not a reading: no agencyId or observedAt", batch.getDeadLetters().get(6).get("reason"));
        assertEquals("this is not JSON", batch.getDeadLetters().get(0).get("payload"), "the payload kept whole");
    }

    @Test
    void refusedItemsAreDeadLettersAndPassingRefusalsAreSentAgain() throws Exception {
        OpenSearchBulk bulk = new OpenSearchBulk();
        List<String> values = List.of(READING, READING.replace("1436", "1437"), READING.replace("1436", "1438"), READING.replace("1436", "1439"));
        Exchange exchange = batchOf(values);
        OpenSearchBulk.Batch batch = bulk.operations(exchange);
        exchange.setProperty("batch", batch);
        exchange.getMessage().setBody(List.of(item(201, null), item(400, "mapper_parsing_exception"), item(429, "rejected"), item(503, "unavailable")));
        OpenSearchBulk.NotIndexedYet notYet = assertThrows(OpenSearchBulk.NotIndexedYet.class, () -> OpenSearchBulk.results(exchange));
        assertEquals("2 of 4 documents refused for a passing reason (429, 5xx, 401/403)", notYet.getMessage());
        assertEquals(List.of("1438", "1439"), batch.pending.stream().map(op -> op.document().key()).toList(), "sent again: 429 and 503");
        assertEquals(1, batch.getDeadLetters().size());
        assertEquals("OpenSearch refused the document (HTTP 400): mapper_parsing_exception: why", batch.getDeadLetters().get(0).get("reason"));
        assertEquals("1437", batch.getDeadLetters().get(0).get("key"));

        // the next attempt (OpenSearchBulk.prepare, on a real OpenSearch in the ITs) sends only what is pending
        exchange.getMessage().setBody(List.of(item(200, null), item(201, null)));
        OpenSearchBulk.results(exchange);
        assertTrue(batch.pending.isEmpty());
        assertEquals(3, batch.getIndexed(), "4 records, 1 dead letter");
    }

    private static IndexOperation<OpenSearchBulk.RawJson> operation(OpenSearchBulk bulk, String value, String key) throws IOException {
        return bulk.operation(value.getBytes(StandardCharsets.UTF_8), key);
    }

    private Exchange batchOf(List<String> values) {
        List<Exchange> records = new ArrayList<>();
        for (String value : values) {
            Exchange record = new DefaultExchange(camel);
            record.getMessage().setBody(value);
            record.getMessage().setHeader("kafka.KEY", value == null || value.length() < 20 ? null : value.substring(13, 17));
            records.add(record);
        }
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(records);
        return exchange;
    }

    private static BulkResponseItem item(int status, String error) {
        return BulkResponseItem.of(b -> {
            b.operationType(OperationType.Index).index("i").id("x").status(status);
            if (error != null) {
                b.error(ErrorCause.of(e -> e.type(error).reason("why")));
            }
            return b;
        });
    }
}
