package nc.opt.waits.benchmark;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.apache.hc.core5.http.HttpHost;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.json.JsonpSerializable;
import org.opensearch.client.json.jackson.JacksonJsonpGenerator;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Side (c): the hand-tuned direct loader. A plain KafkaConsumer feeding opensearch-java bulk
 * requests: the same document ids and monthly indices as the index route, the Kafka value sent as
 * raw JSON (no re-serialization), up to bench.c.inflight bulk requests in flight, offsets committed
 * once every bulk before them has been answered. Runs until killed (the harness kills it once the
 * index holds the expected count).
 * System properties: bench.bootstrap, bench.topic, bench.group, bench.url, bench.index,
 * bench.c.bulk (2000), bench.c.inflight (2), bench.c.compress (false), bench.c.fetchMaxBytes.
 */
public final class DirectLoader {
    static final JsonFactory FACTORY = new JsonFactory();
    static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy.MM").withZone(ZoneOffset.UTC);

    /** A document that is already JSON: written as is into the bulk body. */
    record RawJson(String json) implements JsonpSerializable {
        @Override
        public void serialize(jakarta.json.stream.JsonGenerator generator, JsonpMapper mapper) {
            try {
                ((JacksonJsonpGenerator) generator).jacksonGenerator().writeRawValue(json);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = System.getProperty("bench.bootstrap", "127.0.0.1:19092");
        String topic = System.getProperty("bench.topic");
        String group = System.getProperty("bench.group");
        String index = System.getProperty("bench.index");
        URI url = URI.create(System.getProperty("bench.url", "http://127.0.0.1:19200"));
        int bulkSize = Integer.getInteger("bench.c.bulk", 2000);
        int inflight = Integer.getInteger("bench.c.inflight", 2);
        boolean compress = Boolean.getBoolean("bench.c.compress");

        OpenSearchClient client = new OpenSearchClient(ApacheHttpClient5TransportBuilder
                .builder(new HttpHost(url.getScheme(), url.getHost(), url.getPort()))
                .setMapper(new JacksonJsonpMapper())
                .setCompressionEnabled(compress)
                .build());

        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(bulkSize));
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, System.getProperty("bench.c.fetchMaxBytes", String.valueOf(64 << 20)));
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(16 << 20));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());

        ExecutorService senders = Executors.newFixedThreadPool(inflight);
        Semaphore slots = new Semaphore(inflight);
        AtomicLong indexed = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        System.out.printf("direct loader: topic %s group %s -> %s (%s-yyyy.MM), bulk %d, in flight %d, compression %s%n",
                topic, group, url, index, bulkSize, inflight, compress);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            List<BulkOperation> ops = new ArrayList<>(bulkSize);
            long lastCommit = System.nanoTime();
            long lastLog = System.nanoTime();
            while (true) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<String, String> record : records) {
                    String[] idAndIndex = idAndIndex(record.value(), index);
                    RawJson doc = new RawJson(record.value());
                    ops.add(BulkOperation.of(b -> b.index(i -> i.index(idAndIndex[1]).id(idAndIndex[0]).document(doc))));
                    if (ops.size() >= bulkSize) {
                        send(client, ops, senders, slots, indexed, refused);
                        ops = new ArrayList<>(bulkSize);
                    }
                }
                if (records.isEmpty() && !ops.isEmpty()) {
                    send(client, ops, senders, slots, indexed, refused);
                    ops = new ArrayList<>(bulkSize);
                }
                if (System.nanoTime() - lastCommit > 1_000_000_000L) {
                    if (!ops.isEmpty()) {
                        send(client, ops, senders, slots, indexed, refused);
                        ops = new ArrayList<>(bulkSize);
                    }
                    slots.acquire(inflight); // every bulk sent so far is answered
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    for (TopicPartition tp : consumer.assignment()) {
                        offsets.put(tp, new OffsetAndMetadata(consumer.position(tp)));
                    }
                    consumer.commitSync(offsets);
                    slots.release(inflight);
                    lastCommit = System.nanoTime();
                }
                if (System.nanoTime() - lastLog > 10_000_000_000L) {
                    System.out.printf("%s direct loader: %d indexed, %d refused%n", Instant.now(), indexed.get(), refused.get());
                    lastLog = System.nanoTime();
                }
            }
        }
    }

    static void send(OpenSearchClient client, List<BulkOperation> ops, ExecutorService senders, Semaphore slots,
                     AtomicLong indexed, AtomicLong refused) throws InterruptedException {
        slots.acquire();
        senders.execute(() -> {
            try {
                BulkResponse answer = client.bulk(b -> b.operations(ops));
                long bad = answer.errors() ? answer.items().stream().filter(i -> i.error() != null).count() : 0;
                indexed.addAndGet(ops.size() - bad);
                refused.addAndGet(bad);
            } catch (Exception e) {
                System.out.println("bulk failed: " + e);
                refused.addAndGet(ops.size());
            } finally {
                slots.release();
            }
        });
    }

    /** The index route's document id (agencyId-observedAt millis) and monthly index. */
    static String[] idAndIndex(String json, String index) throws IOException {
        String agencyId = null;
        String observedAt = null;
        try (JsonParser parser = FACTORY.createParser(json)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("agencyId".equals(field)) {
                    agencyId = parser.getText();
                } else if ("observedAt".equals(field)) {
                    observedAt = parser.getText();
                    if (agencyId != null) {
                        break;
                    }
                } else {
                    parser.skipChildren();
                }
            }
        }
        Instant observed = OffsetDateTime.parse(observedAt).toInstant();
        return new String[] {agencyId + "-" + observed.toEpochMilli(), index + "-" + MONTH.format(observed)};
    }
}
