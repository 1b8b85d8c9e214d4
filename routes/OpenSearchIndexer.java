package nc.opt.waits;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.ResponseException;
import org.opensearch.client.RestClient;
import org.opensearch.client.RestClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Indexes a batch of reading records from Kafka into OpenSearch with the bulk API, so that nothing
 * is lost and nothing is indexed twice:
 * <ul>
 *   <li>the index template (geo_point position, keywords, dates; monthly indices behind one alias)
 *       is installed before the first document;</li>
 *   <li>each document's id is the agency id and the observation time, so a re-delivered or re-polled
 *       reading overwrites itself instead of adding a duplicate;</li>
 *   <li>every item of every bulk answer is read: items refused as invalid (4xx) are returned as dead
 *       letters with OpenSearch's error; items that failed for a passing reason (429, 5xx, no
 *       connection) are sent again, alone, with exponential backoff, until they are indexed.</li>
 * </ul>
 * {@link #index} returns only when the whole batch is indexed or dead-lettered: the route commits
 * the Kafka offsets after that, so an OpenSearch outage pauses consumption and loses nothing.
 */
public class OpenSearchIndexer {
    private static final Logger LOG = LoggerFactory.getLogger(OpenSearchIndexer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy.MM").withZone(ZoneOffset.UTC);
    /** only what is read back from a bulk answer */
    private static final String BULK = "/_bulk?filter_path=errors,items.*.status,items.*.error";

    private String url = "http://127.0.0.1:9200";
    private String username = "";
    private String password = "";
    private String caFile = "";
    private String indexName = "opt-waits-readings";
    private String templateFile = "opensearch/readings-template.json";
    /** a field whose value ends the document id (alerts: "event", raised or cleared); none for readings */
    private String idSuffixField = "";
    /** the route named as the source of this indexer's dead letters */
    private String source = "index-readings";
    private long retryInitialMillis = 500;
    private long retryMaxMillis = 30_000;

    private long progressLogMillis = 10_000;
    /**
     * At most this many bulk requests in flight, whatever the number of consumers: a consumer over
     * the limit waits with its batch ready, and sends it as soon as a reply comes (read-ahead).
     * 0: no limit.
     */
    private int maxInFlight = 0;
    private Semaphore inFlight;
    /**
     * A batch of at least twice this many documents is sent as two bulk requests at once when no
     * other consumer is indexing and two places in flight are free: the last partition of a
     * backlog (the others caught up) then keeps two requests in flight, not one. 0: never split.
     */
    private int splitMinDocs = 500;
    /** batches split since the last progress line */
    private final AtomicInteger splitSinceLog = new AtomicInteger();
    /** the consumers inside index() now */
    private final AtomicInteger indexing = new AtomicInteger();
    /** sends the second half of a split batch */
    private ExecutorService halves;
    // backfill: while the route is behind (a backlog), the index refreshes less often: refreshing
    // every second costs OpenSearch merges and CPU that a backlog does not need (see the benchmark)
    /** the refresh interval while behind, e.g. "30s"; empty: the index's interval is never changed */
    private String backfillRefreshInterval = "";
    /** a batch is behind when its oldest record was written to Kafka longer ago than this */
    private long backfillAfterMillis = 30_000;
    /** the backfill ends once no batch has been behind for this long */
    private long backfillHoldMillis = 10_000;
    /** the index's own refresh interval, from the template file, given back when the backfill ends */
    private String refreshInterval = "1s";
    private boolean backfilling;
    private long lastBehind;

    private RestClient client;
    private volatile boolean templateInstalled;
    /** why the current batch is not indexed yet, and since when (null: indexing works); read by OpenSearchHealth */
    private volatile String lastFailure;
    private volatile Instant failingSince;
    // progress, logged every progressLogMillis while there is work (a backfill shows its rate)
    private long indexedSinceLog;
    private long deadSinceLog;
    private long totalIndexed;
    private long lastLog = System.currentTimeMillis();

    /** the monthly index names already made, by year * 100 + month */
    private final Map<Integer, String> monthlyIndices = new ConcurrentHashMap<>();
    /**
     * The body of a bulk request, about a megabyte: one per consumer thread, emptied and written
     * again for each request (a fresh one per batch would cost a large allocation every time).
     */
    private static final ThreadLocal<BulkBody> BODIES = ThreadLocal.withInitial(BulkBody::new);

    /** One Kafka record on its way to OpenSearch: source is the record's value, a JSON object on one line, in UTF-8. */
    /**
     * A REST client's builder for OpenSearch at url (one URL or a comma-separated list), with basic
     * auth when username is set and the CA(s) of caFile trusted when set; shared by the map's searches.
     */
    static RestClientBuilder clientBuilder(String url, String username, String password, String caFile) throws Exception {
        List<HttpHost> hosts = new ArrayList<>();
        for (String one : url.split("\\s*,\\s*")) {
            URI uri = URI.create(one);
            hosts.add(new HttpHost(uri.getScheme(), uri.getHost(), uri.getPort() < 0 ? 9200 : uri.getPort()));
        }
        RestClientBuilder builder = RestClient.builder(hosts.toArray(new HttpHost[0]));
        if (!username.isBlank()) {
            String basic = Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
            builder.setDefaultHeaders(new Header[] {new BasicHeader("Authorization", "Basic " + basic)});
        }
        if (!caFile.isBlank()) {
            SSLContext tls = trusting(Path.of(caFile));
            builder.setHttpClientConfigCallback(http -> http.setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                    .setTlsStrategy(ClientTlsStrategyBuilder.create().setSslContext(tls).build()).build()));
        }
        return builder;
    }

    record Doc(String index, String id, byte[] source, String key) {
        String sourceText() {
            return new String(source, StandardCharsets.UTF_8);
        }
    }

    public void start() throws Exception {
        client = clientBuilder(url, username, password, caFile).build();
        inFlight = new Semaphore(maxInFlight > 0 ? maxInFlight : Integer.MAX_VALUE, true);
        AtomicInteger threads = new AtomicInteger();
        halves = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "opensearch-bulk-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        LOG.info("Indexing into OpenSearch at {} (alias {}, monthly indices {}-yyyy.MM){}", url, indexName, indexName,
                username.isBlank() ? "" : ", basic auth as " + username);
    }

    public void stop() throws IOException {
        if (client != null) {
            synchronized (this) {
                if (backfilling) {
                    backfill(false, "stopping");
                }
            }
            client.close();
        }
        if (halves != null) {
            halves.shutdownNow();
        }
    }

    /**
     * Indexes the batch (the body: the exchanges of one Kafka poll) and returns the dead letters:
     * records that are not readings, and documents OpenSearch refused as invalid.
     */
    public List<Map<String, Object>> index(Exchange exchange) throws InterruptedException {
        indexing.incrementAndGet();
        try {
            return indexBatch(exchange);
        } finally {
            indexing.decrementAndGet();
        }
    }

    private List<Map<String, Object>> indexBatch(Exchange exchange) throws InterruptedException {
        List<?> batch = exchange.getMessage().getBody(List.class);
        List<Map<String, Object>> deadLetters = new ArrayList<>();
        List<Doc> pending = new ArrayList<>(batch.size());
        boolean watchBacklog = !backfillRefreshInterval.isEmpty();
        long oldestWritten = Long.MAX_VALUE;
        for (Object item : batch) {
            Message record = ((Exchange) item).getMessage();
            // the value as Kafka holds it (the route reads it with the ByteArrayDeserializer): no text decoding
            byte[] value = record.getBody(byte[].class);
            String key = record.getHeader("kafka.KEY", String.class);
            if (watchBacklog) {
                Long written = record.getHeader("kafka.TIMESTAMP", Long.class);
                if (written != null && written < oldestWritten) {
                    oldestWritten = written;
                }
            }
            try {
                pending.add(toDoc(value, key));
            } catch (IllegalArgumentException | java.time.DateTimeException | IOException notAReading) {
                deadLetters.add(DeadLetter.of(source, "not a reading: " + notAReading.getMessage(),
                        value == null ? null : new String(value, StandardCharsets.UTF_8), null, key));
            }
        }
        int attempt = 0;
        while (!pending.isEmpty()) {
            String failure;
            try {
                ensureTemplate();
                pending = bulkInParts(pending, deadLetters);
                failure = pending.isEmpty() ? null : pending.size() + " items refused for a passing reason (429, 5xx, 401/403)";
            } catch (IOException e) {
                failure = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            if (failure != null) {
                failing(failure);
                if (exchange.getContext().isStopping()) {
                    throw new IllegalStateException("stopping while OpenSearch refuses (" + failure
                            + "): the batch is left uncommitted and will be read again");
                }
                long delay = Math.min(retryMaxMillis, retryInitialMillis << Math.min(attempt++, 16));
                LOG.warn("OpenSearch at {}: {} of {} documents not indexed yet ({}); retry {} in {} ms, Kafka offsets not committed meanwhile",
                        url, pending.size(), batch.size(), failure, attempt, delay);
                Thread.sleep(delay);
            }
        }
        if (lastFailure != null) {
            LOG.info("OpenSearch at {} indexes again, after failing since {}", url, failingSince);
            lastFailure = null;
        }
        if (oldestWritten != Long.MAX_VALUE) {
            // the oldest record of the batch: a batch may hold several partitions, one of them behind
            behind(System.currentTimeMillis() - oldestWritten);
        }
        progress(batch.size() - deadLetters.size(), deadLetters.size());
        exchange.setProperty("indexedCount", batch.size() - deadLetters.size());
        exchange.setProperty("deadLetterCount", deadLetters.size());
        exchange.setProperty("retries", attempt);
        return deadLetters;
    }

    private synchronized void failing(String why) {
        if (lastFailure == null) {
            failingSince = Instant.now();
        }
        lastFailure = why;
    }

    /**
     * Starts a backfill when a batch is behind by more than backfillAfterMillis, ends it once none
     * has been for backfillHoldMillis (several consumers: one that has caught up does not end the
     * backfill of another). Called after the batch is indexed: a failure here is logged, and the
     * next batch tries again.
     */
    private synchronized void behind(long behindMillis) {
        long now = System.currentTimeMillis();
        if (behindMillis > backfillAfterMillis) {
            lastBehind = now;
            if (!backfilling) {
                backfill(true, "the batch's oldest record was written " + behindMillis / 1000 + " s ago");
            }
        } else if (backfilling && now - lastBehind > backfillHoldMillis) {
            backfill(false, "no batch behind by more than " + backfillAfterMillis / 1000 + " s for " + backfillHoldMillis / 1000 + " s");
        }
    }

    /** Sets the refresh interval of the indices behind the alias; at the end, refreshes them at once. */
    private void backfill(boolean start, String why) {
        String interval = start ? backfillRefreshInterval : refreshInterval;
        try {
            refreshEvery(interval);
            if (!start) {
                client.performRequest(new Request("POST", "/" + indexName + "/_refresh"));
            }
            backfilling = start;
            LOG.info(start ? "Backfill: {}; {} refreshes every {} until it has caught up"
                    : "Backfill over ({}): {} refreshes every {} again", why, indexName, interval);
        } catch (IOException e) {
            LOG.warn("Could not set the refresh interval of {} to {} ({}): {}; tried again at the next batch",
                    indexName, interval, why, e.getMessage());
        }
    }

    /** Sets the refresh interval of every index behind the alias (none yet: 404). */
    private void refreshEvery(String interval) throws IOException {
        Request settings = new Request("PUT", "/" + indexName + "/_settings");
        settings.setJsonEntity("{\"index\":{\"refresh_interval\":" + JSON.writeValueAsString(interval) + "}}");
        client.performRequest(settings);
    }

    /** why indexing is failing now, or null when it works */
    public String failure() {
        return lastFailure;
    }

    public Instant failingSince() {
        return failingSince;
    }

    public String getIndexName() {
        return indexName;
    }

    private synchronized void progress(int indexed, int dead) {
        indexedSinceLog += indexed;
        deadSinceLog += dead;
        totalIndexed += indexed;
        long now = System.currentTimeMillis();
        if (now - lastLog >= progressLogMillis) {
            int split = splitSinceLog.getAndSet(0);
            LOG.info("Indexed {} readings in the last {} s ({} per second), {} dead-lettered; {} since start{}",
                    indexedSinceLog, (now - lastLog) / 1000, indexedSinceLog * 1000 / Math.max(1, now - lastLog), deadSinceLog, totalIndexed,
                    split == 0 ? "" : "; " + split + " batches sent as two requests (their consumer alone)");
            indexedSinceLog = 0;
            deadSinceLog = 0;
            lastLog = now;
        }
    }

    /**
     * Sends the documents as one bulk request, or as two at once when this consumer is the only one
     * indexing and two places in flight are free (see splitMinDocs). Returns the documents to send
     * again, adds the refused ones to deadLetters; when a request fails, it throws, and the caller
     * sends all the documents again (the same ids: nothing is indexed twice).
     */
    List<Doc> bulkInParts(List<Doc> docs, List<Map<String, Object>> deadLetters) throws IOException, InterruptedException {
        if (splitMinDocs <= 0 || docs.size() < 2 * splitMinDocs || indexing.get() > 1 || inFlight.availablePermits() < 2) {
            return bulk(docs, deadLetters);
        }
        splitSinceLog.incrementAndGet();
        int half = docs.size() / 2;
        List<Map<String, Object>> firstDead = new ArrayList<>();
        List<Map<String, Object>> secondDead = new ArrayList<>();
        Future<List<Doc>> second = halves.submit(() -> bulk(docs.subList(half, docs.size()), secondDead));
        List<Doc> retry = new ArrayList<>();
        Throwable failed = null;
        try {
            retry.addAll(bulk(docs.subList(0, half), firstDead));
        } catch (IOException | RuntimeException e) {
            failed = e;
        }
        try {
            retry.addAll(second.get()); // waited for even when the first half failed: no request left behind
        } catch (ExecutionException e) {
            failed = failed == null ? e.getCause() : failed;
        }
        // on a failure, the dead letters of both halves are dropped: all the documents are sent again
        if (failed instanceof IOException io) {
            throw io;
        } else if (failed instanceof RuntimeException runtime) {
            throw runtime;
        } else if (failed != null) {
            throw (Error) failed;
        }
        deadLetters.addAll(firstDead);
        deadLetters.addAll(secondDead);
        return retry;
    }

    /** Sends one bulk request; returns the documents to send again, adds the refused ones to deadLetters. */
    List<Doc> bulk(List<Doc> docs, List<Map<String, Object>> deadLetters) throws IOException {
        BulkBody body = BODIES.get();
        body.reset();
        for (Doc doc : docs) {
            body.add(doc);
        }
        Request request = new Request("POST", BULK);
        request.setEntity(body.entity());
        JsonNode failedItems;
        try {
            failedItems = send(request);
        } catch (ResponseException e) {
            int status = e.getResponse().getStatusLine().getStatusCode();
            if (passing(status)) {
                return docs; // the whole request was refused for now
            }
            if (docs.size() == 1) {
                deadLetters.add(DeadLetter.of(source, "OpenSearch refused the document (HTTP " + status + "): "
                        + e.getMessage(), docs.get(0).sourceText(), null, docs.get(0).key()));
                return List.of();
            }
            // the whole request was refused: send the documents one by one to find the culprit
            List<Doc> retry = new ArrayList<>();
            for (Doc doc : docs) {
                retry.addAll(bulk(List.of(doc), deadLetters));
            }
            return retry;
        }
        if (failedItems == null) {
            return List.of();
        }
        List<Doc> retry = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            JsonNode result = failedItems.path(i).path("index");
            int status = result.path("status").asInt(0);
            if (status >= 200 && status < 300) {
                continue;
            }
            Doc doc = docs.get(i);
            if (passing(status) || status == 0) {
                retry.add(doc);
            } else {
                deadLetters.add(DeadLetter.of(source, "OpenSearch refused the document (HTTP " + status + "): "
                        + result.path("error").toString(), doc.sourceText(), null, doc.key()));
            }
        }
        return retry;
    }

    /** Sends a bulk request once a place in flight is free; returns its failed items (null: none). */
    private JsonNode send(Request request) throws IOException {
        inFlight.acquireUninterruptibly();
        try {
            return failedItems(client.performRequest(request));
        } finally {
            inFlight.release();
        }
    }

    /**
     * A refusal that will pass: too many requests, a server error, or credentials refused (a rotated
     * password, a role without the right to create next month's index): better to wait for a fix
     * than to dead-letter every document.
     */
    static boolean passing(int status) {
        return status == 429 || status >= 500 || status == 401 || status == 403;
    }

    /** The index template, from the template file with this indexer's index name, installed once. */
    void ensureTemplate() throws IOException {
        if (!templateInstalled) {
            synchronized (this) { // once, when several consumers start at the same time
                if (!templateInstalled) {
                    installTemplate();
                }
            }
        }
    }

    private void installTemplate() throws IOException {
        ObjectNode template = (ObjectNode) JSON.readTree(Files.readString(Path.of(templateFile)));
        refreshInterval = template.path("template").path("settings").path("refresh_interval").asText("1s");
        template.putArray("index_patterns").add(indexName + "-*");
        ((ObjectNode) template.path("template")).putObject("aliases").putObject(indexName);
        Request put = new Request("PUT", "/_index_template/" + indexName);
        put.setJsonEntity(JSON.writeValueAsString(template));
        client.performRequest(put);
        // indices made by an older template get the fields added since (e.g. stale): with a strict
        // mapping, their documents would be refused otherwise. Adding a field never conflicts.
        Request mapping = new Request("PUT", "/" + indexName + "-*/_mapping");
        mapping.addParameter("allow_no_indices", "true");
        mapping.addParameter("ignore_unavailable", "true");
        ObjectNode properties = JSON.createObjectNode();
        properties.set("properties", template.path("template").path("mappings").path("properties"));
        mapping.setJsonEntity(JSON.writeValueAsString(properties));
        client.performRequest(mapping);
        if (!backfillRefreshInterval.isEmpty()) {
            // a backfill that a crash cut short left its interval on the indices: give theirs back
            try {
                refreshEvery(refreshInterval);
            } catch (ResponseException e) {
                if (e.getResponse().getStatusLine().getStatusCode() != 404) {
                    throw e; // 404: no index yet
                }
            }
        }
        templateInstalled = true;
        LOG.info("Index template {} installed: indices {}-* behind alias {}", indexName, indexName, indexName);
    }

    /**
     * The document for one record: its id (agency id and observation time, in milliseconds) and its
     * monthly index (by observation time, so that a reading always lands in the same index).
     */
    Doc toDoc(byte[] source, String key) throws IOException {
        String agencyId = null;
        String observedAt = null;
        String suffix = null;
        boolean oneLine;
        if (source == null) {
            throw new IllegalArgumentException("empty message");
        }
        // one full pass of the streaming parser: the fields of the id, and proof that the line is
        // one whole JSON object (a broken line would make OpenSearch refuse the whole bulk request)
        try (JsonParser parser = FACTORY.createParser(source)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("agencyId".equals(field) && value.isScalarValue()) {
                    agencyId = parser.getText();
                } else if ("observedAt".equals(field) && value == JsonToken.VALUE_STRING) {
                    observedAt = parser.getText();
                } else if (!idSuffixField.isEmpty() && idSuffixField.equals(field) && value == JsonToken.VALUE_STRING) {
                    suffix = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new IllegalArgumentException("not one whole JSON object");
            }
            // a line break (between tokens: JSON refuses one inside a string) would cut the bulk body's line
            oneLine = parser.currentLocation().getLineNr() == 1;
        }
        if (agencyId == null || agencyId.isBlank() || observedAt == null) {
            throw new IllegalArgumentException("no agencyId or observedAt");
        }
        if (!idSuffixField.isEmpty() && suffix == null) {
            throw new IllegalArgumentException("no " + idSuffixField);
        }
        Instant observed = instant(observedAt);
        byte[] line = oneLine ? source : JSON.writeValueAsBytes(JSON.readTree(source));
        String id = agencyId + "-" + observed.toEpochMilli() + (suffix == null ? "" : "-" + suffix);
        return new Doc(monthlyIndex(observed), id, line, key);
    }

    /** The index of the month of an instant (UTC): the alias name, "-", yyyy.MM. */
    String monthlyIndex(Instant observed) {
        LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(observed.getEpochSecond(), 86_400));
        int month = day.getYear() * 100 + day.getMonthValue();
        return monthlyIndices.computeIfAbsent(month, m -> indexName + "-" + MONTH.format(observed));
    }

    /**
     * The instant of an ISO-8601 date-time with an offset, as OffsetDateTime.parse reads it. The shapes
     * the pipeline writes (yyyy-MM-ddTHH:mm[:ss[.fraction]] then Z or +HH:MM) are read by hand, which
     * costs a tenth of java.time's parser (it was 11% of the index route's CPU in a profile); any
     * other text goes to OffsetDateTime.parse. Both throw DateTimeException on an invalid date.
     */
    static Instant instant(String text) {
        int n = text.length();
        if (n >= 17 && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T' && text.charAt(13) == ':') {
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 2);
            int day = digits(text, 8, 2);
            int hour = digits(text, 11, 2);
            int minute = digits(text, 14, 2);
            int second = 0;
            int nanos = 0;
            int i = 16;
            if (i + 2 < n && text.charAt(i) == ':') {
                second = digits(text, i + 1, 2);
                i += 3;
                if (i < n && text.charAt(i) == '.') {
                    int start = ++i;
                    while (i < n && i - start < 9 && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                        nanos = nanos * 10 + (text.charAt(i++) - '0');
                    }
                    nanos *= POWERS[9 - (i - start)]; // no digit after the point: 0, as java.time reads it
                }
            }
            int offset = Integer.MIN_VALUE;
            if (i == n - 1 && text.charAt(i) == 'Z') {
                offset = 0;
            } else if (i == n - 6 && (text.charAt(i) == '+' || text.charAt(i) == '-') && text.charAt(i + 3) == ':') {
                int hours = digits(text, i + 1, 2);
                int minutes = digits(text, i + 4, 2);
                if (hours >= 0 && hours <= 18 && minutes >= 0 && minutes <= 59) {
                    offset = (text.charAt(i) == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
                }
            }
            if (offset != Integer.MIN_VALUE && year >= 0 && month >= 0 && day >= 0 && hour >= 0 && minute >= 0 && second >= 0 && nanos >= 0) {
                // LocalDateTime.of checks the ranges (month 13, February 30, hour 24...) as the parser does
                long epochSecond = java.time.LocalDateTime.of(year, month, day, hour, minute, second)
                        .toEpochSecond(ZoneOffset.ofTotalSeconds(offset));
                return Instant.ofEpochSecond(epochSecond, nanos);
            }
        }
        return OffsetDateTime.parse(text).toInstant();
    }

    private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000};

    /** the number written with count digits from index start, or -1 */
    private static int digits(String text, int start, int count) {
        int value = 0;
        for (int i = start; i < start + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /**
     * The items of a bulk answer, or null when it says {"errors": false}: then nothing more is read
     * (the answer asks for errors first; with no error, it is a status per document).
     */
    private static JsonNode failedItems(Response response) throws IOException {
        JsonNode items = JSON.missingNode();
        try (InputStream in = response.getEntity().getContent(); JsonParser parser = FACTORY.createParser(in)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("errors".equals(field) && value == JsonToken.VALUE_FALSE) {
                    return null;
                } else if ("items".equals(field)) {
                    items = JSON.readTree(parser);
                } else {
                    parser.skipChildren();
                }
            }
        }
        return items;
    }

    /** A bulk request body in UTF-8: per document, its action line, then its source line. */
    static final class BulkBody extends ByteArrayOutputStream {
        private static final byte[] INDEX = "{\"index\":{\"_index\":\"".getBytes(StandardCharsets.UTF_8);
        private static final byte[] ID = "\",\"_id\":\"".getBytes(StandardCharsets.UTF_8);
        private static final byte[] END = "\"}}\n".getBytes(StandardCharsets.UTF_8);

        BulkBody() {
            super(1 << 20);
        }

        void add(Doc doc) {
            JsonStringEncoder quote = JsonStringEncoder.getInstance();
            writeBytes(INDEX);
            writeBytes(quote.quoteAsUTF8(doc.index()));
            writeBytes(ID);
            writeBytes(quote.quoteAsUTF8(doc.id()));
            writeBytes(END);
            writeBytes(doc.source());
            write('\n');
        }

        ByteArrayEntity entity() {
            return new ByteArrayEntity(buf, 0, count, ContentType.APPLICATION_JSON);
        }
    }

    private static SSLContext trusting(Path caFile) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            int n = 0;
            for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + n++, ca);
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, factory.getTrustManagers(), null);
        return tls;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public void setUsername(String username) {
        this.username = username == null ? "" : username;
    }

    public void setPassword(String password) {
        this.password = password == null ? "" : password;
    }

    public void setCaFile(String caFile) {
        this.caFile = caFile == null ? "" : caFile;
    }

    public void setIndexName(String indexName) {
        this.indexName = indexName;
    }

    public void setSource(String source) {
        this.source = source;
    }

    public void setIdSuffixField(String idSuffixField) {
        this.idSuffixField = idSuffixField == null ? "" : idSuffixField;
    }

    public void setTemplateFile(String templateFile) {
        this.templateFile = templateFile;
    }

    public void setRetryInitialMillis(long retryInitialMillis) {
        this.retryInitialMillis = retryInitialMillis;
    }

    public void setProgressLogMillis(long progressLogMillis) {
        this.progressLogMillis = progressLogMillis;
    }

    public void setMaxInFlight(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    public void setSplitMinDocs(int splitMinDocs) {
        this.splitMinDocs = splitMinDocs;
    }

    public void setBackfillRefreshInterval(String backfillRefreshInterval) {
        this.backfillRefreshInterval = backfillRefreshInterval == null ? "" : backfillRefreshInterval.trim();
    }

    public void setBackfillAfterMillis(long backfillAfterMillis) {
        this.backfillAfterMillis = backfillAfterMillis;
    }

    public void setBackfillHoldMillis(long backfillHoldMillis) {
        this.backfillHoldMillis = backfillHoldMillis;
    }

    public void setRetryMaxMillis(long retryMaxMillis) {
        this.retryMaxMillis = retryMaxMillis;
    }
}
