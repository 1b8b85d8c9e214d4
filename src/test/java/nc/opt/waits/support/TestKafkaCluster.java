package nc.opt.waits.support;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A Kafka cluster of its own for a test that stops brokers (the shared {@link TestKafka} must stay
 * up): one KRaft controller and N brokers in the test JVM; a broker started again keeps its port,
 * so the clients find it where they knew it. With 3 brokers: replication factor 3 and
 * min.insync.replicas 2 for every topic, as a production cluster.
 */
public final class TestKafkaCluster implements AutoCloseable {
    private final KafkaClusterTestKit kit;
    private final String bootstrapServers;

    private TestKafkaCluster(KafkaClusterTestKit kit, String bootstrapServers) {
        this.kit = kit;
        this.bootstrapServers = bootstrapServers;
    }

    public static TestKafkaCluster start(int brokers) throws Exception {
        short replicas = (short) Math.min(brokers, 3);
        int minInSync = replicas == 1 ? 1 : 2;
        KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(false).setNumBrokerNodes(brokers).setNumControllerNodes(1).build())
                .setConfigProp("num.partitions", 3)
                .setConfigProp("default.replication.factor", (int) replicas)
                .setConfigProp("min.insync.replicas", minInSync)
                .setConfigProp("auto.create.topics.enable", true)
                .setConfigProp("offsets.topic.replication.factor", replicas)
                .setConfigProp("transaction.state.log.replication.factor", replicas)
                .setConfigProp("transaction.state.log.min.isr", minInSync)
                .setConfigProp("group.initial.rebalance.delay.ms", 0)
                // a stopped broker hands nothing over first: to the cluster it is lost as in a crash,
                // fenced only when its session with the controller times out
                .setConfigProp("controlled.shutdown.enable", false)
                .build();
        kit.format();
        kit.startup();
        kit.waitForReadyBrokers();
        // each broker's port is bound once by the kit and kept: a broker started again is found there
        return new TestKafkaCluster(kit, kit.bootstrapServers());
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Stops one broker as a crash would: its port closes, and with controlled shutdown off its
     * partitions' leadership moves only when the controller fences it (broker.session.timeout.ms).
     */
    public void stopBroker(int id) {
        kit.brokers().get(id).shutdown();
        kit.brokers().get(id).awaitShutdown();
    }

    /** Starts a stopped broker again, on its port, with its data. */
    public void startBroker(int id) {
        kit.brokers().get(id).startup();
    }

    /** Creates topics of 3 partitions, replicated on every broker (up to 3). */
    public void createTopics(String... topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            short replicas = (short) Math.min(kit.brokers().size(), 3);
            admin.createTopics(java.util.Arrays.stream(topics).map(t -> new NewTopic(t, 3, replicas)).toList()).all().get();
        }
    }

    /** Every record on the topic, waiting until at least min are there. */
    public List<ConsumerRecord<String, String>> readAll(String topic, int min, Duration timeout) {
        return TestKafka.readAll(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic, min, timeout);
    }

    @Override
    public void close() {
        ShutdownLog.timed("a test Kafka cluster closed", () -> {
            // as TestKafka: a halt asked while the cluster closes is written down, not done
            Exit.setHaltProcedure((status, message) -> ShutdownLog.write("Kafka asked to halt the JVM (status "
                    + status + ", " + message + "): not halted, the test is over"));
            try {
                kit.close();
            } catch (Exception e) {
                ShutdownLog.write("closing a test Kafka cluster: " + e);
            } finally {
                Exit.resetHaltProcedure();
            }
        });
    }
}
