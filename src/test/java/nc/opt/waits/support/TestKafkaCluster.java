package nc.opt.waits.support;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A Kafka cluster of its own for a test that stops brokers (the shared {@link TestKafka} must stay
 * up): one KRaft controller and N brokers (ids 0 to N-1), each a process of its own
 * ({@link KafkaNode}). A broker stopped is killed (SIGKILL, a crash: the controller fences it when
 * its session times out, broker.session.timeout.ms); started again, it is a new process on its
 * port and data, so the clients find it where they knew it. With 3 brokers: replication factor 3
 * and min.insync.replicas 2 for every topic, as a production cluster.
 */
public final class TestKafkaCluster implements AutoCloseable {
    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    private static final int CONTROLLER_ID = 3000;

    private final KafkaNode controller;
    private final List<KafkaNode> brokers;
    private final List<String> addresses;
    private final String bootstrapServers;

    private TestKafkaCluster(KafkaNode controller, List<KafkaNode> brokers, List<String> addresses) {
        this.controller = controller;
        this.brokers = brokers;
        this.addresses = addresses;
        this.bootstrapServers = String.join(",", addresses);
    }

    public static TestKafkaCluster start(int brokers) throws Exception {
        String name = "cluster-" + CLUSTERS.incrementAndGet();
        int controllerPort = KafkaNode.freePort();
        String voters = CONTROLLER_ID + "@127.0.0.1:" + controllerPort;
        Map<String, String> common = new HashMap<>(TestKafka.topicDefaults(brokers));
        common.put("controller.quorum.voters", voters);
        common.put("controller.listener.names", "CONTROLLER");

        Map<String, String> controllerSettings = new HashMap<>(common);
        controllerSettings.put("process.roles", "controller");
        controllerSettings.put("node.id", String.valueOf(CONTROLLER_ID));
        controllerSettings.put("listeners", "CONTROLLER://127.0.0.1:" + controllerPort);
        controllerSettings.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT");
        List<KafkaNode> nodes = new ArrayList<>(List.of(new KafkaNode(name + "-controller", controllerSettings)));
        List<String> addresses = new ArrayList<>();
        for (int id = 0; id < brokers; id++) {
            String address = "127.0.0.1:" + KafkaNode.freePort();
            Map<String, String> broker = new HashMap<>(common);
            broker.put("process.roles", "broker");
            broker.put("node.id", String.valueOf(id));
            broker.put("listeners", "PLAINTEXT://" + address);
            broker.put("advertised.listeners", "PLAINTEXT://" + address);
            broker.put("inter.broker.listener.name", "PLAINTEXT");
            broker.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            nodes.add(new KafkaNode(name + "-broker-" + id, broker));
            addresses.add(address);
        }
        TestKafkaCluster cluster = new TestKafkaCluster(nodes.get(0), nodes.subList(1, nodes.size()), addresses);
        try {
            String clusterId = KafkaNode.newClusterId();
            for (KafkaNode node : nodes) {
                node.format(clusterId);
            }
            for (KafkaNode node : nodes) {
                node.start();
            }
            Set<Integer> all = IntStream.range(0, brokers).boxed().collect(Collectors.toSet());
            cluster.brokers.get(0).awaitBrokers(cluster.clientConfig(), all, Duration.ofSeconds(120));
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    private Map<String, Object> clientConfig() {
        return Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }

    /**
     * Stops one broker as a crash does: its process killed (SIGKILL), its port closed; its
     * partitions' leadership moves only when the controller fences it (broker.session.timeout.ms).
     */
    public void stopBroker(int id) throws InterruptedException {
        brokers.get(id).kill();
    }

    /** Starts a stopped broker again, on its port, with its data; returns once it answers there, unfenced. */
    public void startBroker(int id) throws Exception {
        brokers.get(id).start();
        brokers.get(id).awaitBrokers(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, addresses.get(id)), Set.of(id), Duration.ofSeconds(120));
    }

    /** Creates topics of 3 partitions, replicated on every broker (up to 3). */
    public void createTopics(String... topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            short replicas = (short) Math.min(brokers.size(), 3);
            admin.createTopics(java.util.Arrays.stream(topics).map(t -> new NewTopic(t, 3, replicas)).toList()).all().get();
        }
    }

    /** Every record on the topic, waiting until at least min are there. */
    public List<ConsumerRecord<String, String>> readAll(String topic, int min, Duration timeout) {
        return TestKafka.readAll(clientConfig(), topic, min, timeout);
    }

    /** Kills every process of the cluster (their data stays in target/kafka-test until the next test JVM). */
    @Override
    public void close() {
        ShutdownLog.timed("a test Kafka cluster killed", () -> {
            for (KafkaNode broker : brokers) {
                broker.kill();
            }
            controller.kill();
        });
    }
}
