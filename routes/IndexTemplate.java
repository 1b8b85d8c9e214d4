package nc.opt.waits;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.opensearch.client.Request;
import org.opensearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Installs an index template (geo_point position, keywords, dates) for the monthly indices
 * {@code <name>-*} behind the alias {@code <name>}, from its file; indices made by an older template
 * get the fields added since (adding a field never conflicts; a strict mapping would refuse them).
 */
final class IndexTemplate {
    private static final Logger LOG = LoggerFactory.getLogger(IndexTemplate.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private IndexTemplate() {
    }

    static void install(RestClient client, String name, String templateFile) throws IOException {
        ObjectNode template = (ObjectNode) JSON.readTree(Files.readString(Path.of(templateFile)));
        template.putArray("index_patterns").add(name + "-*");
        ((ObjectNode) template.path("template")).putObject("aliases").putObject(name);
        Request put = new Request("PUT", "/_index_template/" + name);
        put.setJsonEntity(JSON.writeValueAsString(template));
        client.performRequest(put);
        Request mapping = new Request("PUT", "/" + name + "-*/_mapping");
        mapping.addParameter("allow_no_indices", "true");
        mapping.addParameter("ignore_unavailable", "true");
        mapping.setJsonEntity(JSON.writeValueAsString(JSON.createObjectNode()
                .set("properties", template.path("template").path("mappings").path("properties"))));
        client.performRequest(mapping);
        LOG.info("Index template {} installed: indices {}-* behind alias {}", name, name, name);
    }
}
