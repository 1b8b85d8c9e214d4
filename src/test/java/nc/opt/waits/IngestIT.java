package nc.opt.waits;

import nc.opt.waits.support.CamelApp;
import nc.opt.waits.support.Http;
import nc.opt.waits.support.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * POST /readings with real Kafka: what is accepted is published, what is not gets a 400 naming the
 * field; the contract the HTTP API is built from is served, and what it refuses is refused clearly.
 */
class IngestIT {
    /** the HTTP API and what POST /readings calls */
    static final String ROUTES = "file:routes/http-api.camel.yaml,file:routes/readings-to-kafka.camel.yaml,file:routes/publish-to-kafka.camel.yaml,file:routes/error-handling.camel.yaml";
    /** the contract's refusal of a POST /readings without a body */
    static final String NO_BODY = "the body is missing: POST /readings takes one reading (a JSON object) or an array of readings";
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String TOPIC = "it-ingest-" + RUN;
    static final String KEY = "it-key-" + RUN;
    static final String GOOD = """
            {"agencyId":4313,"designation":"Agence de NOUMEA AGENCE PRINCIPALE","commune":"NOUMEA","type":"AGENCE",
             "position":{"lat":-22.2745,"lon":166.4405},"maxWaitMs":720000,"avgWaitMs":300000,
             "observedAt":"2026-11-23T09:31:07.123+11:00"}""";

    static CamelApp pipeline;
    static String base;
    static String url;

    @BeforeAll
    static void start() throws Exception {
        int port = CamelApp.freePort();
        base = "http://127.0.0.1:" + port;
        url = base + "/readings";
        pipeline = CamelApp.start("file:application.properties", ROUTES,
                Map.of("camel.component.kafka.brokers", TestKafka.bootstrapServers(), "kafka.topic.readings", TOPIC,
                        "ingest.api-key", KEY, "camel.server.port", String.valueOf(port),
                        "camel.management.port", String.valueOf(port)));
    }

    @AfterAll
    static void stop() {
        pipeline.close();
    }

    static HttpResponse<String> post(String body, String key) throws Exception {
        return key == null ? Http.post(url, body) : Http.post(url, body, "x-apikey", key);
    }

    static List<ConsumerRecord<String, String>> published() {
        return TestKafka.readAll(TOPIC, 0, Duration.ofSeconds(3));
    }

    @Test
    void oneReadingOrAnArrayIsPublishedKeyedByAgencyWithDerivedFields() throws Exception {
        int before = published().size();
        HttpResponse<String> one = post(GOOD, KEY);
        assertEquals(200, one.statusCode(), one.body());
        assertEquals("{\"published\":1}", one.body());
        HttpResponse<String> three = post("[" + GOOD + "," + GOOD.replace("4313", "4314") + "," + GOOD.replace("4313", "4315") + "]", KEY);
        assertEquals("{\"published\":3}", three.body());
        List<ConsumerRecord<String, String>> records = TestKafka.readAll(TOPIC, before + 4, Duration.ofSeconds(20));
        assertEquals(before + 4, records.size());
        ConsumerRecord<String, String> last = records.stream().filter(r -> "4315".equals(r.key())).findFirst().orElseThrow();
        assertTrue(last.value().contains("\"maxWaitMinutes\":12.0") && last.value().contains("\"waitBand\":\"red\""), last.value());
        for (ConsumerRecord<String, String> record : records) {
            for (Header header : record.headers()) {
                assertTrue(!header.key().equalsIgnoreCase("x-apikey"), "the API key never travels on as a Kafka header");
            }
        }
    }

    @Test
    void eachKindOfBadBodyGetsA400NamingTheFieldAndPublishesNothing() throws Exception {
        int before = published().size();
        Map<String, String> bad = Map.of(
                "not json at all", "not JSON",
                "[]", "holds no reading",
                "42", "one reading",
                GOOD.replace("\"designation\":\"Agence de NOUMEA AGENCE PRINCIPALE\",", ""), "designation",
                GOOD.replace("720000", "-1"), "maxWaitMs",
                GOOD.replace("2026-11-23T09:31:07.123+11:00", "2026-11-23T09:31:07"), "observedAt",
                GOOD.replace("-22.2745", "-122.2745"), "position",
                GOOD.replace("4313", "\"4313\""), "agencyId",
                "[" + GOOD + "," + GOOD.replace("300000", "\"lots\"") + "]", "readings[1].avgWaitMs");
        for (Map.Entry<String, String> c : bad.entrySet()) {
            HttpResponse<String> answer = post(c.getKey(), KEY);
            assertEquals(400, answer.statusCode(), c.getKey() + " -> " + answer.body());
            assertTrue(answer.body().contains(c.getValue()), "the error names " + c.getValue() + ": " + answer.body());
        }
        assertEquals(before, published().size(), "nothing published from a bad body, not even its good readings");
    }

    @Test
    void aRequestWithoutTheApiKeyGets401() throws Exception {
        assertEquals(401, post(GOOD, null).statusCode());
        HttpResponse<String> wrong = post(GOOD, "wrong");
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.body().contains("x-apikey"), wrong.body());
        assertEquals("application/json", wrong.headers().firstValue("Content-Type").orElse(""));
        assertTrue(wrong.headers().firstValue("x-apikey").isEmpty(), "no request header goes back: " + wrong.headers().map());
        // the key is checked first: a request without it learns nothing of what else is wrong
        assertEquals(401, post("", null).statusCode());
        assertEquals(401, Http.send(base + "/thresholds/agency/4313", "DELETE", "").statusCode());
    }

    @Test
    void theContractIsServedAndARequestItRefusesGetsAClearAnswer() throws Exception {
        HttpResponse<String> contract = Http.get(base + "/openapi.yaml");
        assertEquals(200, contract.statusCode());
        assertEquals(Files.readString(Path.of("openapi/opt-waits-api.yaml")), contract.body(), "the contract, as in the repository");
        assertTrue(contract.body().contains("operationId: publishReadings"), "the contract the routes are built from");

        int before = published().size();
        HttpResponse<String> noBody = post("", KEY);
        assertEquals(400, noBody.statusCode(), noBody.body());
        assertEquals("{\"error\":\"" + NO_BODY + "\"}", noBody.body(), "the contract requires a body, and says which");
        HttpResponse<String> form = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("x-apikey", KEY).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("agencyId=4313")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(415, form.statusCode(), form.body());
        assertEquals("{\"error\":\"the body must be sent as application/json, not application/x-www-form-urlencoded\"}", form.body());
        assertEquals(405, Http.send(url, "PATCH", GOOD, "x-apikey", KEY).statusCode(), "a method the contract does not have");
        assertEquals(404, Http.get(base + "/readings/4313").statusCode(), "a path the contract does not have");
        assertEquals(before, published().size(), "nothing published from a refused request");
        for (HttpResponse<String> refused : List.of(noBody, form)) {
            assertEquals("application/json", refused.headers().firstValue("Content-Type").orElse(""));
            assertTrue(refused.headers().firstValue("x-apikey").isEmpty(), "no request header goes back: " + refused.headers().map());
        }
    }
}
