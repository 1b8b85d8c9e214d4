package nc.opt.waits.support;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A real single-node KRaft Kafka broker (Kafka 4.3, as the local stack's), run as a process of its
 * own ({@link KafkaNode}) on free ports, started once and shared by the test classes (spark/'s
 * tests compile it in too); killed when the test JVM exits.
 */
public final class TestKafka {
    private static String bootstrapServers;

    private TestKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (bootstrapServers == null) {
            try {
                int port = KafkaNode.freePort();
                KafkaNode node = new KafkaNode("shared", singleNode("PLAINTEXT", "PLAINTEXT", port, KafkaNode.freePort()));
                node.format(KafkaNode.newClusterId());
                node.start();
                String servers = "127.0.0.1:" + port;
                node.awaitBrokers(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers), Set.of(1), Duration.ofSeconds(90));
                bootstrapServers = servers;
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the test Kafka broker", e);
            }
        }
        return bootstrapServers;
    }

    /**
     * The settings of a one-node cluster (node 1, broker and controller in one process) whose
     * client listener is listener://127.0.0.1:port of the given security protocol, as the local
     * stack's (stack/kafka/server.properties).
     */
    static Map<String, String> singleNode(String listener, String protocol, int port, int controllerPort) {
        Map<String, String> settings = new HashMap<>(topicDefaults(1));
        settings.put("process.roles", "broker,controller");
        settings.put("node.id", "1");
        settings.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        settings.put("controller.listener.names", "CONTROLLER");
        settings.put("listeners", listener + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        settings.put("advertised.listeners", listener + "://127.0.0.1:" + port);
        settings.put("inter.broker.listener.name", listener);
        settings.put("listener.security.protocol.map", listener + ":" + protocol + ",CONTROLLER:PLAINTEXT");
        return settings;
    }

    /**
     * Topics of 3 partitions, created on first use, replicated on up to 3 brokers (min.insync.replicas
     * 2 then, as in production; 1 for a single broker, whose internal topics could not be made otherwise).
     */
    static Map<String, String> topicDefaults(int brokers) {
        String replicas = String.valueOf(Math.min(brokers, 3));
        String minInSync = brokers == 1 ? "1" : "2";
        return Map.ofEntries(Map.entry("num.partitions", "3"),
                Map.entry("auto.create.topics.enable", "true"),
                Map.entry("default.replication.factor", replicas),
                Map.entry("min.insync.replicas", minInSync),
                Map.entry("offsets.topic.replication.factor", replicas),
                Map.entry("transaction.state.log.replication.factor", replicas),
                Map.entry("transaction.state.log.min.isr", minInSync),
                Map.entry("share.coordinator.state.topic.replication.factor", replicas),
                Map.entry("share.coordinator.state.topic.min.isr", minInSync),
                // a new group's consumers get their partitions at once, not after 3 s
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // as Kafka's test kit: the log cleaner's buffer fits the small heap (128 MB by default)
                Map.entry("log.cleaner.dedupe.buffer.size", "2097152"));
    }

    /** Creates a topic of 3 partitions (a topic made by a first send can see its leaders move under it). */
    public static void createTopic(String topic) {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 3, (short) 1))).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + topic, e);
        }
    }

    /** Every record on the topic so far, read from the beginning, waiting until at least min are there. */
    public static List<ConsumerRecord<String, String>> readAll(String topic, int min, Duration timeout) {
        return readAll(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()), topic, min, timeout);
    }

    /** The same, from the broker and with the security settings of clientConfig (any broker). */
    public static List<ConsumerRecord<String, String>> readAll(Map<String, Object> clientConfig, String topic, int min, Duration timeout) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            while (partitions.isEmpty() && System.nanoTime() < deadline) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(2));
                if (infos != null) {
                    infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                boolean atEnd = true;
                for (TopicPartition partition : partitions) {
                    atEnd &= consumer.position(partition) >= ends.get(partition);
                }
                if (atEnd && records.size() >= min) {
                    break;
                }
                if (atEnd) {
                    ends = consumer.endOffsets(partitions);
                }
            }
        }
        return records;
    }
}
