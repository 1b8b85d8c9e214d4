package nc.opt.waits;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import nc.opt.waits.support.Agencies;
import nc.opt.waits.support.CamelApp;
import nc.opt.waits.support.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The simulator, over HTTP, answers like OPT's generation-2 API: paths, fields, auth, faults. */
class SimulatorIT {
    static final List<String> API_FIELDS = List.of("idAgence", "designation", "type", "commune", "codePostal",
            "codePostalRefloc", "localite", "localiteRefloc", "lieuDitOuTribu", "idRefloc", "codeESirius",
            "coordonneeX", "coordonneeY", "coordonneeXPrecise", "coordonneeYPrecise", "position",
            "realMaxWaitingTimeMs", "realAvgWaitingTimeMs", "updatedDate");
    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "sim-test-key-4a1c";

    static CamelApp simulator;
    static String url;

    @BeforeAll
    static void start() throws Exception {
        int port = CamelApp.freePort();
        simulator = CamelApp.simulator(Map.of(
                "camel.server.port", String.valueOf(port),
                "sim.api-key", KEY,
                "sim.clock.start", "2026-11-23T10:30:00", // a Monday, open
                "sim.clock.frozen", "true",
                "sim.fault.slow-ms", "1500"));
        url = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @AfterEach
    void disarm() throws Exception {
        Http.delete(url + "/_sim/faults");
    }

    static HttpResponse<String> get(String path) throws Exception {
        return Http.get(url + path, "x-apikey", KEY);
    }

    static List<Map<String, Object>> agencies(String path) throws Exception {
        HttpResponse<String> answer = get(path);
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("application/json", answer.headers().firstValue("Content-Type").orElse(""));
        return JSON.readValue(answer.body(), new TypeReference<>() { });
    }

    @Test
    void agencesListsEveryAgencyWithTheApiFieldsInOrder() throws Exception {
        List<Map<String, Object>> answer = agencies("/agences");
        assertEquals(Agencies.all().size(), answer.size());
        for (Map<String, Object> agency : answer) {
            assertEquals(API_FIELDS, new ArrayList<>(agency.keySet()), "fields of " + agency.get("idAgence"));
            Map<String, Object> data = Agencies.byId().get(agency.get("idAgence"));
            assertEquals(data.get("designation"), agency.get("designation"));
            assertEquals(data.get("position"), agency.get("position"));
            long max = ((Number) agency.get("realMaxWaitingTimeMs")).longValue();
            long avg = ((Number) agency.get("realAvgWaitingTimeMs")).longValue();
            assertTrue(max > 0 && avg > 0 && avg <= max, "open at 10:30 on a Monday: " + agency);
            String updated = (String) agency.get("updatedDate");
            assertTrue(updated.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}"), "no offset: " + updated);
            LocalDateTime local = LocalDateTime.parse(updated);
            assertFalse(local.isAfter(LocalDateTime.parse("2026-11-23T10:30:00")), "not in the future: " + updated);
            assertTrue(local.isAfter(LocalDateTime.parse("2026-11-23T10:26:00")), "refreshed every 2 min: " + updated);
        }
        assertTrue(answer.stream().anyMatch(a -> a.get("position") == null), "some agencies have no position");
    }

    @Test
    void agencesFiltersByCommune() throws Exception {
        long expected = Agencies.all().stream().filter(a -> "NOUMEA".equals(a.get("commune"))).count();
        List<Map<String, Object>> answer = agencies("/agences?commune=NOUMEA");
        assertEquals(expected, answer.size());
        assertTrue(expected >= 15, "about 17 agencies in Noumea");
        answer.forEach(a -> assertEquals("NOUMEA", a.get("commune")));
    }

    @Test
    void oneAgencyByIdAnd404WhenUnknown() throws Exception {
        int id = Agencies.byId().keySet().iterator().next();
        HttpResponse<String> answer = get("/agences/" + id);
        assertEquals(200, answer.statusCode());
        assertEquals(id, JSON.readTree(answer.body()).get("idAgence").asInt());
        assertEquals(404, get("/agences/999999").statusCode());
        assertEquals(404, get("/agences/not-a-number").statusCode());
    }

    @Test
    void iotIsTheSlimList() throws Exception {
        List<Map<String, Object>> answer = agencies("/agences/iot");
        assertEquals(Agencies.all().size(), answer.size());
        answer.forEach(a -> assertEquals(List.of("idAgence", "designation"), new ArrayList<>(a.keySet())));
    }

    @Test
    void communesAre34() throws Exception {
        HttpResponse<String> answer = get("/communes");
        List<String> communes = JSON.readValue(answer.body(), new TypeReference<>() { });
        assertEquals(34, communes.size());
        assertEquals(new ArrayList<>(new TreeSet<>(communes)), communes);
        assertTrue(communes.containsAll(List.of("NOUMEA", "MONT-DORE", "DUMBEA", "PAITA", "LIFOU", "ILE DES PINS")));
    }

    @Test
    void apiKeyIsChecked() throws Exception {
        assertEquals(401, Http.get(url + "/agences").statusCode());
        HttpResponse<String> wrong = Http.get(url + "/agences", "x-apikey", "wrong");
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.body().contains("InvalidApiKey"), wrong.body());
    }

