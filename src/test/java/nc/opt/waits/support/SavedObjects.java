package nc.opt.waits.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The OpenSearch Dashboards saved objects of dashboards/*.ndjson, and the searches Dashboards sends
 * for them: a visualization's aggregations (visState) and filters (searchSourceJSON) translated into
 * the _search body Dashboards builds, so that a test can run it against the live index.
 */
public final class SavedObjects {
    public static final Path DIR = Path.of("dashboards");
    public static final String TIME_FROM = "now-24h"; // the dashboard's time range
    private static final ObjectMapper JSON = new ObjectMapper();

    private SavedObjects() {
    }

    /** every object of every .ndjson file, in file order, keyed "type:id" */
    public static Map<String, JsonNode> load() {
        Map<String, JsonNode> objects = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".ndjson")).sorted().toList()) {
                int n = 0;
                for (String line : Files.readAllLines(file)) {
                    n++;
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode object;
                    try {
                        object = JSON.readTree(line);
                    } catch (IOException e) {
                        throw new IllegalStateException(file + " line " + n + " is not JSON: " + e.getMessage(), e);
                    }
                    String key = object.path("type").asText() + ":" + object.path("id").asText();
                    if (objects.put(key, object) != null) {
                        throw new IllegalStateException(file + " line " + n + ": " + key + " is defined twice");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return objects;
    }

    /** an attribute holding JSON as a string (visState, searchSourceJSON, layerList...), parsed */
    public static JsonNode inner(JsonNode object, String pointer) {
        JsonNode text = object.at(pointer);
        if (!text.isTextual()) {
            throw new IllegalStateException(object.path("id").asText() + ": no JSON string at " + pointer);
        }
        try {
            return JSON.readTree(text.asText());
        } catch (IOException e) {
            throw new IllegalStateException(object.path("id").asText() + ": " + pointer + " is not JSON: " + e.getMessage(), e);
        }
    }

    /** the id of the object a reference (by name) points to */
    public static String reference(JsonNode object, String name) {
        for (JsonNode ref : object.path("references")) {
            if (name.equals(ref.path("name").asText())) {
                return ref.path("id").asText();
            }
        }
        throw new IllegalStateException(object.path("id").asText() + " has no reference named " + name);
    }

    /** the scripted fields of an index pattern, by name */
    public static Map<String, JsonNode> scriptedFields(JsonNode indexPattern) {
        Map<String, JsonNode> scripted = new LinkedHashMap<>();
        if (indexPattern.at("/attributes/fields").isTextual()) {
            inner(indexPattern, "/attributes/fields").forEach(f -> {
                if (f.path("scripted").asBoolean()) {
                    scripted.put(f.path("name").asText(), f);
                }
            });
        }
        return scripted;
    }

    /**
     * The _search body Dashboards sends for a visualization over the dashboard's time range: its
     * filters, its bucket aggregations nested in the order of visState.aggs, the metrics in the
     * innermost one (and beside a terms aggregation ordered by them), scripted fields as scripts.
     * "auto" date histogram intervals become 30m, what Dashboards picks for 24 hours.
     */
    public static ObjectNode searchBody(JsonNode visState, JsonNode searchSource, String timeField, Map<String, JsonNode> scripted) {
        ObjectNode body = JSON.createObjectNode().put("size", 0);
        ObjectNode bool = body.putObject("query").putObject("bool");
        ArrayNode filter = bool.putArray("filter");
        if (!timeField.isEmpty()) {
            filter.addObject().putObject("range").putObject(timeField).put("gte", TIME_FROM).put("lte", "now");
        }
        for (JsonNode f : searchSource.path("filter")) {
            if (!f.at("/meta/disabled").asBoolean()) {
                (f.at("/meta/negate").asBoolean() ? bool.withArray("must_not") : filter).add(f.get("query"));
            }
        }
        Map<String, JsonNode> metrics = new LinkedHashMap<>();
        List<JsonNode> buckets = new ArrayList<>();
        for (JsonNode agg : visState.path("aggs")) {
            if (!agg.path("enabled").asBoolean(true)) {
                continue;
            }
            if ("metric".equals(agg.path("schema").asText())) {
                metrics.put(agg.get("id").asText(), agg);
            } else {
                buckets.add(agg);
            }
        }
        ObjectNode level = body.putObject("aggs");
        for (JsonNode bucket : buckets) {
            ObjectNode agg = level.putObject(bucket.get("id").asText());
            agg.set(bucket.get("type").asText(), bucketParams(bucket, metrics, scripted, agg));
            level = subAggs(agg);
        }
        for (Map.Entry<String, JsonNode> metric : metrics.entrySet()) {
            if (!"count".equals(metric.getValue().get("type").asText())) {
                level.set(metric.getKey(), metricAgg(metric.getValue(), scripted));
            }
        }
        return body;
    }

    private static ObjectNode bucketParams(JsonNode bucket, Map<String, JsonNode> metrics, Map<String, JsonNode> scripted, ObjectNode agg) {
        JsonNode p = bucket.path("params");
        String field = p.path("field").asText();
        ObjectNode params = JSON.createObjectNode();
        switch (bucket.get("type").asText()) {
            case "terms" -> {
                fieldOrScript(params, field, scripted);
                params.put("size", p.path("size").asInt(5));
                String orderBy = p.path("orderBy").asText("_count");
                String direction = p.path("order").asText("desc");
                JsonNode byMetric = metrics.get(orderBy);
                if (byMetric != null && "count".equals(byMetric.get("type").asText())) {
                    params.putObject("order").put("_count", direction);
                } else {
                    params.putObject("order").put(orderBy, direction);
                    if (byMetric != null) {
                        subAggs(agg).set(orderBy, metricAgg(byMetric, scripted));
                    }
                }
            }
            case "date_histogram" -> {
                params.put("field", field);
                String interval = p.path("interval").asText("auto");
                params.put("fixed_interval", "auto".equals(interval) ? "30m" : interval);
                params.put("time_zone", "Pacific/Noumea").put("min_doc_count", 1);
            }
            case "geohash_grid" -> {
                params.put("field", field).put("precision", p.path("precision").asInt(5));
                if (p.path("useGeocentroid").asBoolean()) {
                    subAggs(agg).putObject("centroid").putObject("geo_centroid").put("field", field);
                }
            }
            default -> throw new IllegalStateException("no translation for a " + bucket.get("type") + " aggregation");
        }
        return params;
    }

    private static ObjectNode subAggs(ObjectNode agg) {
        return agg.has("aggs") ? (ObjectNode) agg.get("aggs") : agg.putObject("aggs");
    }

    private static ObjectNode metricAgg(JsonNode metric, Map<String, JsonNode> scripted) {
        ObjectNode agg = JSON.createObjectNode();
        fieldOrScript(agg.putObject(metric.get("type").asText()), metric.at("/params/field").asText(), scripted);
        return agg;
    }

    private static void fieldOrScript(ObjectNode params, String field, Map<String, JsonNode> scripted) {
        JsonNode script = scripted.get(field);
        if (script == null) {
            params.put("field", field);
        } else {
            params.putObject("script").put("source", script.get("script").asText()).put("lang", script.get("lang").asText());
            params.put("value_type", "number".equals(script.get("type").asText()) ? "float" : script.get("type").asText());
        }
    }
}
