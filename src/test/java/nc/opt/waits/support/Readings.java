package nc.opt.waits.support;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Reading records in the pipeline's shape, made by the tests, and a producer to put them on a topic. */
public final class Readings {
    private Readings() {
    }

    public static String reading(int agencyId, String commune, String type, double maxWaitMinutes, Instant observedAt) {
        long maxMs = Math.round(maxWaitMinutes * 60_000);
        String band = maxWaitMinutes <= 5 ? "green" : maxWaitMinutes <= 10 ? "orange" : "red";
        return "{\"agencyId\":" + agencyId + ",\"designation\":\"Agence " + agencyId + "\",\"commune\":\"" + commune + "\","
                + "\"type\":\"" + type + "\",\"position\":{\"lat\":-22.27,\"lon\":166.44},\"maxWaitMs\":" + maxMs
                + ",\"avgWaitMs\":" + maxMs / 2 + ",\"maxWaitMinutes\":" + maxWaitMinutes + ",\"avgWaitMinutes\":" + maxWaitMinutes / 2
                + ",\"waitBand\":\"" + band + "\",\"observedAt\":\"" + observedAt.atOffset(java.time.ZoneOffset.ofHours(11))
                + "\",\"@timestamp\":\"" + Instant.now() + "\",\"pollId\":\"test\"}";
    }

    /** key = agency id, as the pipeline publishes */
    public static void produce(String topic, List<String> readings) {
        produce(topic, readings, null);
    }

    /** with the records' Kafka timestamp (null: now) */
    public static void produce(String topic, List<String> readings, Instant writtenAt) {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            for (String reading : readings) {
                String key = reading.replaceAll("^\\{\"agencyId\":(\\d+).*", "$1");
                producer.send(new ProducerRecord<>(topic, null, writtenAt == null ? null : writtenAt.toEpochMilli(), key, reading));
            }
            producer.flush();
        }
    }
}
