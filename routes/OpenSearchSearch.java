package nc.opt.waits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.RestClient;

import java.io.IOException;
import java.io.InputStream;

/**
 * Read-only searches for the map's routes (routes/map-data.camel.yaml), with the index routes'
 * connection settings (URL list, basic auth, CA file) and short timeouts: the page would rather
 * say "OpenSearch unreachable" at once than wait for it.
 */
public class OpenSearchSearch {
    private static final ObjectMapper JSON = new ObjectMapper();

    private String url = "http://127.0.0.1:9200";
    private String username = "";
    private String password = "";
    private String caFile = "";
    private long timeoutMillis = 5000;
    private RestClient client;

    public void start() throws Exception {
        client = OpenSearchClient.create(url, username, password, caFile, timeoutMillis);
    }

    public void stop() throws IOException {
        if (client != null) {
            client.close();
        }
    }

    /**
     * The answer of a search (the body: the query's JSON) in the index or alias. An index that does
     * not exist yet (no alert ever raised) gives no hits, not an error. Throws IOException when
     * OpenSearch cannot be reached or refuses the search.
     */
    public JsonNode search(String index, String query) throws IOException {
        Request request = new Request("POST", "/" + index + "/_search");
        request.addParameter("ignore_unavailable", "true");
        request.addParameter("allow_no_indices", "true");
        request.setEntity(new StringEntity(query, ContentType.APPLICATION_JSON));
        Response response = client.performRequest(request);
        try (InputStream body = response.getEntity().getContent()) {
            return JSON.readTree(body);
        }
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

    public void setTimeoutMillis(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }
}
