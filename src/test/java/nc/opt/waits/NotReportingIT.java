package nc.opt.waits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import nc.opt.waits.support.CamelApp;
import nc.opt.waits.support.Http;
import nc.opt.waits.support.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static nc.opt.waits.support.Readings.produce;
import static nc.opt.waits.support.Readings.reading;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * An agency whose kiosk stops reporting: the simulator's "frozen" fault keeps its observation
 * still; readings marked stale raise no wait alert, and one "not-reporting" event, cleared by one
 * "reporting-again" when the agency reports again (real Kafka, the alert routes in this JVM).
 */
class NotReportingIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void aFrozenAgencyKeepsItsObservationWhileTheOthersMoveOnUntilTheFaultIsCleared() throws Exception {
        int port = CamelApp.freePort();
        String url = "http://127.0.0.1:" + port;
        try (CamelApp simulator = CamelApp.simulator(Map.of("camel.server.port", String.valueOf(port),
                "sim.clock.start", "2026-11-23T09:30:00", "sim.clock.speed", "600"))) { // 10 minutes a second
            assertEquals(400, Http.post(url + "/_sim/faults?type=frozen").statusCode(), "which agency to freeze must be said");
            assertEquals(200, Http.post(url + "/_sim/faults?type=frozen&agency=4313").statusCode());
            Map<String, String> first = updatedDates(url);
            Thread.sleep(1_500); // 15 simulated minutes: every waiting time refreshed
            Map<String, String> later = updatedDates(url);
            assertEquals(first.get("4313"), later.get("4313"), "the frozen agency's observation does not move");
            assertEquals(first.get("4313"), JSON.readTree(Http.get(url + "/agences/4313").body()).get("updatedDate").asText());
            assertNotEquals(first.get("4314"), later.get("4314"), "the others' do");
            assertEquals("[\"4313\"]", JSON.readTree(Http.get(url + "/_sim/faults").body()).get("frozen").toString());
            assertEquals(200, Http.delete(url + "/_sim/faults").statusCode());
            Thread.sleep(1_500);
            assertNotEquals(first.get("4313"), updatedDates(url).get("4313"), "reporting again once the fault is cleared");
        }
    }

    static Map<String, String> updatedDates(String url) throws Exception {
        Map<String, String> dates = new LinkedHashMap<>();
        for (JsonNode agency : JSON.readTree(Http.get(url + "/agences").body())) {
            dates.put(agency.get("idAgence").asText(), agency.get("updatedDate").asText());
        }
        return dates;
    }

    static String stale(String reading, boolean stale) {
        return reading.substring(0, reading.length() - 1) + ",\"stale\":" + stale + "}";
    }

    @Test
    void staleReadingsRaiseNoWaitAlertButOneNotReportingEventClearedWhenTheAgencyReportsAgain() throws Exception {
        String readings = "it-nr-readings-" + RUN;
        String alerts = "it-nr-alerts-" + RUN;
        Map<String, String> overrides = new LinkedHashMap<>(CamelApp.httpPorts());
        overrides.put("camel.component.kafka.brokers", TestKafka.bootstrapServers());
        overrides.put("kafka.topic.readings", readings);
        overrides.put("kafka.topic.dead-letter", readings + "-dlq");
        overrides.put("alerts.topic", alerts);
        overrides.put("alerts.thresholds-topic", "it-nr-thresholds-" + RUN);
        overrides.put("alerts.start-from", "earliest");
        overrides.put("camel.main.routesExcludePattern", CamelApp.POLL_ROUTES + "," + CamelApp.INDEX_ROUTE + ",file:routes/alert-sinks.camel.yaml");
        Instant t0 = Instant.parse("2026-11-23T00:00:00Z");
        Instant frozenAt = t0.plusSeconds(120);
        produce(readings, List.of(
                stale(reading(5100, "NOUMEA", "AGENCE", 8, t0), false),
                stale(reading(5100, "NOUMEA", "AGENCE", 9, frozenAt), false),
                // the kiosk stopped at a 40-minute wait: its readings turn stale, the wait raises nothing
                stale(reading(5100, "NOUMEA", "AGENCE", 40, frozenAt), true),
                stale(reading(5100, "NOUMEA", "AGENCE", 40, frozenAt), true),
                stale(reading(5100, "NOUMEA", "AGENCE", 40, frozenAt), true),
                // reporting again, at a wait above the threshold: reporting-again, then raised
                stale(reading(5100, "NOUMEA", "AGENCE", 20, t0.plusSeconds(3600)), false),
                stale(reading(5100, "NOUMEA", "AGENCE", 21, t0.plusSeconds(3720)), false),
                // a reading without the field (older producers) is not stale
                reading(5101, "NOUMEA", "AGENCE", 30, t0)));
        try (CamelApp pipeline = CamelApp.start("file:application.properties", "file:routes/*.camel.yaml", overrides)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> events(alerts).size() >= 4);
            Thread.sleep(2_000); // nothing more comes
        }
        List<String> events = events(alerts);
        assertEquals(List.of("5100 not-reporting", "5100 reporting-again", "5100 raised"),
                events.stream().filter(e -> e.startsWith("5100")).toList(), "in the agency's order (one partition)");
        assertEquals(List.of("5101 raised"), events.stream().filter(e -> e.startsWith("5101")).toList());
    }

    static List<String> events(String topic) throws Exception {
        List<String> events = new ArrayList<>();
        for (ConsumerRecord<String, String> record : TestKafka.readAll(topic, 0, Duration.ofSeconds(3))) {
            JsonNode event = JSON.readTree(record.value());
            events.add(event.get("agencyId").asText() + " " + event.get("event").asText());
        }
        return events;
    }
}
