package nc.opt.waits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import nc.opt.waits.support.Agencies;
import nc.opt.waits.support.CamelApp;
import nc.opt.waits.support.OpenSearch;
import nc.opt.waits.support.SavedObjects;
import nc.opt.waits.support.TestOpenSearch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The contract between dashboards/ (saved objects for OpenSearch Dashboards 2.19, the anomaly
 * detector) and what the pipeline really indexes: the simulator (clock 120 times faster, from a
 * Monday 09:00 in Noumea, so that every wait band shows up), a real Kafka broker, the pipeline's
 * routes as `camel run` loads them, and a real OpenSearch. Dashboards itself and the Anomaly
 * Detection plugin cannot run here: their requests are rebuilt from the saved objects and run as
 * plain _search requests against the live index (see SavedObjects.searchBody).
 * <p>
 * The saved objects name the production index pattern opt-waits-readings*. This test indexes into
 * opt-waits-readings-dash&lt;run&gt; (an alias over monthly indices opt-waits-readings-dash&lt;run&gt;-yyyy.MM),
 * which that pattern matches too: every search below is sent to the pattern's title exactly as
 * Dashboards would send it, nothing is substituted.
 */
class DashboardsContractIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String INDEX = "opt-waits-readings-dash" + RUN;
    static final String READINGS = "it-dash-readings-" + RUN;
    /** where the Anomaly Detection plugin would write its results, with its mapping (see below) */
    static final String AD_RESULTS = "opensearch-ad-plugin-result-it" + RUN;
    static final Set<String> NUMERIC = Set.of("long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float");
    static final Pattern DOC_FIELD = Pattern.compile("doc\\['([^']+)'\\]");

    static Map<String, JsonNode> objects;
    static CamelApp simulator;
    static CamelApp pipeline;

    @BeforeAll
    static void start() throws Exception {
        objects = SavedObjects.load();
        TestOpenSearch.url();
        int simPort = CamelApp.freePort();
        simulator = CamelApp.simulator(Map.of(
                "camel.server.port", String.valueOf(simPort),
                "sim.clock.start", "2026-11-23T09:00:00",
                "sim.clock.speed", "120"));
        Map<String, String> overrides = CamelApp.onTestStack(READINGS, "it-dash-dead-letters-" + RUN, INDEX, "it-dash-indexer-" + RUN);
        overrides.putAll(CamelApp.polling(simPort, "target/it-csv-dash-" + RUN));
        overrides.put("camel.main.routesExcludePattern", "file:routes/alert*.camel.yaml,file:routes/http-api.camel.yaml");
        // the simulator's clock is a past Monday: with the default stale age every reading would be
        // stale, and the band layers and charts (which leave stale readings out) empty
        overrides.put("readings.stale-after-minutes", "52560000");
        pipeline = CamelApp.pipeline("file:application.properties", overrides);
        // a few polls, each with new observations; the pipeline goes on polling during the tests so
        // that the map's "last 2 minutes" layers always have fresh readings
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> OpenSearch.count(INDEX) >= 4L * Agencies.all().size());
        createAnomalyResultsIndex();
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    /**
     * The plugin's result mapping, as opensearch-project/anomaly-detection declares it in
     * src/main/resources/mappings/anomaly-results.json (the fields the dashboards use, and entity),
     * with one result document: the plugin itself is not obtainable here.
     */
    static void createAnomalyResultsIndex() throws Exception {
        put("/" + AD_RESULTS, """
                {"mappings":{"dynamic":false,"properties":{
                  "detector_id":{"type":"keyword"},"anomaly_grade":{"type":"double"},"anomaly_score":{"type":"double"},
                  "confidence":{"type":"double"},
                  "data_start_time":{"type":"date","format":"strict_date_time||epoch_millis"},
                  "data_end_time":{"type":"date","format":"strict_date_time||epoch_millis"},
                  "execution_end_time":{"type":"date","format":"strict_date_time||epoch_millis"},
                  "entity":{"type":"nested","properties":{"name":{"type":"keyword"},"value":{"type":"keyword"}}}}}}""");
        long now = System.currentTimeMillis();
        OpenSearch.post("/" + AD_RESULTS + "/_doc?refresh=true", """
                {"detector_id":"it","anomaly_grade":0.8,"anomaly_score":2.5,"confidence":0.9,"data_start_time":%d,
                 "data_end_time":%d,"execution_end_time":%d,"entity":[{"name":"agencyId","value":"4313"}]}"""
                .formatted(now - 600_000, now, now));
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void everyLineParsesAndEveryReferenceResolves() {
        List<String> problems = new ArrayList<>();
        for (JsonNode object : objects.values()) {
            String id = object.path("type").asText() + ":" + object.path("id").asText();
            for (String pointer : List.of("/attributes/visState", "/attributes/uiStateJSON", "/attributes/panelsJSON",
                    "/attributes/optionsJSON", "/attributes/layerList", "/attributes/mapState", "/attributes/fields",
                    "/attributes/kibanaSavedObjectMeta/searchSourceJSON")) {
                if (!object.at(pointer).isMissingNode()) {
                    SavedObjects.inner(object, pointer); // throws when the string is not JSON
                }
            }
            for (JsonNode ref : object.path("references")) {
                if (!objects.containsKey(ref.path("type").asText() + ":" + ref.path("id").asText())) {
                    problems.add(id + ": reference " + ref + " resolves to nothing in dashboards/");
                }
            }
            JsonNode source = object.at("/attributes/kibanaSavedObjectMeta/searchSourceJSON").isTextual()
                    ? SavedObjects.inner(object, "/attributes/kibanaSavedObjectMeta/searchSourceJSON") : JSON.createObjectNode();
            if (source.has("indexRefName")) {
                checkRef(object, source.get("indexRefName").asText(), "index-pattern", problems);
            }
            if ("visualization".equals(object.path("type").asText())) {
                JsonNode vis = SavedObjects.inner(object, "/attributes/visState");
                if (vis.at("/params/controls").isArray()) {
                    vis.at("/params/controls").forEach(c -> checkRef(object, c.path("indexPatternRefName").asText(), "index-pattern", problems));
                } else if (!source.has("indexRefName")) {
                    problems.add(id + ": no index pattern (searchSourceJSON.indexRefName)");
                }
            }
            if ("map".equals(object.path("type").asText())) {
                for (JsonNode layer : SavedObjects.inner(object, "/attributes/layerList")) {
                    if ("documents".equals(layer.path("type").asText())) {
                        JsonNode pattern = objects.get("index-pattern:" + layer.at("/source/indexPatternId").asText());
                        if (pattern == null) {
                            problems.add(id + ": layer " + layer.path("name") + " names no index pattern of dashboards/");
                        } else if (!pattern.at("/attributes/title").asText().equals(layer.at("/source/indexPatternRefName").asText())) {
                            // the Maps plugin searches the index named by indexPatternRefName: the pattern's title
                            problems.add(id + ": layer " + layer.path("name") + " indexPatternRefName is not the title of its pattern");
                        }
                    }
                }
            }
        }
        JsonNode dashboard = objects.get("dashboard:opt-waits-overview");
        SavedObjects.inner(dashboard, "/attributes/panelsJSON").forEach(p -> checkRef(dashboard, p.path("panelRefName").asText(), null, problems));
        for (JsonNode object : objects.values()) {
            boolean shown = "index-pattern".equals(object.path("type").asText()) || "dashboard".equals(object.path("type").asText());
            for (JsonNode ref : dashboard.path("references")) {
                shown |= ref.path("id").asText().equals(object.path("id").asText());
            }
            if (!shown) {
                problems.add(object.path("id").asText() + " is on no dashboard");
            }
        }
        assertEquals(List.of(), problems);

        JsonNode attributes = dashboard.path("attributes");
        assertTrue(attributes.path("timeRestore").asBoolean());
        assertEquals("now-24h", attributes.path("timeFrom").asText());
        assertEquals("now", attributes.path("timeTo").asText());
        assertEquals(JSON.createObjectNode().put("pause", false).put("value", 60000), attributes.path("refreshInterval"));
        JsonNode readings = objects.get("index-pattern:opt-waits-readings");
        assertEquals("opt-waits-readings*", readings.at("/attributes/title").asText());
        assertEquals("@timestamp", readings.at("/attributes/timeFieldName").asText());
    }

    static void checkRef(JsonNode object, String name, String type, List<String> problems) {
        for (JsonNode ref : object.path("references")) {
            if (name.equals(ref.path("name").asText()) && (type == null || type.equals(ref.path("type").asText()))) {
                return;
            }
        }
        problems.add(object.path("id").asText() + ": no reference named '" + name + "'" + (type == null ? "" : " of type " + type));
    }

    @Test
    void theReadingsPatternMatchesTheAliasAndTheMonthlyIndicesOfProductionAndOfThisTest() throws Exception {
        String title = objects.get("index-pattern:opt-waits-readings").at("/attributes/title").asText();
        Pattern pattern = wildcard(title);
        for (String name : List.of("opt-waits-readings", "opt-waits-readings-2026.11", INDEX)) {
            assertTrue(pattern.matcher(name).matches(), title + " matches " + name);
        }
        JsonNode resolved = OpenSearch.get("/_resolve/index/" + title);
        List<String> names = new ArrayList<>();
        resolved.path("indices").forEach(i -> names.add(i.path("name").asText()));
        resolved.path("aliases").forEach(a -> names.add(a.path("name").asText()));
        assertTrue(names.contains(INDEX), "the live alias is matched: " + names);
        assertTrue(names.stream().anyMatch(n -> n.matches(Pattern.quote(INDEX) + "-\\d{4}\\.\\d{2}")), "a live monthly index: " + names);
        String adTitle = objects.get("index-pattern:opt-waits-anomaly-results").at("/attributes/title").asText();
        assertTrue(wildcard(adTitle).matcher(detector().path("result_index").asText()).matches(), "the detector's result index is charted");
    }

    @Test
    void everyFieldTheSavedObjectsUseIsInTheLiveMappingWithTheTypeItNeeds() throws Exception {
        List<String> problems = new ArrayList<>();
        for (JsonNode pattern : patterns()) {
            Map<String, String> fields = liveFields(pattern.at("/attributes/title").asText());
            String id = pattern.path("id").asText();
            need(problems, id + " time field", fields, pattern.at("/attributes/timeFieldName").asText(), Set.of("date"));
            for (JsonNode scripted : SavedObjects.scriptedFields(pattern).values()) {
                Matcher doc = DOC_FIELD.matcher(scripted.get("script").asText());
                boolean any = false;
                while (doc.find()) {
                    any = true; // the scripts read a date's zone-shifted hour / day of week
                    need(problems, id + " scripted field " + scripted.get("name").asText(), fields, doc.group(1), Set.of("date"));
                }
                if (!any) {
                    problems.add(id + " scripted field " + scripted.get("name").asText() + " reads no field");
                }
            }
        }
        for (JsonNode object : objects.values()) {
            String id = object.path("id").asText();
            if ("visualization".equals(object.path("type").asText())) {
                JsonNode vis = SavedObjects.inner(object, "/attributes/visState");
                for (JsonNode control : vis.at("/params/controls")) {
                    JsonNode pattern = objects.get("index-pattern:" + SavedObjects.reference(object, control.path("indexPatternRefName").asText()));
                    need(problems, id + " control", liveFields(pattern.at("/attributes/title").asText()), control.path("fieldName").asText(), Set.of("keyword"));
                }
                if (vis.at("/params/controls").isArray()) {
                    continue;
                }
                JsonNode pattern = objects.get("index-pattern:" + SavedObjects.reference(object, "kibanaSavedObjectMeta.searchSourceJSON.index"));
                Map<String, String> fields = liveFields(pattern.at("/attributes/title").asText());
                Map<String, JsonNode> scripted = SavedObjects.scriptedFields(pattern);
                for (JsonNode agg : vis.path("aggs")) {
                    String field = agg.at("/params/field").asText();
                    Set<String> types = switch (agg.path("type").asText()) {
                        case "max", "min", "avg", "sum", "median", "percentiles" -> NUMERIC;
                        case "terms" -> Set.of("keyword");
                        case "date_histogram" -> Set.of("date");
                        case "geohash_grid", "geotile_grid" -> Set.of("geo_point");
                        case "count" -> null;
                        default -> Set.of("unknown aggregation " + agg.path("type").asText());
                    };
                    if (types != null && !scripted.containsKey(field)) {
                        need(problems, id + " " + agg.path("type").asText(), fields, field, types);
                    } else if (types != null) {
                        String kind = scripted.get(field).path("type").asText();
                        if (NUMERIC.equals(types) && !"number".equals(kind)) {
                            problems.add(id + ": " + agg.path("type").asText() + " on the scripted " + kind + " field " + field);
                        }
                    }
                }
                for (JsonNode filter : SavedObjects.inner(object, "/attributes/kibanaSavedObjectMeta/searchSourceJSON").path("filter")) {
                    filter.path("query").path("range").fieldNames().forEachRemaining(f -> need(problems, id + " filter", fields, f, Set.of("date")));
                }
            }
            if ("map".equals(object.path("type").asText())) {
                for (JsonNode layer : SavedObjects.inner(object, "/attributes/layerList")) {
                    if (!"documents".equals(layer.path("type").asText())) {
                        continue;
                    }
                    JsonNode source = layer.path("source");
                    Map<String, String> fields = liveFields(source.path("indexPatternRefName").asText());
                    String where = id + " layer " + layer.path("name").asText();
                    need(problems, where, fields, source.path("geoFieldName").asText(), Set.of(source.path("geoFieldType").asText()));
                    assertEquals("geo_point", source.path("geoFieldType").asText(), where);
                    source.path("tooltipFields").forEach(f -> need(problems, where + " tooltip", fields, f.asText(), null));
                    for (JsonNode filter : source.path("filters")) {
                        filter.path("query").path("range").fieldNames().forEachRemaining(f -> need(problems, where + " filter", fields, f, null));
                        filter.path("query").path("exists").findValues("field").forEach(f -> need(problems, where + " filter", fields, f.asText(), null));
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theAnomalyDetectorUsesLiveFieldsOfTheRightTypesAndItsFeatureHasValuesPerAgency() throws Exception {
        JsonNode detector = detector();
        List<String> problems = new ArrayList<>();
        for (JsonNode index : detector.path("indices")) {
            assertFalse(OpenSearch.get("/_resolve/index/" + index.asText()).path("indices").isEmpty(), index + " matches live indices");
            Map<String, String> fields = liveFields(index.asText());
            need(problems, "time_field", fields, detector.path("time_field").asText(), Set.of("date"));
            detector.path("feature_attributes").forEach(f -> f.path("aggregation_query").findValues("field")
                    .forEach(field -> need(problems, "feature " + f.path("feature_name").asText(), fields, field.asText(), NUMERIC)));
            detector.path("category_field").forEach(c -> need(problems, "category_field", fields, c.asText(), Set.of("keyword")));
        }
        assertEquals(List.of(), problems);
        assertEquals(JSON.readTree("{\"period\":{\"interval\":10,\"unit\":\"Minutes\"}}"), detector.path("detection_interval"));
        assertEquals(JSON.readTree("{\"period\":{\"interval\":2,\"unit\":\"Minutes\"}}"), detector.path("window_delay"));
        assertTrue(detector.path("result_index").asText().startsWith("opensearch-ad-plugin-result-"), "the plugin's prefix for custom result indices");

        // what the plugin computes: the feature per agency (category field) per detection interval
        ObjectNode body = JSON.createObjectNode().put("size", 0);
        body.putObject("query").putObject("range").putObject(detector.path("time_field").asText()).put("gte", "now-1h");
        ObjectNode perInterval = body.putObject("aggs").putObject("entity");
        perInterval.putObject("terms").put("field", detector.path("category_field").get(0).asText()).put("size", 100);
        ObjectNode histogram = perInterval.putObject("aggs").putObject("interval");
        histogram.putObject("date_histogram").put("field", detector.path("time_field").asText()).put("fixed_interval", "10m");
        ObjectNode features = histogram.putObject("aggs");
        detector.path("feature_attributes").forEach(f -> features.setAll((ObjectNode) f.path("aggregation_query")));
        String feature = detector.path("feature_attributes").get(0).path("aggregation_query").fieldNames().next();
        JsonNode answer = OpenSearch.post("/" + String.join(",", texts(detector.path("indices"))) + "/_search", body.toString());
        JsonNode entities = answer.at("/aggregations/entity/buckets");
        assertEquals(Agencies.all().size(), entities.size(), "one model per agency: " + answer);
        assertTrue(entities.get(0).at("/interval/buckets/0/" + feature + "/value").isNumber(), "the feature has a value: " + entities.get(0));
    }

    @Test
    void everyVisualizationsSearchReturnsBucketsFromTheLiveIndex() throws Exception {
        List<String> problems = new ArrayList<>();
        for (JsonNode object : objects.values()) {
            if (!"visualization".equals(object.path("type").asText())) {
                continue;
            }
            JsonNode vis = SavedObjects.inner(object, "/attributes/visState");
            String id = object.path("id").asText();
            if (vis.at("/params/controls").isArray()) {
                for (JsonNode control : vis.at("/params/controls")) { // the options list: a terms aggregation on the field
                    JsonNode answer = OpenSearch.post("/" + pattern(object, control.path("indexPatternRefName").asText()).at("/attributes/title").asText()
                            + "/_search", "{\"size\":0,\"aggs\":{\"options\":{\"terms\":{\"field\":\"%s\",\"size\":%d}}}}"
                            .formatted(control.path("fieldName").asText(), control.at("/options/size").asInt()));
                    int options = answer.at("/aggregations/options/buckets").size();
                    if (options != Agencies.all().size()) {
                        problems.add(id + ": " + options + " agencies to choose from, not " + Agencies.all().size());
                    }
                }
                continue;
            }
            JsonNode pattern = pattern(object, "kibanaSavedObjectMeta.searchSourceJSON.index");
            Map<String, JsonNode> scripted = SavedObjects.scriptedFields(pattern);
            if (usesScriptedFields(vis, scripted)) {
                continue; // see theHeatmapsScriptedFieldsRunInPainless
            }
            JsonNode answer = search(object, vis, pattern, scripted);
            problems.addAll(emptyBuckets(id, vis, answer));
        }
        assertEquals(List.of(), problems);

        // the top 10: at most 10 agencies, worst first
        JsonNode top = objects.get("visualization:opt-waits-top10-today");
        JsonNode buckets = search(top, SavedObjects.inner(top, "/attributes/visState"), pattern(top, "kibanaSavedObjectMeta.searchSourceJSON.index"), Map.of())
                .at("/aggregations/2/buckets");
        assertEquals(10, buckets.size());
        for (int i = 1; i < buckets.size(); i++) {
            assertTrue(buckets.get(i - 1).at("/1/value").asDouble() >= buckets.get(i).at("/1/value").asDouble(), "ordered by max wait: " + buckets);
        }
    }

    @Test
    void eachBandLayerOfTheMapShowsExactlyTheLatestReadingsOfItsBand() throws Exception {
        JsonNode map = objects.get("map:opt-waits-map");
        Map<String, Integer> shown = new HashMap<>();
        for (JsonNode layer : SavedObjects.inner(map, "/attributes/layerList")) {
            if (!"documents".equals(layer.path("type").asText())) {
                continue;
            }
            // what the Maps plugin sends (layerRenderController.prepareDataLayerSource): the layer's
            // filters and the time range, documentRequestNumber hits, the geo field and the tooltips
            JsonNode source = layer.path("source");
            ObjectNode body = JSON.createObjectNode().put("size", source.path("documentRequestNumber").asInt());
            body.putArray("_source").add(source.path("geoFieldName").asText()).addAll(texts(source.path("tooltipFields")).stream()
                    .map(JSON.getNodeFactory()::textNode).toList()).add("waitBand");
            var filter = body.putObject("query").putObject("bool").putArray("filter");
            filter.addObject().putObject("range").putObject("@timestamp").put("gte", SavedObjects.TIME_FROM).put("lte", "now");
            source.path("filters").forEach(f -> filter.add(f.path("query")));
            JsonNode hits = OpenSearch.post("/" + source.path("indexPatternRefName").asText() + "/_search", body.toString()).at("/hits/hits");
            String band = layer.path("name").asText().split(":")[0]; // "green: max wait <= 5 min"
            if ("stale".equals(band)) {
                assertTrue(hits.isEmpty(), "no reading is stale here: " + hits); // the stale age is a century in this test
                continue;
            }
            assertFalse(hits.isEmpty(), "the " + band + " layer shows readings");
            for (JsonNode hit : hits) {
                assertEquals(band, hit.at("/_source/waitBand").asText(), "the layer agrees with the pipeline's waitBand: " + hit);
                assertTrue(hit.at("/_source/position/lat").isNumber() && hit.at("/_source/designation").isTextual(), hit.toString());
            }
            shown.put(band, hits.size());
        }
        assertEquals(Set.of("green", "orange", "red"), shown.keySet());
    }

    @Test
    void theHeatmapsScriptedFieldsRunInPainless() throws Exception {
        JsonNode modules = OpenSearch.get("/_nodes?filter_path=nodes.*.modules.name");
        Assumptions.assumeTrue(modules.toString().contains("\"lang-painless\""), "this OpenSearch has no lang-painless module,"
                + " so the scripted fields cannot run here (their fields are checked by everyFieldTheSavedObjectsUse...): " + modules);
        JsonNode object = objects.get("visualization:opt-waits-heatmap-hour-weekday");
        JsonNode vis = SavedObjects.inner(object, "/attributes/visState");
        JsonNode pattern = pattern(object, "kibanaSavedObjectMeta.searchSourceJSON.index");
        Map<String, JsonNode> scripted = SavedObjects.scriptedFields(pattern);
        assertTrue(usesScriptedFields(vis, scripted));
        JsonNode answer = search(object, vis, pattern, scripted);
        assertEquals(List.of(), emptyBuckets("heatmap", vis, answer));

        // the scripts' values for one reading are its observation time's hour and weekday in Noumea
        ObjectNode body = JSON.createObjectNode().put("size", 1);
        body.putArray("_source").add("observedAt");
        ObjectNode fields = body.putObject("script_fields");
        scripted.forEach((name, f) -> fields.putObject(name).putObject("script").put("source", f.get("script").asText()).put("lang", "painless"));
        JsonNode hit = OpenSearch.post("/" + pattern.at("/attributes/title").asText() + "/_search", body.toString()).at("/hits/hits/0");
        ZonedDateTime observed = OffsetDateTime.parse(hit.at("/_source/observedAt").asText()).atZoneSameInstant(ZoneId.of("Pacific/Noumea"));
        assertEquals(observed.getHour(), hit.at("/fields/hourOfDay/0").asInt(), hit.toString());
        assertEquals(observed.getDayOfWeek().getValue() + " " + observed.getDayOfWeek().toString().substring(0, 1)
                + observed.getDayOfWeek().toString().substring(1, 3).toLowerCase(), hit.at("/fields/weekday/0").asText(), hit.toString());
    }

    // ---------------------------------------------------------------------------------------------

    static JsonNode detector() throws Exception {
        return JSON.readTree(Files.readString(Path.of("dashboards/anomaly-detector.json")));
    }

    static List<JsonNode> patterns() {
        return objects.values().stream().filter(o -> "index-pattern".equals(o.path("type").asText())).toList();
    }

    static JsonNode pattern(JsonNode object, String refName) {
        return objects.get("index-pattern:" + SavedObjects.reference(object, refName));
    }

    static JsonNode search(JsonNode object, JsonNode vis, JsonNode pattern, Map<String, JsonNode> scripted) throws Exception {
        JsonNode searchSource = SavedObjects.inner(object, "/attributes/kibanaSavedObjectMeta/searchSourceJSON");
        ObjectNode body = SavedObjects.searchBody(vis, searchSource, pattern.at("/attributes/timeFieldName").asText(), scripted);
        JsonNode answer = OpenSearch.post("/" + pattern.at("/attributes/title").asText() + "/_search", body.toString());
        if (!answer.has("aggregations")) {
            fail(object.path("id").asText() + ": " + body + " -> " + answer);
        }
        return answer;
    }

    static boolean usesScriptedFields(JsonNode vis, Map<String, JsonNode> scripted) {
        for (JsonNode agg : vis.path("aggs")) {
            if (scripted.containsKey(agg.at("/params/field").asText())) {
                return true;
            }
        }
        return false;
    }

    /** each level of buckets non-empty (first bucket of each level followed), metrics with values */
    static List<String> emptyBuckets(String id, JsonNode vis, JsonNode answer) {
        List<String> problems = new ArrayList<>();
        JsonNode level = answer.path("aggregations");
        List<String> metrics = new ArrayList<>();
        for (JsonNode agg : vis.path("aggs")) {
            String aggId = agg.get("id").asText();
            if ("metric".equals(agg.path("schema").asText())) {
                if (!"count".equals(agg.path("type").asText())) {
                    metrics.add(aggId);
                }
                continue;
            }
            JsonNode buckets = level.path(aggId).path("buckets");
            if (buckets.isEmpty()) {
                problems.add(id + ": no bucket for aggregation " + aggId + " (" + agg.path("type").asText() + "): " + answer);
                return problems;
            }
            level = buckets.get(0);
        }
        for (String metric : metrics) {
            if (!level.path(metric).path("value").isNumber()) {
                problems.add(id + ": metric " + metric + " has no value in " + level);
            }
        }
        return problems;
    }

    /** field name (multi-fields as name.sub) -> type, from the live mapping of every index the name matches */
    static Map<String, String> liveFields(String indexOrPattern) throws Exception {
        Map<String, String> fields = new HashMap<>();
        OpenSearch.get("/" + indexOrPattern + "/_mapping").forEach(index -> collect("", index.at("/mappings/properties"), fields));
        if (fields.isEmpty()) {
            fields.put("(no live index matches " + indexOrPattern + ")", "none");
        }
        return fields;
    }

    static void collect(String prefix, JsonNode properties, Map<String, String> fields) {
        properties.fields().forEachRemaining(e -> {
            String name = prefix + e.getKey();
            String type = e.getValue().path("type").asText("object");
            String before = fields.put(name, type);
            if (before != null && !before.equals(type)) {
                fields.put(name, "conflict: " + before + " and " + type);
            }
            collect(name + ".", e.getValue().path("properties"), fields);
            collect(name + ".", e.getValue().path("fields"), fields);
        });
    }

    static void need(List<String> problems, String where, Map<String, String> fields, String field, Set<String> types) {
        String type = fields.get(field);
        if (type == null) {
            problems.add(where + ": no field '" + field + "' in the live mapping " + fields.keySet());
        } else if (types != null && !types.contains(type)) {
            problems.add(where + ": field '" + field + "' is " + type + ", needs " + types);
        }
    }

    static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(t -> texts.add(t.asText()));
        return texts;
    }

    /** an index pattern's title (with * wildcards) as a regular expression */
    static Pattern wildcard(String title) {
        return Pattern.compile(Arrays.stream(title.split("\\*", -1)).map(Pattern::quote).collect(Collectors.joining(".*")));
    }

    /** PUT with a JSON body (support.OpenSearch has GET and POST only) */
    static void put(String path, String json) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(TestOpenSearch.url() + path))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
    }
}
