package nc.opt.waits.support;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The simulator's agency network as its data file holds it: what the tests expect to see. */
public final class Agencies {
    public static final Path DATA_FILE = Path.of("simulator/agencies.json");
    private static List<Map<String, Object>> all;

    private Agencies() {
    }

    public static synchronized List<Map<String, Object>> all() {
        if (all == null) {
            try {
                all = new ObjectMapper().readValue(DATA_FILE.toFile(), new TypeReference<>() { });
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return all;
    }

    /** agency id -> its entry in the data file */
    public static Map<Integer, Map<String, Object>> byId() {
        Map<Integer, Map<String, Object>> byId = new TreeMap<>();
        all().forEach(agency -> byId.put(((Number) agency.get("idAgence")).intValue(), agency));
        return byId;
    }
}
