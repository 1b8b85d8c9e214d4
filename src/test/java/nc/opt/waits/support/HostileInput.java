package nc.opt.waits.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Generated input for the property tests: readings (in the record's shape or in the API's),
 * mostly right, then broken on purpose: a field removed, or given a value of the wrong type, a huge
 * number or string, unicode (lone surrogate halves included), nesting, an extra field; bodies
 * truncated or not JSON at all.
 */
public final class HostileInput {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** the fields of the pipeline's record, as POST /readings and the CSV replay take them */
    public static final List<String> RECORD_FIELDS = List.of("agencyId", "designation", "commune", "type", "position",
            "maxWaitMs", "avgWaitMs", "observedAt", "@timestamp", "pollId", "stale");
    /** the fields of an agency of OPT's API that the normalizer reads */
    public static final List<String> API_FIELDS = List.of("idAgence", "designation", "commune", "type", "position",
            "realMaxWaitingTimeMs", "realAvgWaitingTimeMs", "updatedDate");

    private HostileInput() {
    }

    /** text: plain, unicode of every plane, control characters, quotes, formula-looking, huge */
    public static Arbitrary<String> text() {
        return Arbitraries.frequencyOf(
                HostileInput.<String>w(4, Arbitraries.strings().alpha().numeric().withChars(" -'éèàçÔ").ofMinLength(1).ofMaxLength(40)),
                HostileInput.<String>w(2, Arbitraries.strings().all().ofMaxLength(30)),
                HostileInput.<String>w(1, Arbitraries.strings().withCharRange('\u0000', '\u001f').withChars("\"\\,\r\n").ofMaxLength(10)),
                HostileInput.<String>w(1, Arbitraries.of("=SUM(A1)", "+1", "-1", "@x", "\t", "😀🇳🇨", "\ud800", "x\udc00y", "", " ", "null", "true")),
                HostileInput.<String>w(1, Arbitraries.strings().alpha().ofMinLength(190).ofMaxLength(1_000)))
                ;
    }

    /** any JSON value: scalars of every type and size, arrays and objects nested up to depth levels */
    public static Arbitrary<JsonNode> anyJson(int depth) {
        List<Tuple2<Integer, Arbitrary<? extends JsonNode>>> choices = new ArrayList<>(List.of(
                HostileInput.<JsonNode>w(3, text().map(NODES::textNode)),
                HostileInput.<JsonNode>w(2, Arbitraries.longs().map(NODES::numberNode)),
                HostileInput.<JsonNode>w(1, Arbitraries.integers().between(-5, 5).map(NODES::numberNode)),
                HostileInput.<JsonNode>w(1, Arbitraries.bigIntegers().between(BigInteger.TEN.pow(19), BigInteger.TEN.pow(400)).map(NODES::numberNode)),
                HostileInput.<JsonNode>w(1, Arbitraries.doubles().map(NODES::numberNode)),
                HostileInput.<JsonNode>w(1, Arbitraries.bigDecimals().between(new BigDecimal("-1e30"), new BigDecimal("1e30")).ofScale(6).map(NODES::numberNode)),
                HostileInput.<JsonNode>w(1, Arbitraries.of(true, false).map(NODES::booleanNode)),
                HostileInput.<JsonNode>w(1, Arbitraries.just(NODES.nullNode()))));
        if (depth > 0) {
            choices.add(HostileInput.<JsonNode>w(1, anyJson(depth - 1).list().ofMaxSize(4).map(items -> {
                ArrayNode array = NODES.arrayNode();
                items.forEach(array::add);
                return array;
            })));
            choices.add(HostileInput.<JsonNode>w(1, Combinators.combine(Arbitraries.of(RECORD_FIELDS).injectDuplicates(0.1), anyJson(depth - 1))
                    .as((name, value) -> (JsonNode) NODES.objectNode().set(name, value)).list().ofMaxSize(3).map(parts -> {
                        ObjectNode object = NODES.objectNode();
                        parts.forEach(part -> object.setAll((ObjectNode) part));
                        return object;
                    })));
        }
        @SuppressWarnings("unchecked")
        Tuple2<Integer, Arbitrary<? extends JsonNode>>[] array = choices.toArray(new Tuple2[0]);
        return Arbitraries.frequencyOf(array);
    }

    static Arbitrary<JsonNode> position() {
        return Arbitraries.frequencyOf(
                HostileInput.<JsonNode>w(4, Combinators.combine(Arbitraries.doubles().between(-23, -19), Arbitraries.doubles().between(163, 169))
                        .as((lat, lon) -> (JsonNode) NODES.objectNode().put("lat", lat).put("lon", lon))),
                HostileInput.<JsonNode>w(1, Arbitraries.just(NODES.nullNode())));
    }

    static Arbitrary<Instant> instants() {
        return Arbitraries.longs().between(Instant.parse("2020-01-01T00:00:00Z").getEpochSecond(), Instant.parse("2030-01-01T00:00:00Z").getEpochSecond())
                .map(Instant::ofEpochSecond);
    }

