package nc.opt.waits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import nc.opt.waits.support.CamelApp;
import nc.opt.waits.support.Http;
import nc.opt.waits.support.OpenSearch;
import nc.opt.waits.support.SecuredTestKafka;
import nc.opt.waits.support.TestOpenSearch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pipeline on a secured Kafka (SASL_SSL, SCRAM-SHA-512, a private CA, mutual TLS) by
 * configuration alone: the README's keys (camel.component.kafka.securityProtocol, saslMechanism,
 * saslJaasConfig, sslTruststoreLocation, sslTruststoreType, sslTruststorePassword, and for mutual
 * TLS sslKeystoreLocation, sslKeystoreType, sslKeystorePassword), the secrets from the environment
 * (KAFKA_SASL_JAAS_CONFIG, KAFKA_TRUSTSTORE_PASSWORD and KAFKA_KEYSTORE_PASSWORD, set by failsafe,
 * as in production). The broker is a second Kafka, a process of its own ({@link SecuredTestKafka}), whose only
 * client listener is SASL_SSL and asks for a client certificate; its CA, key store and the
 * pipeline's PKCS12 trust and key stores are made here with keytool.
 * All the routes but the poll run, as `camel run` runs them: readings come in by POST /readings.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredKafkaIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String API_KEY = "it-ingest-key-" + RUN;
    static final String READINGS = "it-sk-readings-" + RUN;
    static final String ALERTS = "it-sk-alerts-" + RUN;
    static final String THRESHOLDS = "it-sk-thresholds-" + RUN;
    static final String INDEX = "it-sk-readings-" + RUN;
    static final String JAAS = System.getenv("KAFKA_SASL_JAAS_CONFIG");
    static final String TRUSTSTORE_PASSWORD = System.getenv("KAFKA_TRUSTSTORE_PASSWORD");
    static final String KEYSTORE_PASSWORD = System.getenv("KAFKA_KEYSTORE_PASSWORD");
    static final String WRONG_PASSWORD = "wrong-" + UUID.randomUUID();
    static final int READINGS_SENT = 5;

    static String user;
    static String password;
    static Path dir;
    static SecuredTestKafka kafka;
    static CamelApp pipeline;
    static String url;

    @BeforeAll
    static void start() throws Exception {
        assertTrue(JAAS != null && TRUSTSTORE_PASSWORD != null && TRUSTSTORE_PASSWORD.length() >= 10
                        && KEYSTORE_PASSWORD != null && KEYSTORE_PASSWORD.length() >= 10,
                "failsafe sets KAFKA_SASL_JAAS_CONFIG, KAFKA_TRUSTSTORE_PASSWORD and KAFKA_KEYSTORE_PASSWORD for this test");
        Matcher credentials = Pattern.compile("username=\"([^\"]+)\"\\s+password=\"([^\"]+)\"").matcher(JAAS);
        assertTrue(credentials.find(), "KAFKA_SASL_JAAS_CONFIG names a user and a password");
        user = credentials.group(1);
        password = credentials.group(2);
        String openSearch = TestOpenSearch.url();
        Files.createDirectories(Path.of("target"));
        dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "secured-kafka-");
        kafka = SecuredTestKafka.start(dir, user, password, TRUSTSTORE_PASSWORD, KEYSTORE_PASSWORD);
        int port = CamelApp.freePort();
        url = "http://127.0.0.1:" + port;
        Map<String, String> overrides = pipelineOverrides(port, openSearch);
        // the secrets' keys in a properties file, as docs/security.md has them (the summary lists a
        // file's keys, not the overrides)
        Path secrets = Files.writeString(dir.resolve("kafka-secrets.properties"), """
                camel.component.kafka.saslJaasConfig={{env:KAFKA_SASL_JAAS_CONFIG}}
                camel.component.kafka.sslTruststorePassword={{env:KAFKA_TRUSTSTORE_PASSWORD}}
                camel.component.kafka.sslKeystorePassword={{env:KAFKA_KEYSTORE_PASSWORD}}
                """);
        // the property summary is off by default; on here, to show it masks the secrets when turned on
        overrides.put("camel.main.autoConfigurationLogSummary", "true");
        pipeline = CamelApp.start("file:application.properties,file:" + secrets, "file:routes/*.camel.yaml", overrides);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (pipeline != null) {
                pipeline.close();
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }

    /**
     * Every route but the poll; its own topics, groups and indices; the broker and the settings of
     * the README's "Kafka: SASL_SSL" section but the two secrets, which the caller adds.
     */
    static Map<String, String> pipelineOverrides(int port, String openSearch) {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("camel.component.kafka.brokers", kafka.bootstrapServers());
        overrides.put("camel.component.kafka.securityProtocol", "SASL_SSL");
        overrides.put("camel.component.kafka.saslMechanism", "SCRAM-SHA-512");
        overrides.put("camel.component.kafka.sslTruststoreLocation", kafka.truststore().toString());
        overrides.put("camel.component.kafka.sslTruststoreType", "PKCS12");
        overrides.put("camel.component.kafka.sslKeystoreLocation", kafka.keystore().toString());
        overrides.put("camel.component.kafka.sslKeystoreType", "PKCS12");
        overrides.put("kafka.topic.readings", READINGS);
        overrides.put("kafka.topic.dead-letter", READINGS + "-dlq");
        overrides.put("alerts.topic", ALERTS);
        overrides.put("alerts.thresholds-topic", THRESHOLDS);
        overrides.put("alerts.start-from", "earliest");
        overrides.put("alerts.index.name", "it-sk-alerts-" + RUN);
        overrides.put("opensearch.url", openSearch);
        overrides.put("index.name", INDEX);
        overrides.put("index.batch-max-wait-ms", "200");
        overrides.put("ingest.api-key", API_KEY);
        overrides.put("camel.server.port", String.valueOf(port));
        overrides.put("camel.management.port", String.valueOf(port));
        overrides.put("camel.main.routesExcludePattern", CamelApp.POLL_ROUTES);
        return overrides;
    }

    @Test
    @Order(1)
    void theBrokerLetsInOnlyTheRightUserOverTlsWithTheCa() throws Exception {
        try (Admin admin = Admin.create(kafka.clientConfig(user, password))) {
            assertFalse(admin.describeCluster().clusterId().get().isEmpty(), "the right user, the CA trusted: through");
        }
        Throwable wrong = refusal(kafka.clientConfig(user, WRONG_PASSWORD));
        assertInstanceOf(SaslAuthenticationException.class, wrong, "a wrong password: refused by SASL");
        Map<String, Object> defaultTrust = kafka.clientConfig(user, password);
        defaultTrust.keySet().removeIf(key -> key.startsWith("ssl.truststore."));
        assertInstanceOf(SslAuthenticationException.class, refusal(defaultTrust), "without the CA: the TLS handshake fails");
        Map<String, Object> noCertificate = kafka.clientConfig(user, password);
        noCertificate.keySet().removeIf(key -> key.startsWith("ssl.keystore."));
        assertInstanceOf(SslAuthenticationException.class, refusal(noCertificate),
                "the right user, the CA trusted, but no client certificate: the TLS handshake fails");
        Map<String, Object> plaintext = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000);
        assertInstanceOf(TimeoutException.class, refusal(plaintext), "a PLAINTEXT client gets no answer");
    }

    @Test
    @Order(2)
    void postedReadingsLandOnTheSecuredTopicAndAreIndexed() throws Exception {
        List<String> readings = new ArrayList<>();
        for (int i = 1; i <= READINGS_SENT; i++) {
            readings.add(reading(5100 + i, 120_000));
        }
        HttpResponse<String> answer = post(url, "[" + String.join(",", readings) + "]");
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("{\"published\":" + READINGS_SENT + "}", answer.body());
        List<ConsumerRecord<String, String>> records = kafka.readAll(READINGS, READINGS_SENT, Duration.ofSeconds(20), user, password);
        assertEquals(READINGS_SENT, records.size(), "on the secured topic, read back over SASL_SSL");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> OpenSearch.count(INDEX) >= READINGS_SENT);
        Thread.sleep(1_000);
        assertEquals(READINGS_SENT, OpenSearch.count(INDEX), "every reading indexed once, by the index route reading the secured topic");
    }

    @Test
    @Order(3)
    void theThresholdsAndTheAlertsWorkOnTheSecuredBroker() throws Exception {
        HttpResponse<String> put = Http.put(url + "/thresholds/agency/5200", "{\"maxWaitMinutes\":5}", "x-apikey", API_KEY);
        assertEquals(200, put.statusCode(), put.body());
        // read back by the thresholds bean's own consumer (KafkaClients), not by a Camel endpoint
        await().atMost(Duration.ofSeconds(20)).until(() -> Http.get(url + "/thresholds").body().contains("agency:5200"));
        HttpResponse<String> answer = post(url, reading(5200, 480_000)); // 8 min: above the agency's 5, below the default 15
        assertEquals(200, answer.statusCode(), answer.body());
        List<JsonNode> events = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            events.clear();
            for (ConsumerRecord<String, String> record : kafka.readAll(ALERTS, 0, Duration.ofSeconds(3), user, password)) {
                events.add(JSON.readTree(record.value()));
            }
            return !events.isEmpty();
        });
        assertEquals(1, events.size(), events.toString());
        assertEquals("raised", events.get(0).get("event").asText());
        assertEquals(5200, events.get(0).get("agencyId").asInt());
        assertEquals("agency:5200", events.get(0).get("thresholdScope").asText(), "the threshold came from the secured thresholds topic");
        List<String> lines = Files.readAllLines(Path.of("target/test-logs/all.log"));
        assertTrue(lines.stream().anyMatch(l -> l.contains("Created the compacted thresholds topic " + THRESHOLDS)),
                "the thresholds bean's admin client created its topic on the secured broker");
        assertTrue(lines.stream().anyMatch(l -> l.contains("Thresholds loaded from " + THRESHOLDS)), "and its reader read it");
        assertTrue(lines.stream().anyMatch(l -> l.contains("Alert state rebuilt from 0 events of " + ALERTS)),
                "the detector's state rebuild read the alerts topic");
        assertTrue(lines.stream().noneMatch(l -> l.contains("Could not read the alerts topic " + ALERTS)
                || l.contains("Cannot read the thresholds topic " + THRESHOLDS) || l.contains("Could not create the thresholds topic " + THRESHOLDS)),
                "none of the beans' clients failed");
    }

    @Test
    @Order(4)
    void withAWrongPasswordNothingGetsThrough() throws Exception {
        int port = CamelApp.freePort();
        Map<String, String> overrides = pipelineOverrides(port, TestOpenSearch.url());
        String badIndex = "it-sk-badpw-" + RUN;
        String badThresholds = "it-sk-thresholds-badpw-" + RUN;
        overrides.put("camel.component.kafka.saslJaasConfig", SecuredTestKafka.jaasConfig(user, WRONG_PASSWORD));
        overrides.put("camel.component.kafka.sslTruststorePassword", "{{env:KAFKA_TRUSTSTORE_PASSWORD}}");
        overrides.put("camel.component.kafka.sslKeystorePassword", "{{env:KAFKA_KEYSTORE_PASSWORD}}");
        // the same readings topic, which holds readings, in a group and an index of its own
        overrides.put("index.name", badIndex);
        overrides.put("index.group-id", "it-sk-badpw-" + RUN);
        overrides.put("alerts.group-id", "it-sk-alerts-badpw-" + RUN);
        overrides.put("alerts.thresholds-topic", badThresholds);
        overrides.put("alerts.index.group-id", "it-sk-alerts-index-badpw-" + RUN);
        overrides.put("camel.main.shutdownTimeout", "1");
        overrides.put("camel.component.kafka.shutdownTimeout", "1000");
        int onTopic = kafka.readAll(READINGS, 1, Duration.ofSeconds(10), user, password).size();
        assertTrue(onTopic >= READINGS_SENT, "the topic holds readings to index: " + onTopic);
        try (CamelApp wrong = CamelApp.start("file:application.properties", "file:routes/*.camel.yaml", overrides)) {
            HttpResponse<String> answer = post("http://127.0.0.1:" + port, reading(5300, 60_000));
            assertEquals(503, answer.statusCode(), answer.body());
            long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < end) {
                assertEquals(0, OpenSearch.count(badIndex), "nothing indexed with the wrong password");
                Thread.sleep(500);
            }
        }
        assertEquals(onTopic, kafka.readAll(READINGS, onTopic, Duration.ofSeconds(5), user, password).size(),
                "nothing published with the wrong password");
        List<String> lines = Files.readAllLines(Path.of("target/test-logs/all.log"));
        assertTrue(lines.stream().anyMatch(l -> l.contains("Could not create the thresholds topic " + badThresholds)
                && l.contains("invalid credentials")), "the thresholds bean says why it cannot connect");
        assertTrue(lines.stream().anyMatch(l -> l.contains("Ingest: could not publish") && l.contains("invalid credentials")),
                "the ingest route says why it cannot publish");
        assertTrue(lines.stream().anyMatch(l -> l.contains("SaslAuthenticationException") && l.contains("while polling topic(s) " + READINGS)),
                "the readings topic's consumers say why they cannot read");
    }

    @Test
    @Order(5)
    void theSecretsNeverAppearInTheLog() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("target/test-logs/all.log"));
        assertTrue(lines.stream().anyMatch(l -> l.contains("Thresholds loaded from " + THRESHOLDS)), "the log holds this class's pipeline");
        assertTrue(lines.stream().anyMatch(l -> l.contains("camel.component.kafka.saslJaasConfig = xxxxxx")),
                "the log names the JAAS setting in the property summary, masked...");
        for (String secret : List.of(password, WRONG_PASSWORD, TRUSTSTORE_PASSWORD, KEYSTORE_PASSWORD, JAAS)) {
            assertTrue(lines.stream().noneMatch(l -> l.contains(secret)), "...and no secret ever appears in the log");
        }
    }

    /** what a client with these settings gets from the broker: the cause of its failure */
    static Throwable refusal(Map<String, Object> config) throws Exception {
        Map<String, Object> quick = new LinkedHashMap<>(config);
        quick.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        quick.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        try (Admin admin = Admin.create(quick)) {
            ExecutionException refused = assertThrows(ExecutionException.class, () -> admin.describeCluster().clusterId().get());
            assertNotNull(refused.getCause());
            return refused.getCause();
        }
    }

    static HttpResponse<String> post(String url, String body) throws Exception {
        return Http.post(url + "/readings", body, "x-apikey", API_KEY);
    }

    /** a reading as POST /readings takes it */
    static String reading(int agencyId, long maxWaitMs) {
        return "{\"agencyId\":" + agencyId + ",\"designation\":\"Agence " + agencyId + "\",\"commune\":\"NOUMEA\",\"type\":\"AGENCE\","
                + "\"position\":{\"lat\":-22.2745,\"lon\":166.4405},\"maxWaitMs\":" + maxWaitMs + ",\"avgWaitMs\":" + maxWaitMs / 2 + ","
                + "\"observedAt\":\"" + java.time.OffsetDateTime.now(java.time.ZoneOffset.ofHours(11)) + "\"}"; // fresh: not stale
    }
}
