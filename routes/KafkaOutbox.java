package nc.opt.waits;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.support.service.ServiceSupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The outbox of the Kafka messages a poll makes (its readings and dead letters): one JSON file per
 * poll in {@code outbox.dir}, named {@code <poll time, UTC>_<pollId>_<messages>.json} so that names
 * sort in poll order; the route outbox-to-kafka publishes them in that order and deletes each file
 * once Kafka acknowledged all its messages. The files survive an outage and a restart.
 * Also what waits there, for the gauges {@code opt_outbox_*} and the health check "outbox".
 */
public class KafkaOutbox implements CamelContextAware {
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private CamelContext camelContext;
    private Path dir = Path.of("data/outbox");
    private long maxBytes = 1024L << 20;
    private String readingsTopic = "opt-waits-readings";
    private String deadLetterTopic = "opt-waits-dead-letter";
    private volatile boolean gauges;
    private final List<Meter> meters = new ArrayList<>();
    private MeterRegistry registry;

    /** What waits in the outbox: files (polls), messages, bytes, and the poll time of the oldest file. */
    public record Backlog(int files, long messages, long bytes, Instant oldest) {
    }

    /** A poll's readings (the body) and its dead letters (property rejectedReadings) as outbox messages; names the file. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> ofPoll(Exchange exchange) {
        List<Map<String, Object>> messages = new ArrayList<>();
        for (Map<String, Object> reading : (List<Map<String, Object>>) exchange.getMessage().getBody(List.class)) {
            messages.add(message(readingsTopic, String.valueOf(reading.get("agencyId")), reading));
        }
        List<Map<String, Object>> rejected = exchange.getProperty(ReadingValidator.REJECTED, List.class);
        for (Map<String, Object> letter : rejected == null ? List.<Map<String, Object>>of() : rejected) {
            messages.add(message(deadLetterTopic, String.valueOf(letter.get("key")), letter));
        }
        name(exchange, messages.size());
        return messages;
    }

    /** One dead letter (the body) as an outbox message; names the file. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> ofDeadLetter(Exchange exchange) {
        Map<String, Object> letter = exchange.getMessage().getBody(Map.class);
        name(exchange, 1);
        return List.of(message(deadLetterTopic, String.valueOf(letter.get("key")), letter));
    }

    private static Map<String, Object> message(String topic, String key, Map<String, Object> value) {
        return Map.of("topic", topic, "key", key, "value", value);
    }

    private void name(Exchange exchange, int messages) {
        Instant pollTime = exchange.getProperty("pollTime", Instant.class);
        String pollId = exchange.getProperty("pollId", String.class);
        exchange.getMessage().setHeader(Exchange.FILE_NAME,
                NAME_TIME.format(pollTime == null ? Instant.now() : pollTime) + "_" + pollId + "_" + messages + ".json");
    }

    /** why the exchange failed, in one line: the innermost exception (Kafka's own, under Camel's wrappers) */
    public String reason(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause == null ? "unknown" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /** true when the outbox holds outbox.max-mb or more: the next poll's messages are not put in */
    public boolean isFull() {
        return backlog().bytes() >= maxBytes;
    }

    /** a scan of the folder (a file name holds its poll time and message count) */
    public Backlog backlog() {
        registerGauges();
        if (!Files.isDirectory(dir)) {
            return new Backlog(0, 0, 0, null);
        }
        int files = 0;
        long messages = 0;
        long bytes = 0;
        String oldest = null;
        try (Stream<Path> list = Files.list(dir)) {
            for (Path file : (Iterable<Path>) list::iterator) {
                String name = file.getFileName().toString();
                String[] parts = name.split("_");
                if (name.startsWith(".") || !name.endsWith(".json") || parts.length != 3) {
                    continue;
                }
                try {
                    bytes += Files.size(file);
                } catch (IOException gone) {
                    continue; // published and deleted meanwhile
                }
                files++;
                messages += Long.parseLong(parts[2].substring(0, parts[2].length() - ".json".length()));
                oldest = oldest == null || name.compareTo(oldest) < 0 ? name : oldest;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the outbox " + dir, e);
        }
        return new Backlog(files, messages, bytes, oldest == null ? null : NAME_TIME.parse(oldest.split("_")[0], Instant::from));
    }

    /** the gauges, once the context has its meter registry; once only */
    private void registerGauges() {
        if (gauges || camelContext == null) {
            return;
        }
        MeterRegistry registry = camelContext.getRegistry().findSingleByType(MeterRegistry.class);
        if (registry == null) {
            return;
        }
        gauges = true;
        this.registry = registry;
        String context = camelContext.getName();
        meters.add(Gauge.builder("opt.outbox.messages", this, outbox -> outbox.backlog().messages())
                .description("Kafka messages (readings and dead letters) waiting in the outbox")
                .tag("camelContext", context).register(registry));
        meters.add(Gauge.builder("opt.outbox.files", this, outbox -> outbox.backlog().files())
                .description("Polls waiting in the outbox").tag("camelContext", context).register(registry));
        meters.add(Gauge.builder("opt.outbox.oldest.age.seconds", this, outbox -> {
            Instant oldest = outbox.backlog().oldest();
            return oldest == null ? 0 : Math.max(0, Instant.now().getEpochSecond() - oldest.getEpochSecond());
        }).description("Age of the oldest poll waiting in the outbox (0: none waits)").tag("camelContext", context).register(registry));
    }

    /** the gauges go with the context (another context of the same JVM registers its own) */
    private void removeGauges() {
        if (registry != null) {
            meters.forEach(registry::remove);
        }
        meters.clear();
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
        // at start, so that the gauges show 0 before the first poll
        try {
            camelContext.addStartupListener((context, alreadyStarted) -> registerGauges());
            camelContext.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    removeGauges();
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    public void setDir(String dir) {
        this.dir = Path.of(dir);
    }

    public String getDir() {
        return dir.toString();
    }

    public void setMaxMb(long maxMb) {
        this.maxBytes = maxMb << 20;
    }

    public long getMaxBytes() {
        return maxBytes;
    }

    public void setReadingsTopic(String readingsTopic) {
        this.readingsTopic = readingsTopic;
    }

    public void setDeadLetterTopic(String deadLetterTopic) {
        this.deadLetterTopic = deadLetterTopic;
    }
}