    static Arbitrary<String> offsetDateTime() {
        return Combinators.combine(instants(), Arbitraries.integers().between(0, 999), Arbitraries.of(0, 11, -10, 5),
                Arbitraries.of("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "yyyy-MM-dd'T'HH:mmXXX", "yyyy-MM-dd'T'HH:mm:ssXXX"))
                .as((at, millis, hours, pattern) -> at.plusMillis(millis).atOffset(ZoneOffset.ofHours(hours))
                        .format(DateTimeFormatter.ofPattern(pattern)));
    }

    /** a reading in the record's shape, all fields right */
    public static Arbitrary<ObjectNode> goodRecord() {
        return Combinators.combine(Arbitraries.integers().between(1, 99_999), text(), text(), text(), position(),
                Arbitraries.longs().between(0, 10_000_000), Arbitraries.longs().between(0, 10_000_000), offsetDateTime())
                .as((id, designation, commune, type, position, max, avg, observedAt) -> {
                    ObjectNode node = NODES.objectNode();
                    node.put("agencyId", id).put("designation", designation).put("commune", commune).put("type", type);
                    node.set("position", position);
                    node.put("maxWaitMs", max).put("avgWaitMs", avg).put("observedAt", observedAt);
                    return node;
                });
    }

    /** an agency as OPT's API answers it, all fields right */
    public static Arbitrary<ObjectNode> goodAgency() {
        return Combinators.combine(Arbitraries.integers().between(1, 99_999), text(), text(), text(), position(),
                Arbitraries.longs().between(0, 10_000_000), Arbitraries.longs().between(0, 10_000_000), instants())
                .as((id, designation, commune, type, position, max, avg, updated) -> {
                    ObjectNode node = NODES.objectNode();
                    node.put("idAgence", id).put("designation", designation).put("commune", commune).put("type", type);
                    node.set("position", position);
                    node.put("realMaxWaitingTimeMs", max).put("realAvgWaitingTimeMs", avg);
                    node.put("updatedDate", LocalDateTime.ofInstant(updated, ZoneOffset.UTC)
                            .format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS")));
                    return node;
                });
    }

    /** a good object broken 0 to 3 times: a field removed, given any JSON value, or an extra field added */
    public static Arbitrary<JsonNode> broken(Arbitrary<ObjectNode> good, List<String> fields) {
        Arbitrary<Function<ObjectNode, ObjectNode>> change = Arbitraries.frequencyOf(
                HostileInput.<Function<ObjectNode, ObjectNode>>w(2, Arbitraries.of(fields).map(field -> node -> {
                    node.remove(field);
                    return node;
                })),
                HostileInput.<Function<ObjectNode, ObjectNode>>w(4, Combinators.combine(Arbitraries.of(fields), anyJson(2)).as((field, value) -> node -> {
                    node.set(field, value);
                    return node;
                })),
                HostileInput.<Function<ObjectNode, ObjectNode>>w(1, Combinators.combine(text(), anyJson(2)).as((field, value) -> node -> {
                    node.set(field, value);
                    return node;
                })));
        return Combinators.combine(good, change.list().ofMaxSize(3)).as((node, changes) -> {
            ObjectNode changed = node;
            for (Function<ObjectNode, ObjectNode> c : changes) {
                changed = c.apply(changed);
            }
            return (JsonNode) changed;
        });
    }

    /**
     * A request body: one reading or an array of them (each maybe broken), maybe truncated; or any
     * JSON value; or a text that is not JSON.
     */
    public static Arbitrary<String> bodies(Arbitrary<ObjectNode> good, List<String> fields) {
        Arbitrary<String> one = broken(good, fields).map(HostileInput::write);
        Arbitrary<String> many = broken(good, fields).list().ofMinSize(0).ofMaxSize(5).map(items -> {
            ArrayNode array = NODES.arrayNode();
            items.forEach(array::add);
            return write(array);
        });
        Arbitrary<String> truncated = Combinators.combine(Arbitraries.oneOf(one, many), Arbitraries.doubles().between(0, 1))
                .as((text, cut) -> text.substring(0, (int) (text.length() * cut)));
        return Arbitraries.frequencyOf(
                HostileInput.<String>w(5, one),
                HostileInput.<String>w(3, many),
                HostileInput.<String>w(2, truncated),
                HostileInput.<String>w(1, anyJson(3).map(HostileInput::write)),
                HostileInput.<String>w(1, text()),
                HostileInput.<String>w(1, Arbitraries.integers().between(1_001, 1_200).map(depth -> "[".repeat(depth) + "]".repeat(depth))));
    }

    /** a choice of frequencyOf, with its weight */
    public static <T> Tuple2<Integer, Arbitrary<? extends T>> w(int weight, Arbitrary<? extends T> arbitrary) {
        return Tuple.of(weight, arbitrary);
    }

    public static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (Exception e) {
            // a lone surrogate half cannot always be written: send it escaped, as a client could
            return node.toString();
        }
    }
}
