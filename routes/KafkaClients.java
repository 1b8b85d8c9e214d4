package nc.opt.waits;

import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The Kafka clients the beans open themselves (the thresholds reader, the alert state rebuild),
 * connected as the routes are: with the settings of Camel's kafka component (camel.component.kafka.*:
 * brokers, security protocol, SASL, SSL stores), not a copy of them.
 */
final class KafkaClients {
    private KafkaClients() {
    }

    /** a consumer of strings that belongs to no group and commits nothing */
    static KafkaConsumer<String, String> reader(KafkaConfiguration kafka) {
        Properties config = config(kafka);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // strings, whatever deserializers the component names for the routes
        return withKafkaClassLoader(() -> new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer()));
    }

    /** an admin client; overrides: admin settings of its own (timeouts) */
    static Admin admin(KafkaConfiguration kafka, Map<String, Object> overrides) {
        Properties config = config(kafka);
        config.keySet().retainAll(AdminClientConfig.configNames());
        config.putAll(overrides);
        return withKafkaClassLoader(() -> Admin.create(config));
    }

    /** the consumer settings of the component (security included) and its brokers */
    private static Properties config(KafkaConfiguration kafka) {
        Properties config = kafka.createConsumerProperties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokers());
        return config;
    }

    /** Kafka resolves class names (SASL login modules, assignors) by the thread's class loader: its own, as camel-kafka does */
    private static <T> T withKafkaClassLoader(Supplier<T> create) {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(KafkaConsumer.class.getClassLoader());
        try {
            return create.get();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /** Assigns the reader every partition of the topic and hands it each record from the first to the last. */
    static void readToEnd(KafkaConsumer<String, String> reader, String topic, Duration metadataWait,
                          Consumer<ConsumerRecord<String, String>> each) {
        List<TopicPartition> partitions = new ArrayList<>();
        List<PartitionInfo> infos = reader.partitionsFor(topic, metadataWait);
        if (infos != null) {
            infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        readToEnd(reader, partitions, each);
    }

    /** Assigns the reader these partitions and hands it each record from the first to the last. */
    static void readToEnd(KafkaConsumer<String, String> reader, List<TopicPartition> partitions,
                          Consumer<ConsumerRecord<String, String>> each) {
        reader.assign(partitions);
        reader.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = reader.endOffsets(partitions);
        while (partitions.stream().anyMatch(p -> reader.position(p) < ends.get(p))) {
            reader.poll(Duration.ofMillis(200)).forEach(each);
        }
    }
}
