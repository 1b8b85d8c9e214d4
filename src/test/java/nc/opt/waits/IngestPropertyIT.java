package nc.opt.waits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import nc.opt.waits.support.CamelApp;
import nc.opt.waits.support.HostileInput;
import nc.opt.waits.support.TestKafka;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 10,000 generated bodies POSTed to /readings, the real route over real HTTP into real Kafka:
 * never a 5xx; a 400 names the field and the reason (the same as the checks give for that body; for
 * no body at all, the contract's refusal) and
 * shows no exception class, expression or stack trace; a 200 publishes exactly the body's readings;
 * and every record that reached the topic is a valid reading.
 */
class IngestPropertyIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String TOPIC = "it-ingest-property-" + RUN;
    static final String KEY = "it-key-" + RUN;
    static final String FIELD = "(readings\\[\\d+\\]\\.)?(" + String.join("|", HostileInput.RECORD_FIELDS) + ") (is missing|must be .+, got .+)";
    static final String REFUSAL = "(?s)" + FIELD + "|the body is not JSON( \\(line \\d+, column \\d+\\))?"
            + "|the body must be one reading \\(a JSON object\\) or an array of readings|the array holds no reading"
            + "|(the reading|readings\\[\\d+\\]) must be a JSON object|" + Pattern.quote(IngestIT.NO_BODY);
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final AtomicLong PUBLISHED = new AtomicLong();

    static CamelApp pipeline;
    static String url;
    final ReadingValidator validator = new ReadingValidator();

    @BeforeContainer
    static void start() throws Exception {
        TestKafka.createTopic(TOPIC);
        int port = CamelApp.freePort();
        url = "http://127.0.0.1:" + port + "/readings";
        pipeline = CamelApp.start("file:application.properties",
                IngestIT.ROUTES,
                Map.of("camel.component.kafka.brokers", TestKafka.bootstrapServers(), "kafka.topic.readings", TOPIC,
                        "ingest.api-key", KEY, "camel.server.port", String.valueOf(port), "camel.management.port", String.valueOf(port)));
    }

    @AfterContainer
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Property(tries = 10_000, edgeCases = EdgeCasesMode.NONE)
    void anyBodyIsPublishedWhole_OrRefusedWithTheFieldAndTheReason(@ForAll("bodies") String generated) throws Exception {
        // what the server receives: the body in UTF-8 (a lone surrogate half becomes '?')
        String body = new String(generated.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json; charset=utf-8").header("x-apikey", KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
        for (String leak : List.of("Exception", "\tat ", "${", "org.apache", "com.fasterxml", "java.", "nc.opt")) {
            assertFalse(answer.body().contains(leak), "no " + leak + " in the answer: " + answer.body());
        }
        List<Map<String, Object>> expected = null;
        String refusal = null;
        if (body.isEmpty()) {
            // no body at all: refused by the contract (a body is required) before the checks see it
            refusal = IngestIT.NO_BODY;
        } else {
            try {
                expected = validator.validateBody(body);
            } catch (ReadingValidator.InvalidReadingException e) {
                refusal = e.getMessage();
            }
        }
        if (expected != null) {
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals("{\"published\":" + expected.size() + "}", answer.body());
            PUBLISHED.addAndGet(expected.size());
            Statistics.collect("200 published");
        } else {
            assertEquals(400, answer.statusCode(), answer.body());
            String error = JSON.readTree(answer.body()).path("error").asText();
            assertEquals(refusal, error, "the checks' own message (the contract's, for no body)");
            assertTrue(error.matches(REFUSAL), "names the field and the reason: " + error);
            Statistics.collect(error.contains("is missing") ? "400 missing field" : "400 " + error.replaceAll("(?s)^(readings\\[\\d+\\]\\.)?(\\S+).*", "$2"));
        }
    }

    @AfterProperty
    void everyRecordOnTheTopicIsAValidReading() throws Exception {
        List<ConsumerRecord<String, String>> records = TestKafka.readAll(TOPIC, (int) PUBLISHED.get(), Duration.ofSeconds(60));
        assertEquals(PUBLISHED.get(), records.size(), "exactly the readings of the 200 answers are on the topic");
        for (ConsumerRecord<String, String> record : records) {
            JsonNode value = JSON.readTree(record.value());
            // compared as JSON trees: Camel's Jackson writes characters outside the BMP as \\u escapes
            assertEquals(value, JSON.readTree(JSON.writeValueAsString(validator.validate(value, "", "other", Instant.now()))),
                    "a valid reading, as it is: " + record.value());
            assertEquals(value.get("agencyId").asText(), record.key());
        }
        System.out.printf("IngestPropertyIT: %d readings published by the generated bodies, all valid%n", records.size());
    }

    @Provide
    Arbitrary<String> bodies() {
        return HostileInput.bodies(HostileInput.goodRecord(), HostileInput.RECORD_FIELDS);
    }
}
