package nc.opt.waits.support;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real single-node KRaft Kafka broker (the broker Kafka's own tests use), started once in the
 * test JVM on a free port and shared by the test classes (spark/'s tests compile it in too).
 */
public final class TestKafka {
    private static KafkaClusterTestKit cluster;

    private TestKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (cluster == null) {
            try {
                KafkaClusterTestKit kit = singleNode(new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())).build();
                kit.format();
                kit.startup();
                kit.waitForReadyBrokers();
                cluster = kit;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> ShutdownLog.timed("the test Kafka broker closed", () -> {
                    // while the broker closes, its log cleaner can still read a checkpoint file of the folder
                    // being removed; Kafka then halts the JVM with status 1 and the build fails although every
                    // test passed (seen in CI 2026-11-22 23:47 UTC): at exit, a halt is written down instead
                    Exit.setHaltProcedure((status, message) -> ShutdownLog.write("Kafka asked to halt the JVM (status "
                            + status + ", " + message + "): not halted, the tests are over"));
                    kit.close();
                })));
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the test Kafka broker", e);
            }
        }
        return cluster.bootstrapServers();
    }

    /** The settings of a one-node broker, as the local stack's (stack/kafka/server.properties). */
    static KafkaClusterTestKit.Builder singleNode(KafkaClusterTestKit.Builder builder) {
        return builder.setConfigProp("num.partitions", 3)
                .setConfigProp("auto.create.topics.enable", true)
                .setConfigProp("offsets.topic.replication.factor", (short) 1)
                .setConfigProp("transaction.state.log.replication.factor", (short) 1)
                .setConfigProp("transaction.state.log.min.isr", 1)
                // a new group's consumers get their partitions at once, not after 3 s
                .setConfigProp("group.initial.rebalance.delay.ms", 0);
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