    @Test
    void httpErrorFaults() throws Exception {
        arm("500");
        assertEquals(500, get("/agences").statusCode());
        arm("429");
        HttpResponse<String> limited = get("/agences");
        assertEquals(429, limited.statusCode());
        assertEquals("2", limited.headers().firstValue("Retry-After").orElse(null));
        arm("400");
        HttpResponse<String> apigee = get("/agences");
        assertEquals(400, apigee.statusCode());
        assertEquals("steps.oasvalidation.Failed", JSON.readTree(apigee.body()).at("/fault/detail/errorcode").asText());
        assertEquals(200, get("/agences").statusCode(), "a fault is used once");
    }

    @Test
    void bodyFaults() throws Exception {
        arm("empty");
        assertEquals("[]", get("/agences").body());
        arm("malformed");
        HttpResponse<String> malformed = get("/agences");
        assertEquals(200, malformed.statusCode());
        assertFalse(isJson(malformed.body()));
        arm("bad-reading");
        assertEquals("n/a", agencies("/agences").get(0).get("realMaxWaitingTimeMs"));
        arm("formula");
        assertTrue(((String) agencies("/agences").get(0).get("designation")).startsWith("="));
    }

    @Test
    void slowFaultAnswersLate() throws Exception {
        arm("slow");
        long start = System.nanoTime();
        assertEquals(200, get("/agences").statusCode());
        assertTrue(System.nanoTime() - start >= 1_400_000_000L, "answered after sim.fault.slow-ms");
    }

    @Test
    void unknownFaultIsRefused() throws Exception {
        HttpResponse<String> answer = Http.post(url + "/_sim/faults?type=meteor");
        assertEquals(400, answer.statusCode());
        assertNull(JSON.readTree(answer.body()).get("armed"));
    }

    @Test
    void theClockIsSetWhileItRunsAndABadValueGetsAClear400() throws Exception {
        try {
            HttpResponse<String> sunday = Http.post(url + "/_sim/clock?start=2026-11-22T10:30:00&frozen=true");
            assertEquals(200, sunday.statusCode(), sunday.body());
            assertEquals("2026-11-22T10:30:00.000", JSON.readTree(sunday.body()).get("noumea").asText());
            assertFalse(JSON.readTree(get("/_sim/clock").body()).get("open").asBoolean());
            assertTrue(agencies("/agences").stream().allMatch(agency -> ((Number) agency.get("realMaxWaitingTimeMs")).longValue() == 0));

            HttpResponse<String> bad = Http.post(url + "/_sim/clock?start=monday&speed=60");
            assertEquals(400, bad.statusCode());
            assertEquals("start must be a Noumea local time such as 2026-11-23T09:30:00, or now, got \"monday\"",
                    JSON.readTree(bad.body()).get("error").asText());
            assertEquals(400, Http.post(url + "/_sim/clock?speed=-1").statusCode());
            assertTrue(get("/_sim/clock").body().contains("2026-11-22T10:30:00.000"), "a refused change changes nothing");
        } finally {
            Http.post(url + "/_sim/clock?start=2026-11-23T10:30:00&frozen=true");
        }
    }

    static void arm(String type) throws Exception {
        assertEquals(200, Http.post(url + "/_sim/faults?type=" + type).statusCode());
    }

    static boolean isJson(String text) {
        try {
            JSON.readTree(text);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
