package nc.opt.waits.simulator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * OPT's agency network as the API shows it: the agencies of the data file (real names, communes
 * and positions), each with the live waits of the {@link WaitModel}, fields in the API's order.
 */
public class AgencyNetwork {
    /** updatedDate as OPT writes it: Noumea local time, milliseconds, no offset. */
    static final DateTimeFormatter UPDATED_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");
    private static final String LOAD = "load";

    private String dataFile;
    private String clockStart = "";
    private double clockSpeed = 1;
    private boolean clockFrozen;
    private long seed = 2026;

    private List<Map<String, Object>> agencies;
    private volatile SimClock clock;
    private WaitModel model;

    public void load() throws IOException {
        agencies = new ObjectMapper().readValue(Files.readAllBytes(Path.of(dataFile)), new TypeReference<>() { });
        clock = new SimClock(clockStart, clockSpeed, clockFrozen);
        model = new WaitModel(seed);
    }

    /** GET /agences, or /agences?commune=NAME when commune is given (case-insensitive). */
    public List<Map<String, Object>> agencies(String commune) {
        Instant now = clock.now();
        List<Map<String, Object>> answer = new ArrayList<>();
        for (Map<String, Object> agency : agencies) {
            if (commune == null || commune.isBlank()
                    || commune.trim().toUpperCase(Locale.ROOT).equals(agency.get("commune"))) {
                answer.add(withWaits(agency, now));
            }
        }
        return answer;
    }

    /** GET /agences/{id}: the agency, or null when there is none with that id. */
    public Map<String, Object> agency(String id) {
        Instant now = clock.now();
        for (Map<String, Object> agency : agencies) {
            if (String.valueOf(agency.get("idAgence")).equals(id)) {
                return withWaits(agency, now);
            }
        }
        return null;
    }

    /** GET /agences/iot: the slim list made for microcontrollers. */
    public List<Map<String, Object>> iot() {
        List<Map<String, Object>> answer = new ArrayList<>();
        for (Map<String, Object> agency : agencies) {
            Map<String, Object> slim = new LinkedHashMap<>();
            slim.put("idAgence", agency.get("idAgence"));
            slim.put("designation", agency.get("designation"));
            answer.add(slim);
        }
        return answer;
    }

    /** GET /communes: the names of the communes that have an agency, sorted. */
    public List<String> communes() {
        TreeSet<String> names = new TreeSet<>();
        agencies.forEach(agency -> names.add((String) agency.get("commune")));
        return new ArrayList<>(names);
    }

    /** GET /_sim/clock */
    public Map<String, Object> clockJson() {
        LocalDateTime local = clock.localNow();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("instant", clock.now().toString());
        answer.put("noumea", local.format(UPDATED_DATE));
        answer.put("open", WaitModel.isOpen(local));
        return answer;
    }

    /**
     * POST /_sim/clock?start=2026-11-23T09:30:00&speed=60&frozen=false: sets the clock while the
     * simulator runs; start "now" (or none) is the real time, a missing speed or frozen is 1 or false.
     */
    public Map<String, Object> setClock(String start, String speed, String frozen) {
        double newSpeed;
        try {
            newSpeed = speed == null || speed.isBlank() ? 1 : Double.parseDouble(speed.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("speed must be a number > 0, got \"" + speed + "\"");
        }
        if (!(newSpeed > 0) || Double.isInfinite(newSpeed)) {
            throw new IllegalArgumentException("speed must be a number > 0, got \"" + speed + "\"");
        }
        if (frozen != null && !frozen.isBlank() && !frozen.matches("(?i)true|false")) {
            throw new IllegalArgumentException("frozen must be true or false, got \"" + frozen + "\"");
        }
        String newStart = start == null || start.isBlank() || start.trim().equalsIgnoreCase("now") ? "" : start.trim();
        try {
            clock = new SimClock(newStart, newSpeed, Boolean.parseBoolean(frozen));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("start must be a Noumea local time such as 2026-11-23T09:30:00, or now, got \""
                    + start + "\"");
        }
        return clockJson();
    }

    /** The answer to a bad /_sim request: {"error": message}. */
    public Map<String, Object> error(String message) {
        return Map.of("error", message);
    }

    private Map<String, Object> withWaits(Map<String, Object> agency, Instant now) {
        Map<String, Object> answer = new LinkedHashMap<>(agency);
        double load = ((Number) answer.remove(LOAD)).doubleValue();
        WaitModel.Wait wait = model.waitAt(((Number) agency.get("idAgence")).intValue(), load, now);
        answer.put("realMaxWaitingTimeMs", wait.maxMs());
        answer.put("realAvgWaitingTimeMs", wait.avgMs());
        answer.put("updatedDate", wait.updated().format(UPDATED_DATE));
        return answer;
    }

    public void setDataFile(String dataFile) {
        this.dataFile = dataFile;
    }

    public void setClockStart(String clockStart) {
        this.clockStart = clockStart;
    }

    public void setClockSpeed(double clockSpeed) {
        this.clockSpeed = clockSpeed;
    }

    public void setClockFrozen(boolean clockFrozen) {
        this.clockFrozen = clockFrozen;
    }

    public void setSeed(long seed) {
        this.seed = seed;
    }
}
