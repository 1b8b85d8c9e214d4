package nc.opt.waits;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.json.stream.JsonGenerator;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.opensearch.OpensearchComponent;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.json.JsonpSerializable;
import org.opensearch.client.json.jackson.JacksonJsonpGenerator;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.opensearch.client.opensearch.core.bulk.IndexOperation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Turns a Kafka batch into the operations of one OpenSearch bulk request, and sorts its answer, for
 * the route template index-topic (index-readings.camel.yaml; one bean per index). Each document keeps the record's JSON
 * as it is, its id is the agency id and the observation time (a reading read again overwrites
 * itself), its index the month of the observation. Items refused as invalid become dead letters;
 * items refused for a passing reason (429, 5xx, 401/403) are sent again by the route's redelivery.
 */
public class OpenSearchBulk {
    private static final Logger LOG = LoggerFactory.getLogger(OpenSearchBulk.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy.MM").withZone(ZoneOffset.UTC);

    String indexName = "opt-waits-readings";
    private String templateFile = "opensearch/readings-template.json";
    /** a field whose value ends the document id (alerts: "event", raised or cleared); none for readings */
    private String idSuffixField = "";
    /** the route named as the source of the dead letters */
    private String source = "index-readings";
    private long progressLogMillis = 10_000;

    private volatile boolean templateInstalled;
    /** why the current batch is not indexed yet, and since when (null: indexing works); read by OpenSearchHealth */
    private volatile String failure;
    private volatile Instant failingSince;
    private long indexedSinceLog;
    private long lastLog = System.currentTimeMillis();

    /** A document: the record's JSON bytes, copied into the bulk request as they are. */
    record RawJson(byte[] json, String key) implements JsonpSerializable {
        @Override
        public void serialize(JsonGenerator generator, JsonpMapper mapper) {
            // the opensearch component's mapper is Jackson's; the bulk body is written as UTF-8 bytes
            com.fasterxml.jackson.core.JsonGenerator jackson = ((JacksonJsonpGenerator) generator).jacksonGenerator();
            try {
                jackson.writeRawValue(jackson.getOutputTarget() instanceof OutputStream ? new Utf8(json) : new SerializedString(text()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String text() {
            return new String(json, UTF_8);
        }
    }

    /** JSON already in UTF-8: Jackson's byte generator copies it, with no decoding and encoding again. */
    private static final class Utf8 extends SerializedString {
        Utf8(byte[] utf8) {
            super("");
            _unquotedUTF8Ref = utf8;
        }
    }

    /** What a batch still has to index, kept across the redeliveries of its bulk request. */
    public static final class Batch {
        final OpenSearchBulk owner;
        final List<IndexOperation<RawJson>> pending = new ArrayList<>();
        final List<Map<String, Object>> deadLetters = new ArrayList<>();
        final int size;

        Batch(OpenSearchBulk owner, int size) {
            this.owner = owner;
            this.size = size;
        }

        public List<IndexOperation<RawJson>> getPending() {
            return pending;
        }

        public List<Map<String, Object>> getDeadLetters() {
            return deadLetters;
        }

        public int getIndexed() {
            return size - deadLetters.size();
        }
    }

    /** A bulk answer with items refused for a passing reason: the route sends them again. */
    public static class NotIndexedYet extends IOException {
        NotIndexedYet(String message) {
            super(message);
        }
    }

    /** The batch (the body: the exchanges of one Kafka poll) as index operations; records that are not readings as dead letters. */
    public Batch operations(Exchange exchange) {
        List<?> records = exchange.getMessage().getBody(List.class);
        Batch batch = new Batch(this, records.size());
        for (Object item : records) {
            Message record = ((Exchange) item).getMessage();
            byte[] value = record.getBody(byte[].class);
            String key = record.getHeader("kafka.KEY", String.class);
            try {
                batch.pending.add(operation(value, key));
            } catch (IllegalArgumentException | DateTimeException | IOException notAReading) {
                batch.deadLetters.add(DeadLetter.of(source, "not a reading: " + notAReading.getMessage(),
                        value == null ? null : new String(value, UTF_8), null, key));
            }
        }
        return batch;
    }

    /** Before each bulk request of the batch (exchange property "batch"): the template, then the body: what is still pending. */
    public static void prepare(Exchange exchange) throws IOException {
        Batch batch = exchange.getProperty("batch", Batch.class);
        batch.owner.ensureTemplate(exchange);
        exchange.getMessage().setBody(new ArrayList<>(batch.pending));
    }

    /** Sorts the answer of a bulk request (the body: its items, in the order of the pending operations). */
    public static void results(Exchange exchange) throws NotIndexedYet {
        Batch batch = exchange.getProperty("batch", Batch.class);
        List<?> items = exchange.getMessage().getBody(List.class);
        List<IndexOperation<RawJson>> again = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            BulkResponseItem item = (BulkResponseItem) items.get(i);
            int status = item.status();
            IndexOperation<RawJson> operation = batch.pending.get(i);
            if (passing(status)) {
                again.add(operation);
            } else if (status >= 300) {
                String why = item.error() == null ? "" : item.error().type() + ": " + item.error().reason();
                batch.deadLetters.add(DeadLetter.of(batch.owner.source, "OpenSearch refused the document (HTTP " + status + "): " + why,
                        operation.document().text(), null, operation.document().key()));
            }
        }
        batch.pending.clear();
        batch.pending.addAll(again);
        if (!again.isEmpty()) {
            throw new NotIndexedYet(again.size() + " of " + items.size() + " documents refused for a passing reason (429, 5xx, 401/403)");
        }
        batch.owner.indexed(batch.getIndexed());
    }

    /**
     * A refusal that will pass: too many requests, a server error, or credentials refused (a rotated
     * password, a role without the right to create next month's index): better to wait for a fix
     * than to dead-letter every document.
     */
    static boolean passing(int status) {
        return status == 429 || status >= 500 || status == 401 || status == 403;
    }

    /** indexing fails, for this reason: read by the readiness check until the next batch is indexed */
    synchronized void failing(String reason) {
        failingSince = failure == null ? Instant.now() : failingSince;
        failure = reason;
    }

    private synchronized void indexed(int count) {
        if (failure != null) {
            LOG.info("OpenSearch indexes into {} again, after failing since {}", indexName, failingSince);
            failure = null;
        }
        indexedSinceLog += count;
        long now = System.currentTimeMillis();
        if (now - lastLog >= progressLogMillis) {
            LOG.info("Indexed {} documents into {} in the last {} s ({} per second)", indexedSinceLog, indexName,
                    (now - lastLog) / 1000, indexedSinceLog * 1000 / Math.max(1, now - lastLog));
            indexedSinceLog = 0;
            lastLog = now;
        }
    }

    /**
     * The operation for one record: the id (agency id, observation time in milliseconds, and the
     * suffix field if any) and the monthly index (by observation time, so a reading always lands in
     * the same index). One pass of the streaming parser also proves the value is one whole JSON
     * object on one line: anything else would break the bulk request's body.
     */
    IndexOperation<RawJson> operation(byte[] value, String key) throws IOException {
        if (value == null || value.length == 0) {
            throw new IllegalArgumentException("empty message");
        }
        String agencyId = null;
        String observedAt = null;
        String suffix = null;
        try (JsonParser parser = FACTORY.createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken token = parser.nextToken();
                if ("agencyId".equals(field) && token.isScalarValue()) {
                    agencyId = parser.getText();
                } else if ("observedAt".equals(field) && token == JsonToken.VALUE_STRING) {
                    observedAt = parser.getText();
                } else if (field.equals(idSuffixField) && token == JsonToken.VALUE_STRING) {
                    suffix = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new IllegalArgumentException("not one whole JSON object");
            }
            if (parser.currentLocation().getLineNr() != 1) {
                value = JSON.writeValueAsBytes(JSON.readTree(value));
            }
        }
        if (agencyId == null || agencyId.isBlank() || observedAt == null) {
            throw new IllegalArgumentException("no agencyId or observedAt");
        }
        if (!idSuffixField.isEmpty() && suffix == null) {
            throw new IllegalArgumentException("no " + idSuffixField);
        }
        Instant observed = OffsetDateTime.parse(observedAt).toInstant();
        String id = agencyId + "-" + observed.toEpochMilli() + (suffix == null ? "" : "-" + suffix);
        return new IndexOperation.Builder<RawJson>().index(indexName + "-" + MONTH.format(observed)).id(id)
                .document(new RawJson(value, key)).build();
    }

    /** The index template, installed once, before the first bulk request. */
    private void ensureTemplate(Exchange exchange) throws IOException {
        if (!templateInstalled) {
            synchronized (this) {
                if (!templateInstalled) {
                    IndexTemplate.install(exchange.getContext().getComponent("opensearch", OpensearchComponent.class).getClient(),
                            indexName, templateFile);
                    templateInstalled = true;
                }
            }
        }
    }

    /** why indexing is failing now, or null when it works; and since when */
    public String failure() {
        return failure;
    }
    public Instant failingSince() {
        return failingSince;
    }

    public String getIndexName() {
        return indexName;
    }

    public void setIndexName(String indexName) {
        this.indexName = indexName;
    }

    public void setTemplateFile(String templateFile) {
        this.templateFile = templateFile;
    }

    public void setIdSuffixField(String idSuffixField) {
        this.idSuffixField = idSuffixField == null ? "" : idSuffixField;
    }

    public void setSource(String source) {
        this.source = source;
    }

    public void setProgressLogMillis(long progressLogMillis) {
        this.progressLogMillis = progressLogMillis;
    }
}
