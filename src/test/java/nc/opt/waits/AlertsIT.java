package nc.opt.waits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import nc.opt.waits.support.CamelApp;
import nc.opt.waits.support.Http;
import nc.opt.waits.support.OpenSearch;
import nc.opt.waits.support.TestKafka;
import nc.opt.waits.support.TestOpenSearch;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static nc.opt.waits.support.Readings.produce;
import static nc.opt.waits.support.Readings.reading;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Alerts with real Kafka and OpenSearch: readings put on the topic, events read back. */
class AlertsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String READINGS = "it-al-readings-" + RUN;
    static final String ALERTS = "it-al-alerts-" + RUN;
    static final String KEY = "it-ingest-key-" + RUN;
    static final Instant T0 = Instant.parse("2026-11-23T00:00:00Z");

    static CamelApp pipeline;
    static HttpServer webhook;
    static int webhookPort;
    static final List<String> received = new CopyOnWriteArrayList<>();
    static String httpUrl;

    @BeforeAll
    static void start() throws Exception {
        webhookPort = CamelApp.freePort(); // the webhook is down at first
        int httpPort = CamelApp.freePort();
        httpUrl = "http://127.0.0.1:" + httpPort;
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("camel.component.kafka.brokers", TestKafka.bootstrapServers());
        overrides.put("kafka.topic.readings", READINGS);
        overrides.put("kafka.topic.dead-letter", READINGS + "-dlq");
        overrides.put("alerts.topic", ALERTS);
        overrides.put("alerts.thresholds-topic", "it-al-thresholds-" + RUN);
        overrides.put("alerts.start-from", "earliest");
        overrides.put("alerts.index.name", "it-alerts-" + RUN);
        overrides.put("opensearch.url", TestOpenSearch.url());
        overrides.put("alerts.webhook.enabled", "true");
        overrides.put("alerts.webhook.url", "http://127.0.0.1:" + webhookPort + "/hook");
        overrides.put("alerts.webhook.retry.initial-ms", "200");
        overrides.put("alerts.webhook.retry.max-ms", "1000");
        overrides.put("ingest.api-key", KEY);
        overrides.put("camel.server.port", String.valueOf(httpPort));
        overrides.put("camel.management.port", String.valueOf(httpPort));
        overrides.put("camel.main.routesExcludePattern", CamelApp.POLL_ROUTES + "," + CamelApp.INDEX_ROUTE);
        pipeline = CamelApp.start("file:application.properties", "file:routes/*.camel.yaml", overrides);
    }

    @AfterAll
    static void stop() {
        pipeline.close();
        if (webhook != null) {
            webhook.stop(0);
        }
    }

    static List<JsonNode> events(int agencyId) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (ConsumerRecord<String, String> record : TestKafka.readAll(ALERTS, 0, Duration.ofSeconds(3))) {
            JsonNode event = JSON.readTree(record.value());
            if (event.get("agencyId").asInt() == agencyId) {
                events.add(event);
            }
        }
        return events;
    }

    static List<String> kinds(List<JsonNode> events) {
        return events.stream().map(e -> e.get("event").asText()).toList();
    }

    @Test
    void aCrossingRaisesOneAlertAndTheFallBackClearsIt() throws Exception {
        List<String> readings = new ArrayList<>();
        double[] waits = {5, 12, 20, 25, 31, 14, 9, 13};
        for (int i = 0; i < waits.length; i++) {
            readings.add(reading(4313, "NOUMEA", "AGENCE", waits[i], T0.plusSeconds(120L * i)));
        }
        produce(READINGS, readings);
        await().atMost(Duration.ofSeconds(30)).until(() -> events(4313).size() >= 2);
        Thread.sleep(2_000); // nothing more comes
        List<JsonNode> events = events(4313);
        assertEquals(List.of("raised", "cleared"), kinds(events), "one episode: raised once (20 > 15), cleared once (14 <= 15)");
        assertEquals(20.0, events.get(0).get("maxWaitMinutes").asDouble());
        assertEquals(15.0, events.get(0).get("thresholdMinutes").asDouble());
        assertEquals(14.0, events.get(1).get("maxWaitMinutes").asDouble());
        assertEquals(-22.27, events.get(0).at("/position/lat").asDouble(), "the position travels with the alert");

        String index = "it-alerts-" + RUN;
        await().atMost(Duration.ofSeconds(30)).until(() -> OpenSearch.count(index) >= 2);
        JsonNode hits = OpenSearch.post("/" + index + "/_search", "{\"query\":{\"term\":{\"agencyId\":\"4313\"}},\"sort\":[\"observedAt\"]}");
        assertEquals(2, hits.at("/hits/total/value").asInt());
        assertEquals("raised", hits.at("/hits/hits/0/_source/event").asText());
        JsonNode mapping = OpenSearch.get("/" + index + "/_mapping");
        assertEquals("geo_point", mapping.elements().next().at("/mappings/properties/position/type").asText());
    }

    @Test
    void aThresholdChangeAppliesWithoutRestartMostSpecificFirst() throws Exception {
        assertEquals(401, Http.put(httpUrl + "/thresholds/agency/4200", "{\"maxWaitMinutes\":5}").statusCode());
        for (String[] put : new String[][] {{"agency/4200", "5"}, {"commune/kone", "30"}, {"type/ANNEXE", "8"}}) {
            HttpResponse<String> answer = Http.put(httpUrl + "/thresholds/" + put[0], "{\"maxWaitMinutes\":" + put[1] + "}", "x-apikey", KEY);
            assertEquals(200, answer.statusCode(), answer.body());
        }
        HttpResponse<String> bad = Http.put(httpUrl + "/thresholds/region/x", "{\"maxWaitMinutes\":5}", "x-apikey", KEY);
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("scope must be one of"), bad.body());
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            String all = Http.get(httpUrl + "/thresholds").body();
            return all.contains("agency:4200") && all.contains("commune:KONE") && all.contains("type:ANNEXE");
        });
        HttpResponse<String> one = Http.get(httpUrl + "/thresholds/agency/4200");
        assertEquals(200, one.statusCode(), one.body());
        assertEquals("agency:4200", JSON.readTree(one.body()).get("threshold").asText(), one.body());
        assertEquals(5.0, JSON.readTree(one.body()).at("/value/maxWaitMinutes").asDouble(), one.body());
        HttpResponse<String> none = Http.get(httpUrl + "/thresholds/commune/LE%20MONT-DORE");
        assertEquals(404, none.statusCode(), none.body());
        assertEquals("no threshold is set for commune:LE MONT-DORE", JSON.readTree(none.body()).get("error").asText());
        produce(READINGS, List.of(
                reading(4200, "NOUMEA", "AGENCE", 8, T0),      // agency threshold 5: raised
                reading(4201, "KONE", "ANNEXE", 20, T0),       // commune 30 comes before type 8: nothing
                reading(4202, "POUM", "ANNEXE", 9, T0),        // type 8: raised
                reading(4203, "POUM", "AGENCE", 9, T0)));      // default 15: nothing
        await().atMost(Duration.ofSeconds(30)).until(() -> events(4200).size() == 1 && events(4202).size() == 1);
        Thread.sleep(2_000);
        assertEquals("agency:4200", events(4200).get(0).get("thresholdScope").asText());
        assertEquals("type:ANNEXE", events(4202).get(0).get("thresholdScope").asText());
        assertEquals(0, events(4201).size());
        assertEquals(0, events(4203).size());
    }

    @Test
    void everyBadThresholdRequestGetsA400SayingWhatIsWrongWithoutInternals() throws Exception {
        Map<String, String> bad = new LinkedHashMap<>(); // path + " " + body -> what the answer must say
        bad.put("region/x {\"maxWaitMinutes\":5}", "scope must be one of agency, commune, type, default; got region");
        bad.put("agency/abc {\"maxWaitMinutes\":5}", "an agency threshold is set by agency id (a number), got abc");
        // no body at all: the contract's refusal (a body is required), before the route's checks
        bad.put("agency/4313 ", "the body is missing: PUT /thresholds/{scope}/{name} takes {\"maxWaitMinutes\": <a number > 0>}");
        bad.put("agency/4313 twenty", "the body must be {\"maxWaitMinutes\": <a number > 0>}, got text that is not JSON: twenty");
        bad.put("agency/4313 {\"maxWaitMinutes\":-3}", "the body must be {\"maxWaitMinutes\": <a number > 0>}, got {\"maxWaitMinutes\":-3}");
        bad.put("agency/4313 {\"maxWaitMinutes\":\"20\"}", "the body must be {\"maxWaitMinutes\": <a number > 0>}, got {\"maxWaitMinutes\":\"20\"}");
        bad.put("commune/NOUMEA {\"minutes\":20}", "the body must be {\"maxWaitMinutes\": <a number > 0>}, got {\"minutes\":20}");
        for (Map.Entry<String, String> request : bad.entrySet()) {
            String path = request.getKey().substring(0, request.getKey().indexOf(' '));
            String body = request.getKey().substring(request.getKey().indexOf(' ') + 1);
            HttpResponse<String> answer = Http.put(httpUrl + "/thresholds/" + path, body, "x-apikey", KEY);
            assertEquals(400, answer.statusCode(), answer.body());
            assertEquals(request.getValue(), JSON.readTree(answer.body()).get("error").asText(), "PUT " + path + " " + body);
        }
        HttpResponse<String> delete = Http.send(httpUrl + "/thresholds/region/x", "DELETE", "", "x-apikey", KEY);
        assertEquals(400, delete.statusCode());
        assertEquals("scope must be one of agency, commune, type, default; got region", JSON.readTree(delete.body()).get("error").asText());
    }

    @Test
    void theWebhookReceivesTheAlertAlsoAfterItWasDownForAWhile() throws Exception {
        produce(READINGS, List.of(reading(4400, "LIFOU", "AGENCE", 40, T0)));
        await().atMost(Duration.ofSeconds(30)).until(() -> events(4400).size() == 1);
        Thread.sleep(4_000); // the webhook is still down: the route retries
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", webhookPort), 0);
        webhook.createContext("/hook", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhook.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> received.stream().anyMatch(body -> body.contains("\"agencyId\":4400")));
        JsonNode alert = JSON.readTree(received.stream().filter(body -> body.contains("\"agencyId\":4400")).findFirst().orElseThrow());
        assertEquals("raised", alert.get("event").asText());
    }
}
