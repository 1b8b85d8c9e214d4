package nc.opt.waits.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Generated readings in the pipeline's record shape (routes/ReadingValidator.java, marshalled by
 * Jackson as readings-to-kafka does: one compact JSON line, key = agency id). The 63 agencies of
 * simulator/agencies.json; reading i is agency (i mod 63) of poll (i / 63), polls one minute apart,
 * so every (agencyId, observedAt) pair is distinct and N readings give N documents.
 */
public final class Readings {
    static final ObjectMapper JSON = new ObjectMapper();
    /** 2026-11-01T00:00Z: a million readings (15,873 polls, 11 days) stay in one monthly index (UTC month) */
    static final Instant BASE = Instant.parse("2026-11-01T00:00:00Z");
    static final ZoneOffset NOUMEA = ZoneOffset.ofHours(11);

    final List<JsonNode> agencies = new ArrayList<>();
    private final SplittableRandom random = new SplittableRandom(2026);
    private String pollId;
    private long pollOfId = -1;

    public Readings(Path agenciesFile) throws IOException {
        JSON.readTree(agenciesFile.toFile()).forEach(agencies::add);
    }

    public int agencyCount() {
        return agencies.size();
    }

    public String key(long i) {
        return agencies.get((int) (i % agencies.size())).path("idAgence").asText();
    }

    /** Reading number i (0-based): observed at BASE + poll minutes + a few seconds per agency. */
    public String value(long i) {
        long poll = i / agencies.size();
        int a = (int) (i % agencies.size());
        Instant observed = BASE.plusSeconds(poll * 60 + a).plusMillis(random.nextInt(1000));
        Instant polled = BASE.plusSeconds(poll * 60 + 65).plusNanos(random.nextInt(1_000_000_000));
        if (poll != pollOfId) {
            pollOfId = poll;
            pollId = UUID.randomUUID().toString();
        }
        long maxMs = random.nextLong(3_600_000);
        return reading(agencies.get(a), a, maxMs, observed, polled, pollId);
    }

    /** One reading of agency a with the given max wait (the average is 60% of it). */
    public String reading(JsonNode agency, int agencyIdOverride, long maxMs, Instant observed, Instant polled, String pollId) {
        long avgMs = maxMs * 6 / 10;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("agencyId", agencyIdOverride >= 1000 ? agencyIdOverride : agency.path("idAgence").asInt());
        r.put("designation", agency.path("designation").asText());
        r.put("commune", agency.path("commune").asText());
        r.put("type", agency.path("type").asText());
        JsonNode position = agency.path("position");
        if (position.isObject()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("lat", position.path("lat").asDouble());
            p.put("lon", position.path("lon").asDouble());
            r.put("position", p);
        }
        r.put("maxWaitMs", maxMs);
        r.put("avgWaitMs", avgMs);
        r.put("maxWaitMinutes", Math.round(maxMs / 600.0) / 100.0);
        r.put("avgWaitMinutes", Math.round(avgMs / 600.0) / 100.0);
        r.put("waitBand", maxMs <= 5 * 60_000 ? "green" : maxMs <= 10 * 60_000 ? "orange" : "red");
        r.put("observedAt", OffsetDateTime.ofInstant(observed, NOUMEA).toString());
        r.put("@timestamp", polled.toString());
        r.put("pollId", pollId);
        try {
            return JSON.writeValueAsString(r);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
