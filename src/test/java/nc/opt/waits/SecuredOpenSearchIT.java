package nc.opt.waits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import nc.opt.waits.support.CamelApp;
import nc.opt.waits.support.OpenSearch;
import nc.opt.waits.support.TestKafka;
import nc.opt.waits.support.TestOpenSearch;
import nc.opt.waits.support.TestPki;
import nc.opt.waits.support.TlsGateway;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The index route against a secured OpenSearch (https with a private CA, basic auth) by
 * configuration alone: opensearch.url, opensearch.username, opensearch.password and
 * opensearch.ca-file. The OpenSearch of the tests has no security plugin, so a {@link TlsGateway}
 * stands in for it: an HTTPS reverse proxy with a server certificate signed by a CA made here with
 * keytool, demanding basic auth, in front of the plain-HTTP test OpenSearch.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredOpenSearchIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String USER = "pipeline";
    static final String PASSWORD = randomSecret();
    static final String WRONG_PASSWORD = randomSecret();
    static final int DOCS = 5;

    static Path dir;
    static Path caPem;
    static TlsGateway gateway;
    static HttpClient trustingClient;

    @BeforeAll
    static void start() throws Exception {
        String openSearch = TestOpenSearch.url();
        TestKafka.bootstrapServers();
        Files.createDirectories(Path.of("target"));
        dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "secured-opensearch-");
        char[] storePass = randomSecret().toCharArray();
        TestPki.make(dir, new String(storePass), "OPT-NC test CA " + RUN);
        caPem = dir.resolve("ca.pem");
        gateway = TlsGateway.start(dir.resolve("server.p12"), storePass, openSearch, USER, PASSWORD);
        trustingClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(trusting(caPem)).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    @Order(1)
    void theGatewayIsSecuredAsOpenSearchsSecurityPluginWouldBe() throws Exception {
        assertEquals(401, send(trustingClient, "GET", "/", null).statusCode(), "no credentials: refused");
        HttpResponse<String> wrong = send(trustingClient, "GET", "/", WRONG_PASSWORD);
        assertEquals(401, wrong.statusCode(), "wrong password: refused");
        assertTrue(wrong.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic "), wrong.headers().toString());
        assertEquals(200, send(trustingClient, "GET", "/", PASSWORD).statusCode(), "right password, CA trusted: through");
        HttpClient defaultTrust = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            send(defaultTrust, "GET", "/", PASSWORD);
            throw new AssertionError("the JDK's default trust store must not trust the private CA");
        } catch (javax.net.ssl.SSLHandshakeException expected) {
            // the certificate is from the private CA
        }
    }

    @Test
    @Order(2)
    void readingsAreIndexedOverHttpsWithBasicAuthAndTheCustomCa() throws Exception {
        String index = "it-secured-" + RUN;
        int refusedBefore = gateway.refused();
        int authorizedBefore = gateway.authorized();
        try (CamelApp indexer = indexer("ok", index, PASSWORD, caPem.toString())) {
            produce("it-secured-readings-ok-" + RUN, readings(DOCS));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> countThroughGateway(index) == DOCS);
            assertEquals(DOCS, OpenSearch.count(index), "the documents are in the OpenSearch behind the gateway");
        }
        assertEquals(refusedBefore, gateway.refused(), "the gateway refused none of the indexer's requests");
        assertTrue(gateway.authorized() - authorizedBefore >= 2,
                "the indexer's template and bulk requests went through with the right credentials: " + (gateway.authorized() - authorizedBefore));
        assertTrue(gateway.protocols().stream().allMatch(p -> p.startsWith("TLSv1.")), "over TLS: " + gateway.protocols());
        List<String> lines = Files.readAllLines(Path.of("target/test-logs/all.log"));
        assertTrue(lines.stream().anyMatch(l -> l.contains("OpenSearch at " + gateway.url()) && l.contains("basic auth as " + USER)),
                "the pipeline said where and as whom it indexes");
    }

    @Test
    @Order(3)
    void withAWrongPasswordNothingIsIndexedAndTheIndexerKeepsRetrying() throws Exception {
        String index = "it-secured-badpw-" + RUN;
        int refusedBefore = gateway.refused();
        int authorizedBefore = gateway.authorized();
        try (CamelApp indexer = indexer("badpw", index, WRONG_PASSWORD, caPem.toString())) {
            produce("it-secured-readings-badpw-" + RUN, readings(DOCS));
            assertNothingIndexedFor(index, Duration.ofSeconds(5));
            List<String> warnings = retryWarnings();
            assertTrue(warnings.stream().filter(l -> l.contains("401")).count() >= 2, "retried, refused with 401 each time: " + warnings);
            assertEquals(authorizedBefore, gateway.authorized(), "nothing went through with the wrong password");
            assertTrue(gateway.refused() - refusedBefore >= 2, "the gateway refused the requests: " + (gateway.refused() - refusedBefore));
        }
        assertEquals(0, OpenSearch.count(index));
    }

    @Test
    @Order(4)
    void withoutTheCaFileTheTlsHandshakeFailsAndNothingIsIndexed() throws Exception {
        String index = "it-secured-noca-" + RUN;
        int refusedBefore = gateway.refused();
        int authorizedBefore = gateway.authorized();
        try (CamelApp indexer = indexer("noca", index, PASSWORD, "")) {
            produce("it-secured-readings-noca-" + RUN, readings(DOCS));
            assertNothingIndexedFor(index, Duration.ofSeconds(5));
            List<String> warnings = retryWarnings();
            assertTrue(warnings.stream().filter(l -> l.contains("SSLHandshakeException")).count() >= 2,
                    "retried, the TLS handshake failed each time: " + warnings);
            assertEquals(authorizedBefore, gateway.authorized(), "no request got through the handshake");
            assertEquals(refusedBefore, gateway.refused(), "no request got through the handshake");
        }
        assertEquals(0, OpenSearch.count(index));
    }

    @Test
    @Order(5)
    void thePasswordsNeverAppearInTheLog() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("target/test-logs/all.log"));
        assertTrue(lines.stream().anyMatch(l -> l.contains("basic auth as " + USER)), "the log holds this class's indexer lines");
        for (String secret : List.of(PASSWORD, WRONG_PASSWORD)) {
            String basic = Base64.getEncoder().encodeToString((USER + ":" + secret).getBytes(StandardCharsets.UTF_8));
            assertTrue(lines.stream().noneMatch(l -> l.contains(secret) || l.contains(basic)), "a password or its Authorization header was logged");
        }
    }

    /** The index route alone (and the dead-letter topic), on its own topic, index and group, as `camel run` runs it. */
    static CamelApp indexer(String name, String index, String password, String caFile) throws Exception {
        Map<String, String> overrides = CamelApp.onTestStack("it-secured-readings-" + name + "-" + RUN,
                "it-secured-dead-letters-" + name + "-" + RUN, index, "it-secured-" + name + "-" + RUN);
        overrides.putAll(CamelApp.httpPorts());
        overrides.put("opensearch.url", gateway.url());
        overrides.put("opensearch.username", USER);
        overrides.put("opensearch.password", password);
        overrides.put("opensearch.ca-file", caFile);
        overrides.put("index.retry.initial-ms", "200");
        overrides.put("index.retry.max-ms", "1000");
        // the apps of the negative tests are stuck retrying their batch for ever (as they should):
        // stop them without the default grace periods (45 s for Camel, then 30 s + 30 s for the
        // Kafka consumer thread); redelivery stops when Camel stops (allowRedeliveryWhileStopping false)
        overrides.put("camel.main.shutdownTimeout", "1");
        overrides.put("camel.component.kafka.shutdownTimeout", "1000");
        return CamelApp.start("file:application.properties", CamelApp.INDEX_ONLY, overrides);
    }

    static void assertNothingIndexedFor(String index, Duration duration) throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            assertEquals(0, OpenSearch.count(index), "nothing indexed in " + index);
            Thread.sleep(500);
        }
    }

    /** the indexer's retry warnings for this gateway so far */
    static List<String> retryWarnings() throws Exception {
        return Files.readAllLines(Path.of("target/test-logs/all.log")).stream()
                .filter(l -> l.contains(" WARN ") && l.contains("OpenSearch at " + gateway.url()) && l.contains("not indexed yet"))
                .toList();
    }

    static long countThroughGateway(String index) throws Exception {
        send(trustingClient, "POST", "/" + index + "/_refresh", PASSWORD);
        HttpResponse<String> answer = send(trustingClient, "GET", "/" + index + "/_count", PASSWORD);
        return answer.statusCode() == 200 ? JSON.readTree(answer.body()).path("count").asLong(0) : 0;
    }

    static HttpResponse<String> send(HttpClient client, String method, String path, String password) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.url() + path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (password != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** synthetic readings, as the poll route writes them (see IndexingIT.synthetic) */
    static List<String> readings(int n) {
        List<String> readings = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int agencyId = 880001 + i;
            readings.add("{\"agencyId\":" + agencyId + ",\"designation\":\"Test agency " + agencyId + "\",\"commune\":\"NOUMEA\",\"type\":\"AGENCE\","
                    + "\"position\":{\"lat\":-22.27,\"lon\":166.44},\"maxWaitMs\":60000,\"avgWaitMs\":30000,"
                    + "\"maxWaitMinutes\":1.0,\"avgWaitMinutes\":0.5,\"waitBand\":\"green\",\"observedAt\":\"2030-02-01T08:00:00+11:00\","
                    + "\"@timestamp\":\"" + Instant.now() + "\",\"pollId\":\"secured\"}");
        }
        return readings;
    }

    static void produce(String topic, List<String> values) {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, "k", value));
            }
            producer.flush();
        }
    }

    static SSLContext trusting(Path pem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            int n = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + n++, certificate);
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, factory.getTrustManagers(), null);
        return tls;
    }

    static String randomSecret() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return "pw-" + HexFormat.of().formatHex(bytes);
    }
}
