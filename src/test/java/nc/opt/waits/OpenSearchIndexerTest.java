package nc.opt.waits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenSearchIndexerTest {

    @Test
    void observationTimesAreReadAsJavaTimeReadsThem() {
        SplittableRandom random = new SplittableRandom(2026);
        List<ZoneOffset> offsets = List.of(ZoneOffset.UTC, ZoneOffset.ofHours(11), ZoneOffset.ofHours(-10),
                ZoneOffset.ofHoursMinutes(5, 30), ZoneOffset.ofHoursMinutes(-3, -30), ZoneOffset.ofHours(14), ZoneOffset.ofHours(-12));
        List<ChronoUnit> precisions = List.of(ChronoUnit.MINUTES, ChronoUnit.SECONDS, ChronoUnit.MILLIS, ChronoUnit.MICROS, ChronoUnit.NANOS);
        for (int i = 0; i < 100_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-2_000_000_000L, 4_000_000_000L), random.nextInt(1_000_000_000))
                    .truncatedTo(precisions.get(random.nextInt(precisions.size())));
            OffsetDateTime time = instant.atOffset(offsets.get(random.nextInt(offsets.size())));
            // toString drops zero seconds and trailing zeros of the fraction; the formatter keeps the seconds
            for (String text : List.of(time.toString(), DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time))) {
                assertEquals(OffsetDateTime.parse(text).toInstant(), OpenSearchIndexer.instant(text), text);
            }
        }
        // shapes the hand-written path leaves to java.time
        for (String text : List.of("2026-11-23t08:00:00+11:00", "2026-11-23T08:00:00+11:00:00", "+12026-11-23T08:00:00Z",
                "2026-11-23T08:00:00.+11:00")) {
            assertEquals(OffsetDateTime.parse(text).toInstant(), OpenSearchIndexer.instant(text), text);
        }
    }

    @Test
    void invalidObservationTimesAreRefusedAsJavaTimeRefusesThem() {
        for (String text : List.of("2026-02-30T08:00:00+11:00", "2026-13-01T08:00:00+11:00", "2026-11-23T24:00:00+11:00",
                "2026-11-23T08:60:00+11:00", "2026-11-23T08:00:60+11:00", "2026-11-23T08:00:00",
                "2026-11-23T08:00:00.1234567890+11:00", "2026-11-23T08:00:00+19:00", "2026-11-23T08:00:00+1100",
                "2026-11-23T08:0:00+11:00", "2026-11-23 08:00:00+11:00", "2026-11-23T08:00:00+11:00x", "not a time")) {
            assertThrows(DateTimeException.class, () -> OffsetDateTime.parse(text), "java.time refuses " + text);
            assertThrows(DateTimeException.class, () -> OpenSearchIndexer.instant(text), text);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String READING = "{\"agencyId\":\"1436\",\"designation\":\"Agence de Koné\",\"maxWaitMs\":420000,"
            + "\"position\":{\"lat\":-21.05,\"lon\":164.86},\"observedAt\":\"2026-12-01T08:00:00+11:00\"}";

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aReadingOnOneLineIsSentAsItCameWithItsIdAndMonthlyIndex() throws IOException {
        OpenSearchIndexer indexer = new OpenSearchIndexer();
        byte[] value = utf8(READING);
        OpenSearchIndexer.Doc doc = indexer.toDoc(value, "1436");
        assertArrayEquals(value, doc.source(), "the bytes as Kafka held them");
        // 08:00 in Noumea on December 1st is still November 30th in UTC: the month is UTC's
        assertEquals("opt-waits-readings-2026.11", doc.index());
        assertEquals("1436-" + Instant.parse("2026-11-30T21:00:00Z").toEpochMilli(), doc.id());
        assertEquals("1436", doc.key());
        assertEquals("opt-waits-readings-2027.01", indexer.toDoc(utf8(READING.replace("2026-12-01T08", "2027-01-01T12")), null).index());
    }

    @Test
    void aReadingWithLineBreaksBetweenItsTokensIsSentOnOneLine() throws IOException {
        OpenSearchIndexer indexer = new OpenSearchIndexer();
        String pretty = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(READING));
        for (String text : List.of(pretty, pretty.replace("\n", "\r\n"), pretty.replace("\n", "\r"), READING + "\n", "\n" + READING)) {
            byte[] line = indexer.toDoc(utf8(text), null).source();
            String sent = new String(line, StandardCharsets.UTF_8);
            assertFalse(sent.contains("\n") || sent.contains("\r"), sent);
            assertEquals(JSON.readTree(READING), JSON.readTree(line), "the same document");
        }
    }

    @Test
    void whatIsNotOneWholeReadingIsRefused() {
        OpenSearchIndexer indexer = new OpenSearchIndexer();
        List<byte[]> refused = List.of(utf8("this is not JSON"), utf8("[1, 2]"), utf8(READING + READING), utf8(READING + " x"),
                utf8(READING.substring(0, READING.length() - 1)), utf8(READING.replace("Agence de", "Agence\nde")),
                utf8(READING.replace("\"agencyId\":\"1436\",", "")), utf8(READING.replace("2026-12-01T08", "2026-12-32T08")),
                utf8("{\"agencyId\":\"1436\",\"observedAt\":\"2026-12-01T08:00:00+11:00\",\"designation\":\"Kon\u00e9\"}"
                        .replace("\u00e9", "\u0000")), new byte[0]);
        for (byte[] value : refused) {
            Exception e = assertThrows(Exception.class, () -> indexer.toDoc(value, null), new String(value, StandardCharsets.UTF_8));
            assertTrue(e instanceof IOException || e instanceof IllegalArgumentException || e instanceof DateTimeException, e.toString());
        }
        // a byte that cannot start a UTF-8 character, inside a string
        byte[] notUtf8 = utf8(READING);
        notUtf8[READING.indexOf("Kon") + 3] = (byte) 0xFF;
        assertThrows(IOException.class, () -> indexer.toDoc(notUtf8, null));
        assertThrows(IllegalArgumentException.class, () -> indexer.toDoc(null, null));
    }

    @Test
    void theBulkBodyIsOneActionLineAndOneSourceLinePerDocumentWithTheIdsEscaped() throws IOException {
        OpenSearchIndexer indexer = new OpenSearchIndexer();
        OpenSearchIndexer.BulkBody body = new OpenSearchIndexer.BulkBody();
        List<String> agencies = List.of("1436", "quote\" back\\slash", "Koné");
        for (String agency : agencies) {
            body.add(indexer.toDoc(utf8(READING.replace("1436", agency.replace("\\", "\\\\").replace("\"", "\\\""))), null));
        }
        String[] lines = new String(body.toByteArray(), StandardCharsets.UTF_8).split("\n", -1);
        assertEquals(2 * agencies.size() + 1, lines.length, "two lines per document, each ended by a line break");
        assertEquals("", lines[lines.length - 1]);
        for (int i = 0; i < agencies.size(); i++) {
            JsonNode action = JSON.readTree(lines[2 * i]).path("index");
            assertEquals(agencies.get(i) + "-" + Instant.parse("2026-11-30T21:00:00Z").toEpochMilli(), action.path("_id").asText());
            assertEquals("opt-waits-readings-2026.11", action.path("_index").asText());
            assertEquals(agencies.get(i), JSON.readTree(lines[2 * i + 1]).path("agencyId").asText());
        }
        body.reset();
        assertEquals(0, body.entity().getContentLength(), "emptied for the next request");
    }

    /**
     * Four consumers send a bulk each at the same moment to a server that takes 300 ms per answer:
     * at most max-in-flight requests reach it at once (no limit: all four). Not OpenSearch: only
     * the number of requests at once is looked at.
     */
    @Test
    void noMoreBulkRequestsReachOpenSearchAtOnceThanMaxInFlight() throws Exception {
        assertEquals(2, mostBulkRequestsAtOnce(2, 4));
        assertEquals(1, mostBulkRequestsAtOnce(1, 4));
        assertEquals(4, mostBulkRequestsAtOnce(0, 4));
    }

    private static int mostBulkRequestsAtOnce(int maxInFlight, int consumers) throws Exception {
        try (StubServer server = new StubServer(300)) {
            OpenSearchIndexer indexer = started(server, maxInFlight, 0);
            ExecutorService threads = Executors.newFixedThreadPool(consumers);
            try {
                CountDownLatch ready = new CountDownLatch(consumers);
                List<Future<List<OpenSearchIndexer.Doc>>> sent = new ArrayList<>();
                for (int i = 0; i < consumers; i++) {
                    OpenSearchIndexer.Doc doc = indexer.toDoc(utf8(READING.replace("1436", "14" + i)), null);
                    sent.add(threads.submit(() -> {
                        ready.countDown();
                        ready.await();
                        return indexer.bulk(List.of(doc), new ArrayList<Map<String, Object>>());
                    }));
                }
                for (Future<List<OpenSearchIndexer.Doc>> one : sent) {
                    assertEquals(List.of(), one.get(), "indexed, nothing to send again");
                }
                return server.mostBulksAtOnce.get();
            } finally {
                threads.shutdownNow();
                indexer.stop();
            }
        }
    }

    /**
     * At the end of a backlog, the consumer of the largest partition indexes alone: its batch of
     * 1,000 goes as two bulk requests of 500 at once (the server takes 300 ms per answer). As one
     * request: with split-min-docs 0, or when only one place in flight is free (max-in-flight 1).
     */
    @Test
    void aConsumerIndexingAloneSendsItsBatchAsTwoRequestsAtOnce() throws Exception {
        try (StubServer server = new StubServer(300); DefaultCamelContext camel = new DefaultCamelContext()) {
            OpenSearchIndexer split = started(server, 2, 500);
            OpenSearchIndexer whole = started(server, 2, 0);
            OpenSearchIndexer onePlace = started(server, 1, 500);
            try {
                assertEquals(List.of(), split.index(batch(camel, 10_000, 1_000)), "no dead letter");
                assertEquals(List.of(500, 500), server.bulkSizes);
                assertEquals(2, server.mostBulksAtOnce.get(), "both halves at once");
                assertEquals(1_000, Set.copyOf(server.acceptedIds).size(), "every document");

                server.bulkSizes.clear();
                server.mostBulksAtOnce.set(0);
                whole.index(batch(camel, 20_000, 1_000));
                onePlace.index(batch(camel, 30_000, 1_000));
                assertEquals(List.of(1_000, 1_000), server.bulkSizes);
                assertEquals(1, server.mostBulksAtOnce.get());
            } finally {
                split.stop();
                whole.stop();
                onePlace.stop();
            }
        }
    }

    /** While another consumer is indexing (its request held 1 s by the server), a batch goes whole. */
    @Test
    void aConsumerDoesNotSplitItsBatchWhileAnotherIsIndexing() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (StubServer server = new StubServer(1_000); DefaultCamelContext camel = new DefaultCamelContext()) {
            OpenSearchIndexer indexer = started(server, 3, 500);
            try {
                Future<?> first = other.submit(() -> indexer.index(batch(camel, 10_000, 1)));
                for (int i = 0; i < 500 && server.bulksNow.get() == 0; i++) {
                    Thread.sleep(10);
                }
                assertEquals(1, server.bulksNow.get(), "the other consumer's request is held");
                indexer.index(batch(camel, 20_000, 1_000));
                first.get();
                assertEquals(List.of(1, 1_000), server.bulkSizes);
            } finally {
                indexer.stop();
            }
        } finally {
            other.shutdownNow();
        }
    }

    /**
     * One half of a split batch is refused (503, a passing failure): that half is sent again (as one
     * request: 500 documents are too few to split), every document is indexed once, none dead-lettered.
     */
    @Test
    void whenOneHalfIsRefusedThatHalfIsSentAgain() throws Exception {
        try (StubServer server = new StubServer(50); DefaultCamelContext camel = new DefaultCamelContext()) {
            server.refuseBulks.set(1);
            OpenSearchIndexer indexer = started(server, 2, 500);
            indexer.setRetryInitialMillis(10);
            try {
                Exchange exchange = batch(camel, 10_000, 1_000);
                assertEquals(List.of(), indexer.index(exchange), "no dead letter");
                assertEquals(List.of(500, 500, 500), server.bulkSizes);
                assertEquals(1_000, server.acceptedIds.size());
                assertEquals(1_000, Set.copyOf(server.acceptedIds).size(), "every document, once");
                assertEquals(1_000, exchange.getProperty("indexedCount", Integer.class));
                assertEquals(1, exchange.getProperty("retries", Integer.class));
            } finally {
                indexer.stop();
            }
        }
    }

    private static OpenSearchIndexer started(StubServer server, int maxInFlight, int splitMinDocs) throws Exception {
        OpenSearchIndexer indexer = new OpenSearchIndexer();
        indexer.setUrl(server.url());
        indexer.setIndexName("unit-split");
        indexer.setMaxInFlight(maxInFlight);
        indexer.setSplitMinDocs(splitMinDocs);
        indexer.start();
        return indexer;
    }

    /** a batch as the Kafka consumer hands it on: the exchanges of count readings of agencies firstAgency, firstAgency + 1... */
    private static Exchange batch(DefaultCamelContext camel, int firstAgency, int count) {
        List<Exchange> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(record(camel, firstAgency + i));
        }
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(records);
        return exchange;
    }

    /** one record as the Kafka consumer hands it on: a reading of this agency, keyed by its id */
    private static Exchange record(DefaultCamelContext camel, int agency) {
        Exchange record = new DefaultExchange(camel);
        record.getMessage().setBody(utf8(READING.replace("1436", String.valueOf(agency))));
        record.getMessage().setHeader("kafka.KEY", String.valueOf(agency));
        return record;
    }

    /**
     * One consumer reads two partitions: a batch holds records of both. When one partition is 10
     * minutes behind, the batch is behind, whichever partition its last record came from; the
     * indices then refresh every index.backfill.refresh-interval. A batch of fresh records is not.
     */
    @Test
    void aBatchIsBehindWhenAnyOfItsRecordsIsOld() throws Exception {
        long now = System.currentTimeMillis();
        long tenMinutesAgo = now - 600_000;
        assertEquals(List.of("{\"index\":{\"refresh_interval\":\"30s\"}}"), backfillSettingsAfter(List.of(tenMinutesAgo, now)),
                "the old partition first, a fresh one last");
        assertEquals(List.of("{\"index\":{\"refresh_interval\":\"30s\"}}"), backfillSettingsAfter(List.of(now, tenMinutesAgo)),
                "a fresh partition first, the old one last");
        assertEquals(List.of(), backfillSettingsAfter(List.of(now - 1_000, now)), "all fresh: no backfill");
    }

    /** indexes one batch of records written at these times; returns the refresh-interval settings sent after the start-up ones */
    private static List<String> backfillSettingsAfter(List<Long> writtenAt) throws Exception {
        try (StubServer server = new StubServer(0); DefaultCamelContext camel = new DefaultCamelContext()) {
            OpenSearchIndexer indexer = new OpenSearchIndexer();
            indexer.setUrl(server.url());
            indexer.setIndexName("unit-backfill");
            indexer.setBackfillRefreshInterval("30s");
            indexer.setBackfillAfterMillis(30_000);
            indexer.start();
            try {
                indexer.ensureTemplate(); // the start-up settings (the template's 1s given back) are not looked at
                server.settings.clear();
                List<Exchange> batch = new ArrayList<>();
                for (int i = 0; i < writtenAt.size(); i++) {
                    Exchange record = record(camel, 1400 + i);
                    record.getMessage().setHeader("kafka.PARTITION", i);
                    record.getMessage().setHeader("kafka.TIMESTAMP", writtenAt.get(i));
                    batch.add(record);
                }
                Exchange exchange = new DefaultExchange(camel);
                exchange.getMessage().setBody(batch);
                assertEquals(List.of(), indexer.index(exchange), "no dead letter");
                assertEquals(writtenAt.size(), exchange.getProperty("indexedCount", Integer.class));
                return List.copyOf(server.settings);
            } finally {
                indexer.stop();
            }
        }
    }

    /**
     * Not OpenSearch: an HTTP server that answers every bulk request {"errors":false} after a delay
     * (counting how many it holds at once), records the bodies of PUT .../_settings and answers the
     * rest 200 {}.
     */
    static final class StubServer implements AutoCloseable {
        final AtomicInteger mostBulksAtOnce = new AtomicInteger();
        final List<String> settings = new CopyOnWriteArrayList<>();
        /** the documents of each bulk request, in the order they came */
        final List<Integer> bulkSizes = new CopyOnWriteArrayList<>();
        /** the ids of the documents of the bulk requests answered 200 */
        final List<String> acceptedIds = new CopyOnWriteArrayList<>();
        /** the next this many bulk requests are answered 503 */
        final AtomicInteger refuseBulks = new AtomicInteger();
        final AtomicInteger bulksNow = new AtomicInteger();
        private final HttpServer server;
        private final ExecutorService threads = Executors.newCachedThreadPool();

        StubServer(long bulkMillis) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(threads);
            server.createContext("/", http -> {
                byte[] request = http.getRequestBody().readAllBytes();
                String answer = "{}";
                int status = 200;
                if (http.getRequestURI().getPath().equals("/_bulk")) {
                    mostBulksAtOnce.accumulateAndGet(bulksNow.incrementAndGet(), Math::max);
                    String[] lines = new String(request, StandardCharsets.UTF_8).split("\n");
                    bulkSizes.add(lines.length / 2);
                    try {
                        Thread.sleep(bulkMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        bulksNow.decrementAndGet();
                    }
                    if (refuseBulks.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        status = 503;
                    } else {
                        for (int i = 0; i < lines.length; i += 2) {
                            acceptedIds.add(JSON.readTree(lines[i]).path("index").path("_id").asText());
                        }
                        answer = "{\"errors\":false}";
                    }
                } else if (http.getRequestMethod().equals("PUT") && http.getRequestURI().getPath().endsWith("/_settings")) {
                    settings.add(new String(request, StandardCharsets.UTF_8));
                }
                byte[] body = utf8(answer);
                http.getResponseHeaders().set("Content-Type", "application/json");
                http.sendResponseHeaders(status, body.length);
                http.getResponseBody().write(body);
                http.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
            threads.shutdownNow();
        }
    }
}
