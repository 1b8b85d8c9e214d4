package nc.opt.waits.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Puts the analytics results into an OpenSearch index, over plain HTTP(S): one document per result
 * row, with the result's name, the run's id and time, the row's fields; the document id is the
 * result and the row's key, so each run replaces the figures of the one before, and the documents
 * the new run did not write (a lower topN) are deleted. The index holds the latest figures only; the
 * JSON files are written first, an OpenSearch outage is logged and the next run tries again.
 */
public class AnalyticsIndexer {
    private static final Logger LOG = LoggerFactory.getLogger(AnalyticsIndexer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** the fields that tell the rows of each result apart */
    private static final Map<String, List<String>> KEYS = Map.of(
            "wait-by-agency-weekday-hour", List.of("agencyId", "breakdown", "weekday", "hour"),
            "busiest-agencies", List.of("rank"),
            "busiest-communes", List.of("rank"),
            "over-threshold", List.of("agencyId"),
            "band-shares", List.of("scope", "agencyId"),
            "summary", List.of());

    private String url = "http://127.0.0.1:9200";
    private String username = "";
    private String password = "";
    private String caFile = "";
    private String indexName = "opt-waits-analytics";
    private HttpClient client;
    private boolean templateInstalled;

    /** The route's step: indexes the results of the exchange property analytics, sets the property indexedCount. */
    @SuppressWarnings("unchecked")
    public void indexResults(Exchange exchange) throws IOException, InterruptedException {
        exchange.setProperty("indexedCount", index(exchange.getProperty("analytics", Map.class)));
    }

    /** Indexes the results; returns the number of documents. */
    @SuppressWarnings("unchecked")
    public synchronized int index(Map<String, Map<String, Object>> results) throws IOException, InterruptedException {
        if (!templateInstalled) {
            send("PUT", "/_index_template/" + indexName, template(), "application/json");
            templateInstalled = true;
        }
        String runId = UUID.randomUUID().toString();
        StringBuilder bulk = new StringBuilder();
        int documents = 0;
        for (Map<String, Object> result : results.values()) {
            String name = (String) result.get("result");
            for (Map<String, Object> row : (List<Map<String, Object>>) result.get("rows")) {
                Map<String, Object> document = new LinkedHashMap<>();
                document.put("result", name);
                document.put("runId", runId);
                document.put("generatedAt", result.get("generatedAt"));
                document.putAll(row);
                StringBuilder id = new StringBuilder(name);
                for (String key : KEYS.getOrDefault(name, List.of())) {
                    id.append('|').append(row.get(key));
                }
                bulk.append(JSON.writeValueAsString(Map.of("index", Map.of("_index", indexName, "_id", id.toString()))))
                        .append('\n').append(JSON.writeValueAsString(document)).append('\n');
                documents++;
            }
        }
        if (documents > 0) {
            JsonNode answer = send("POST", "/_bulk?refresh=wait_for", bulk.toString(), "application/x-ndjson");
            if (answer.path("errors").asBoolean()) {
                throw new IOException("OpenSearch refused documents of the bulk request: " + firstError(answer));
            }
        }
        // the documents of former runs that this one did not replace (a search and a bulk delete:
        // _delete_by_query needs the reindex module, which a minimal distribution may not have)
        int deleted = 0;
        String stale = JSON.writeValueAsString(Map.of("size", 1000, "_source", false, "query",
                Map.of("bool", Map.of("must_not", Map.of("term", Map.of("runId", runId))))));
        while (true) {
            JsonNode hits = send("POST", "/" + indexName + "/_search", stale, "application/json").path("hits").path("hits");
            if (hits.isEmpty()) {
                break;
            }
            StringBuilder delete = new StringBuilder();
            for (JsonNode hit : hits) {
                delete.append(JSON.writeValueAsString(Map.of("delete", Map.of("_index", indexName, "_id", hit.path("_id").asText()))))
                        .append('\n');
                deleted++;
            }
            send("POST", "/_bulk?refresh=wait_for", delete.toString(), "application/x-ndjson");
        }
        LOG.info("Indexed {} analytics documents into {} ({} of a former run deleted)", documents, indexName, deleted);
        return documents;
    }

    private JsonNode send(String method, String path, String body, String contentType) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (username != null && !username.isBlank()) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (username + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<String> response = client().send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(method + " " + path + " answered " + response.statusCode() + ": "
                    + abbreviate(response.body()));
        }
        try {
            return JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new IOException(method + " " + path + " answered something that is not JSON: " + abbreviate(response.body()));
        }
    }

    private synchronized HttpClient client() throws IOException {
        if (client == null) {
            HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
            if (caFile != null && !caFile.isBlank()) {
                builder.sslContext(sslContext(Path.of(caFile)));
            }
            client = builder.build();
        }
        return client;
    }

    /** An SSL context that trusts the CA certificates of a PEM file. */
    private static SSLContext sslContext(Path pem) throws IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int n = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + n++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the CA file " + pem + ": " + e.getMessage(), e);
        }
    }

    /** Strings as keywords, figures as doubles, counts as longs, generatedAt as a date. */
    private String template() throws JsonProcessingException {
        Map<String, Object> mappings = Map.of(
                "dynamic_templates", List.of(
                        Map.of("figures", Map.of("match_pattern", "regex", "match", ".*(Minutes|Share)$",
                                "mapping", Map.of("type", "double"))),
                        Map.of("strings", Map.of("match_mapping_type", "string", "mapping", Map.of("type", "keyword")))),
                "properties", Map.of(
                        "generatedAt", Map.of("type", "date"),
                        "firstObservedAt", Map.of("type", "date"),
                        "lastObservedAt", Map.of("type", "date")));
        return JSON.writeValueAsString(Map.of(
                "index_patterns", List.of(indexName),
                "template", Map.of("settings", Map.of("number_of_shards", 1, "number_of_replicas", 0),
                        "mappings", mappings)));
    }

    private static String firstError(JsonNode answer) {
        for (JsonNode item : answer.path("items")) {
            JsonNode error = item.path("index").path("error");
            if (!error.isMissingNode()) {
                return error.toString();
            }
        }
        return "(no detail)";
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() > 500 ? text.substring(0, 500) + "..." : text;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public void setCaFile(String caFile) {
        this.caFile = caFile;
    }

    public void setIndexName(String indexName) {
        this.indexName = indexName;
    }

    public String getIndexName() {
        return indexName;
    }
}
