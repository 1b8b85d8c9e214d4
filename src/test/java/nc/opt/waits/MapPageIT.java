package nc.opt.waits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import nc.opt.waits.support.Agencies;
import nc.opt.waits.support.CamelApp;
import nc.opt.waits.support.Http;
import nc.opt.waits.support.TestKafka;
import nc.opt.waits.support.TestOpenSearch;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.logging.Level;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The map page (issue 18) in a real browser: Debian's headless Chromium, driven by Selenium through
 * /usr/bin/chromedriver, against the whole pipeline (every route, application.properties) polling
 * the simulator (Monday 2026-11-23 at 09:30, then 10:30, its clock stopped) on the test Kafka and OpenSearch.
 * The readings the page must show are read from the readings topic, not from the page's routes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MapPageIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String READINGS = "it-map-readings-" + RUN;
    static final String INDEX = "it-map-readings-" + RUN;
    static final String ALERTS_INDEX = "it-map-alerts-" + RUN;
    static final String POLL_ROUTE = "poll-agencies";
    // the waits.* limits of this test: not the defaults, so the page must read them from the properties
    static final double GREEN_MAX = 6;
    static final double ORANGE_MAX = 12;
    static final double ALERT_THRESHOLD = 15; // alerts.default-threshold-minutes
    static final Map<String, String> FILL = Map.of("green", "#2e9e44", "orange", "#f08c00", "red", "#d93025");
    static final Path SCREENSHOT = Path.of("target", "map-page.png");

    static int simPort;
    static CamelApp simulator;
    static CamelApp pipeline;
    static WebDriver browser;
    static Path profile;
    static String pageUrl;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM),
                "no browser: MapPageIT needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver;"
                        + " .ci/run installs them)");
        TestOpenSearch.url();
        simPort = CamelApp.freePort();
        simulator = simulator("2026-11-23T09:30:00");
        Map<String, String> overrides = CamelApp.onTestStack(READINGS, READINGS + "-dlq", INDEX, "it-map-indexer-" + RUN);
        overrides.putAll(CamelApp.polling(simPort, "target/it-csv-map-" + RUN));
        overrides.put("poll.period-ms", "3000");
        // the page says "stale" 30 s after the last poll: more than a slow machine needs between a poll and its check
        overrides.put("map.stale-after-polls", "10");
        // the simulator's frozen Monday is days old: its readings must not count as stale (they would raise no alert)
        overrides.put("readings.stale-after-minutes", "52560000");
        overrides.put("waits.green-max-minutes", String.valueOf((long) GREEN_MAX));
        overrides.put("waits.orange-max-minutes", String.valueOf((long) ORANGE_MAX));
        overrides.put("alerts.topic", "it-map-alerts-" + RUN);
        overrides.put("alerts.thresholds-topic", "it-map-thresholds-" + RUN);
        overrides.put("alerts.group-id", "it-map-alerts-" + RUN);
        overrides.put("alerts.start-from", "earliest");
        overrides.put("alerts.index.name", ALERTS_INDEX);
        overrides.put("alerts.index.group-id", "it-map-alerts-indexer-" + RUN);
        pipeline = CamelApp.pipeline("file:application.properties", overrides);
        pageUrl = "http://127.0.0.1:" + pipeline.property("camel.server.port") + "/";
        browser = chromium();
    }

    @AfterAll
    static void stop() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (pipeline != null) {
            pipeline.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    /** the simulator with its clock stopped at a Monday's time: every poll gives the same, known, readings */
    static CamelApp simulator(String noumeaTime) throws Exception {
        return CamelApp.simulator(Map.of("camel.server.port", String.valueOf(simPort),
                "sim.clock.start", noumeaTime, "sim.clock.frozen", "true"));
    }

    /** Headless Chromium with a fresh profile, no network of its own, its console kept for the test. */
    static WebDriver chromium() throws IOException {
        profile = Files.createTempDirectory("map-page-it-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,900", "--user-data-dir=" + profile);
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        // the Debian driver, never one Selenium Manager would download
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().withLogFile(new File("target/test-logs/chromedriver.log")).build();
        return new ChromeDriver(service, options);
    }

    /** the latest reading of each agency on the readings topic, by agency id */
    static Map<Integer, JsonNode> latestOnTopic() throws IOException {
        Map<Integer, JsonNode> latest = new TreeMap<>();
        for (ConsumerRecord<String, String> record : TestKafka.readAll(READINGS, 0, Duration.ofSeconds(5))) {
            JsonNode reading = JSON.readTree(record.value());
            latest.merge(reading.get("agencyId").asInt(), reading, (a, b) -> observed(b).isBefore(observed(a)) ? a : b);
        }
        return latest;
    }

    /** the distinct observation times of one agency on the topic */
    static Set<OffsetDateTime> observationsOnTopic(int agencyId) throws IOException {
        Set<OffsetDateTime> times = new TreeSet<>();
        for (ConsumerRecord<String, String> record : TestKafka.readAll(READINGS, 0, Duration.ofSeconds(5))) {
            JsonNode reading = JSON.readTree(record.value());
            if (reading.get("agencyId").asInt() == agencyId) {
                times.add(observed(reading));
            }
        }
        return times;
    }

    static OffsetDateTime observed(JsonNode reading) {
        return OffsetDateTime.parse(reading.get("observedAt").asText());
    }

    static String band(double maxWaitMinutes) {
        return maxWaitMinutes <= GREEN_MAX ? "green" : maxWaitMinutes <= ORANGE_MAX ? "orange" : "red";
    }

    /** polls until at least n whole polls more are on the topic, then stops polling: the data holds still */
    static void pollsThenStop(int n) throws Exception {
        int agencies = Agencies.all().size();
        long before = TestKafka.readAll(READINGS, 0, Duration.ofSeconds(5)).size();
        pipeline.context().getRouteController().startRoute(POLL_ROUTE);
        await().atMost(Duration.ofSeconds(60)).until(() ->
                TestKafka.readAll(READINGS, 0, Duration.ofSeconds(5)).size() >= before + (long) n * agencies);
        pipeline.context().getRouteController().stopRoute(POLL_ROUTE);
    }

    /** marker agency id -> what the page drew: its band, its SVG fill, its observation time */
    static Map<Integer, Map<String, String>> markers() {
        Map<Integer, Map<String, String>> drawn = new TreeMap<>();
        for (WebElement marker : browser.findElements(By.cssSelector("#map path.agency-marker"))) {
            drawn.put(Integer.parseInt(marker.getDomAttribute("data-agency-id")), Map.of(
                    "band", marker.getDomAttribute("data-band"),
                    "fill", marker.getDomAttribute("fill"),
                    "observedAt", marker.getDomAttribute("data-observed-at")));
        }
        return drawn;
    }

    /** what the markers must be: the agencies with a position, each in the colour of its latest max wait */
    static Map<Integer, Map<String, String>> expectedMarkers(Map<Integer, JsonNode> latest) {
        Map<Integer, Map<String, String>> expected = new TreeMap<>();
        latest.forEach((id, reading) -> {
            if (reading.has("position")) {
                String band = band(reading.get("maxWaitMinutes").asDouble());
                expected.put(id, Map.of("band", band, "fill", FILL.get(band), "observedAt", reading.get("observedAt").asText()));
            }
        });
        return expected;
    }

    /** the page's markers once they match, or the last difference */
    static void awaitMarkers(Map<Integer, Map<String, String>> expected) {
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> markers().equals(expected));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("markers drawn " + markers() + "\nexpected " + expected, e);
        }
    }

    /** the errors of the page's console since the last call: none is expected */
    static List<String> consoleErrors() {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage).collect(Collectors.toList());
    }

    /** the agency id and class of each element, read at once: the page draws its lists again at each refresh */
    @SuppressWarnings("unchecked")
    static List<Map<String, String>> items(String css) {
        return (List<Map<String, String>>) ((JavascriptExecutor) browser).executeScript(
                "return Array.from(document.querySelectorAll(arguments[0])).map(e => ({id: e.dataset.agencyId, class: e.className}));", css);
    }

    static String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    @Test
    @Order(1)
    void onlyTheNamedFilesAreServedAndTheLibrariesComeFromTheirWebjars() throws Exception {
        String base = pageUrl.substring(0, pageUrl.length() - 1);
        HttpResponse<String> page = Http.get(pageUrl);
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("<div id=\"map\""));
        HttpResponse<String> leaflet = Http.get(base + "/map/lib/leaflet.js");
        assertEquals(200, leaflet.statusCode());
        assertTrue(leaflet.body().contains("Leaflet 1.9.4"), "the webjar's leaflet.js");
        assertEquals(200, Http.get(base + "/map/lib/uPlot.iife.min.js").statusCode());
        assertTrue(Http.get(base + "/map/assets/coastline.geojson").body().contains("Natural Earth"));
        // nothing else of the working folder, whatever the path
        for (String path : List.of("/map/assets/..%2Fapplication.properties", "/map/assets/pom.xml", "/application.properties",
                "/map/lib/LICENSE", "/map/assets/tools")) {
            HttpResponse<String> answer = Http.get(base + path);
            assertTrue(answer.statusCode() == 404, path + " answered " + answer.statusCode());
            assertFalse(answer.body().contains("camel.main.name"), path);
        }
        // `camel run` adds the webjars of camel.jbang.dependencies: the same versions as the routes use
        Properties properties = new Properties();
        try (var in = Files.newBufferedReader(Path.of("application.properties"))) {
            properties.load(in);
        }
        String dependencies = properties.getProperty("camel.jbang.dependencies");
        assertTrue(dependencies.contains("mvn:org.webjars.npm:leaflet:" + properties.getProperty("map.leaflet.version")), dependencies);
        assertTrue(dependencies.contains("mvn:org.webjars.npm:uplot:" + properties.getProperty("map.uplot.version")), dependencies);
    }

    @Test
    @Order(2)
    void thePageShowsEachAgencyWithAPositionAsAMarkerInTheColourOfItsLatestWait() throws Exception {
        pollsThenStop(2);
        Map<Integer, JsonNode> latest = latestOnTopic();
        assertEquals(Agencies.all().size(), latest.size(), "every agency has a reading");
        Map<Integer, Map<String, String>> expected = expectedMarkers(latest);
        assertEquals(Agencies.all().size() - 3, expected.size(), "3 agencies of the simulator have no position");
        Set<String> bands = expected.values().stream().map(m -> m.get("band")).collect(Collectors.toSet());
        assertEquals(Set.of("green", "orange", "red"), bands, "the known readings hold the three bands: " + latest.values().stream()
                .map(r -> r.get("maxWaitMinutes").asText()).collect(Collectors.joining(" ")));

        browser.get(pageUrl);
        awaitMarkers(expected);

        // the list: every agency, longest max wait first; the 3 without a position listed, not drawn
        await().atMost(Duration.ofSeconds(30)).until(() -> items("#agencies li").size() == latest.size());
        List<Map<String, String>> items = items("#agencies li");
        List<Double> waits = new ArrayList<>();
        for (Map<String, String> item : items) {
            waits.add(latest.get(Integer.parseInt(item.get("id"))).get("maxWaitMinutes").asDouble());
        }
        List<Double> sorted = new ArrayList<>(waits);
        sorted.sort((a, b) -> Double.compare(b, a));
        assertEquals(sorted, waits, "longest wait first");
        Set<Integer> unplaced = items.stream().filter(item -> item.get("class").contains("no-position"))
                .map(item -> Integer.parseInt(item.get("id"))).collect(Collectors.toCollection(TreeSet::new));
        Set<Integer> withoutPosition = latest.entrySet().stream().filter(e -> !e.getValue().has("position"))
                .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(withoutPosition, unplaced);

        // the open alerts: the agencies whose latest max wait is above the default threshold
        Set<String> alerting = latest.values().stream().filter(r -> r.get("maxWaitMinutes").asDouble() > ALERT_THRESHOLD)
                .map(r -> r.get("agencyId").asText()).collect(Collectors.toCollection(TreeSet::new));
        assertFalse(alerting.isEmpty(), "the known readings raise alerts");
        await().atMost(Duration.ofSeconds(60)).until(() -> items("#alerts li").stream()
                .map(li -> li.get("id")).collect(Collectors.toCollection(TreeSet::new)).equals(alerting));

        // the tooltip of the longest wait whose marker no other covers (Noumea's overlap), hovered by the mouse
        int hovered = items.stream().map(item -> Integer.parseInt(item.get("id"))).filter(id -> latest.get(id).has("position"))
                .filter(id -> (Boolean) ((JavascriptExecutor) browser).executeScript(
                        "const m = document.querySelector(\"#map path.agency-marker[data-agency-id='\" + arguments[0] + \"']\");"
                                + "const r = m.getBoundingClientRect();"
                                + "return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === m;", id))
                .findFirst().orElseThrow();
        new Actions(browser).moveToElement(browser.findElement(By.cssSelector("#map path.agency-marker[data-agency-id='" + hovered + "']")))
                .perform();
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.findElements(By.cssSelector(".leaflet-tooltip")).isEmpty());
        String tip = text(".leaflet-tooltip");
        JsonNode reading = latest.get(hovered);
        assertTrue(tip.contains(reading.get("designation").asText()), tip);
        assertTrue(tip.contains("max wait " + minutes(reading.get("maxWaitMinutes")) + ", average "
                + minutes(reading.get("avgWaitMinutes"))), tip);
        assertTrue(tip.contains("observed " + reading.get("observedAt").asText().substring(8, 10) + "/11/2026, "
                + reading.get("observedAt").asText().substring(11, 19)), tip);

        // the chart: the longest wait's readings of the day
        int first = Integer.parseInt(items.get(0).get("id"));
        int points = observationsOnTopic(first).size();
        await().atMost(Duration.ofSeconds(30)).until(() -> String.valueOf(points).equals(
                browser.findElement(By.id("chart")).getDomAttribute("data-points")));
        assertEquals(String.valueOf(first), browser.findElement(By.id("chart")).getDomAttribute("data-agency-id"));
        assertTrue(text("#chart-title").contains("2026-11-23 (" + points + " reading"), text("#chart-title"));
        assertFalse(browser.findElements(By.cssSelector("#chart canvas")).isEmpty(), "uPlot drew its canvas");

        // the markers are where the agencies are: on the coastline's land, west to east and north to south in order
        List<WebElement> drawn = browser.findElements(By.cssSelector("#map path.agency-marker"));
        int onLand = 0;
        List<String> offLand = new ArrayList<>();
        for (WebElement marker : drawn) {
            // the marker's disc touches the fill of one of the coastline's paths: its centre or a point of its
            // edge is on land (6 coastal agencies lie up to 1 km off the 1:10m coastline; a marker is at least 5 km wide)
            Boolean land = (Boolean) ((JavascriptExecutor) browser).executeScript(
                    "const r = arguments[0].getBoundingClientRect();"
                            + "const x = r.x + r.width / 2, y = r.y + r.height / 2, radius = r.width / 2;"
                            + "const points = [new DOMPoint(x, y)];"
                            + "for (let i = 0; i < 8; i++) { points.push(new DOMPoint(x + radius * Math.cos(i * Math.PI / 4),"
                            + " y + radius * Math.sin(i * Math.PI / 4))); }"
                            + "return Array.from(document.querySelectorAll('path.land')).some(p => points.some(point =>"
                            + " p.isPointInFill(point.matrixTransform(p.getScreenCTM().inverse()))));",
                    marker);
            if (Boolean.TRUE.equals(land)) {
                onLand++;
            } else {
                offLand.add(marker.getDomAttribute("data-agency-id"));
            }
        }
        assertEquals(drawn.size(), onLand, "markers on land: " + onLand + " of " + drawn.size() + "; off: " + offLand);
        Map<Integer, org.openqa.selenium.Rectangle> boxes = new HashMap<>();
        drawn.forEach(marker -> boxes.put(Integer.parseInt(marker.getDomAttribute("data-agency-id")), marker.getRect()));
        for (int a : boxes.keySet()) {
            for (int b : boxes.keySet()) {
                JsonNode pa = latest.get(a).get("position");
                JsonNode pb = latest.get(b).get("position");
                if (pa.get("lon").asDouble() > pb.get("lon").asDouble() + 0.05) {
                    assertTrue(centreX(boxes.get(a)) > centreX(boxes.get(b)), a + " is east of " + b);
                }
                if (pa.get("lat").asDouble() > pb.get("lat").asDouble() + 0.05) {
                    assertTrue(centreY(boxes.get(a)) < centreY(boxes.get(b)), a + " is north of " + b);
                }
            }
        }

        assertEquals(List.of(), consoleErrors(), "no error in the page's console");
    }

    /** minutes as the page writes them: to a tenth, without a trailing .0 */
    static String minutes(JsonNode value) {
        double tenths = Math.round(value.asDouble() * 10) / 10.0;
        return (tenths == Math.rint(tenths) ? String.valueOf((long) tenths) : String.valueOf(tenths)) + " min";
    }

    static double centreX(org.openqa.selenium.Rectangle box) {
        return box.getX() + box.getWidth() / 2.0;
    }

    static double centreY(org.openqa.selenium.Rectangle box) {
        return box.getY() + box.getHeight() / 2.0;
    }

    @Test
    @Order(3)
    void thePageUpdatesItselfAfterTheNextPoll() throws Exception {
        Map<Integer, Map<String, String>> before = markers();
        assertFalse(before.isEmpty(), "the page is loaded");
        String chartPointsBefore = browser.findElement(By.id("chart")).getDomAttribute("data-points");
        // the next poll finds the agencies an hour later (polling is stopped meanwhile)
        simulator.close();
        simulator = simulator("2026-11-23T10:30:00");
        pollsThenStop(1);
        Map<Integer, Map<String, String>> expected = expectedMarkers(latestOnTopic());
        assertTrue(expected.keySet().stream().anyMatch(id -> !expected.get(id).get("observedAt").equals(before.get(id).get("observedAt"))),
                "the poll brought new observations");
        awaitMarkers(expected); // without reloading the page
        int first = Integer.parseInt(browser.findElement(By.id("chart")).getDomAttribute("data-agency-id"));
        int points = observationsOnTopic(first).size();
        await().atMost(Duration.ofSeconds(30)).until(() -> String.valueOf(points).equals(
                browser.findElement(By.id("chart")).getDomAttribute("data-points")));
        assertTrue(points > Integer.parseInt(chartPointsBefore), "the chart has the new reading");
        await().atMost(Duration.ofSeconds(10)).until(() -> "ok".equals(browser.findElement(By.id("status")).getDomAttribute("data-state")));
        assertTrue(text("#status").matches("Updated \\d\\d:\\d\\d:\\d\\d: 63 agencies, 60 on the map"), text("#status"));
        Files.createDirectories(SCREENSHOT.getParent());
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
        assertEquals(List.of(), consoleErrors(), "no error in the page's console");
    }

    @Test
    @Order(4)
    void thePageSaysWhenItsDataIsStale() {
        // polling stopped: after map.stale-after-polls (10) poll periods (3 s) without a new reading
        await().atMost(Duration.ofSeconds(70)).until(() ->
                "stale".equals(browser.findElement(By.id("status")).getDomAttribute("data-state")));
        assertTrue(text("#status").startsWith("Data stale: the newest reading was polled at "), text("#status"));
        assertEquals(Agencies.all().size() - 3, browser.findElements(By.cssSelector("#map path.agency-marker")).size(),
                "the markers stay");
    }

    @Test
    @Order(5)
    void withOpenSearchOutOfReachTheDataRoutesAnswer503AndThePageSaysSo() throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>(CamelApp.httpPorts());
        overrides.put("opensearch.url", "http://127.0.0.1:" + CamelApp.freePort()); // nothing listens there
        overrides.put("map.opensearch-timeout-ms", "1000");
        overrides.put("map.refresh-ms", "2000");
        try (CamelApp mapOnly = CamelApp.start("file:application.properties", "file:routes/map-*.camel.yaml", overrides)) {
            String base = "http://127.0.0.1:" + mapOnly.property("camel.server.port");
            for (String path : List.of("/map/agencies", "/map/alerts", "/map/agencies/4313/readings")) {
                HttpResponse<String> answer = Http.get(base + path);
                assertEquals(503, answer.statusCode(), path);
                assertEquals("application/json", answer.headers().firstValue("Content-Type").orElse(""), path);
                JsonNode body = JSON.readTree(answer.body());
                assertEquals(Set.of("error"), toSet(body.fieldNames()), answer.body());
                assertFalse(answer.body().matches("(?s).*(Exception|\\bat [a-z]+\\.|nc\\.opt|org\\.).*"), "no exception: " + answer.body());
            }
            HttpResponse<String> bad = Http.get(base + "/map/agencies/43x3/readings?day=today");
            assertEquals(400, bad.statusCode());
            assertEquals(Set.of("error"), toSet(JSON.readTree(bad.body()).fieldNames()), bad.body());

            browser.get(base + "/");
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    "error".equals(browser.findElement(By.id("status")).getDomAttribute("data-state")));
            assertTrue(text("#status").startsWith("OpenSearch unreachable: "), text("#status"));
            // the browser reports the 503 answers in its console, and nothing else
            List<String> errors = consoleErrors();
            assertFalse(errors.isEmpty());
            errors.forEach(error -> assertTrue(error.contains("status of 503"), error));
        }
    }

    static Set<String> toSet(java.util.Iterator<String> names) {
        Set<String> set = new TreeSet<>();
        names.forEachRemaining(set::add);
        return set;
    }
}
