package nc.opt.waits.support;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A secured single-node KRaft Kafka broker, a process of its own ({@link KafkaNode}), as a managed
 * Kafka service offers it: its client listener is SASL_SSL only (SCRAM-SHA-512 users, a server
 * certificate from a private CA) and asks every client for a certificate from that CA (mutual TLS,
 * ssl.client.auth=required), nothing else is open to clients. The controller listener stays
 * PLAINTEXT: it is internal to the node (in KRaft, clients never use it). Started per test class
 * and killed with it, unlike the shared {@link TestKafka}. The SCRAM users are put in the
 * cluster's first metadata when its storage is formatted (kafka-storage format --add-scram): users
 * cannot be added later through the controller listener, and the broker's only listener needs a
 * user to get in.
 */
public final class SecuredTestKafka implements AutoCloseable {
    public static final String MECHANISM = "SCRAM-SHA-512";
    /** the user the broker itself would authenticate as (inter-broker traffic) */
    private static final String BROKER_USER = "broker";
    private static final AtomicInteger STARTED = new AtomicInteger();

    private final KafkaNode node;
    private final String bootstrapServers;
    private final Path truststore;
    private final String truststorePassword;
    private final Path keystore;
    private final String keystorePassword;

    private SecuredTestKafka(KafkaNode node, String bootstrapServers, Path truststore, String truststorePassword, Path keystore,
                             String keystorePassword) {
        this.node = node;
        this.bootstrapServers = bootstrapServers;
        this.truststore = truststore;
        this.truststorePassword = truststorePassword;
        this.keystore = keystore;
        this.keystorePassword = keystorePassword;
    }

    /**
     * Makes a CA, the broker's key store, the clients' trust store (PKCS12, dir/truststore.p12) and
     * the clients' key store (dir/client.p12: a certificate for the user, from the CA), with the
     * given passwords, in dir, and starts the broker with the SCRAM user.
     */
    public static SecuredTestKafka start(Path dir, String user, String password, String truststorePassword,
                                         String keystorePassword) throws Exception {
        String storePass = "ks-" + Long.toHexString(System.nanoTime());
        TestPki.make(dir, storePass, "OPT-NC test Kafka CA");
        Path truststore = TestPki.truststore(dir, "truststore.p12", truststorePassword);
        Path keystore = TestPki.clientKeystore(dir, "client.p12", keystorePassword, storePass, user);
        String brokerPassword = "broker-" + Long.toHexString(System.nanoTime());
        int port = KafkaNode.freePort();
        String listener = "listener.name.external.";
        Map<String, String> settings = TestKafka.singleNode("EXTERNAL", "SASL_SSL", port, KafkaNode.freePort());
        settings.put("sasl.enabled.mechanisms", MECHANISM);
        settings.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        settings.put(listener + "scram-sha-512.sasl.jaas.config", jaasConfig(BROKER_USER, brokerPassword));
        settings.put(listener + "ssl.keystore.location", dir.resolve("server.p12").toAbsolutePath().toString());
        settings.put(listener + "ssl.keystore.type", "PKCS12");
        settings.put(listener + "ssl.keystore.password", storePass);
        settings.put(listener + "ssl.key.password", storePass);
        settings.put(listener + "ssl.truststore.location", truststore.toAbsolutePath().toString());
        settings.put(listener + "ssl.truststore.type", "PKCS12");
        settings.put(listener + "ssl.truststore.password", truststorePassword);
        settings.put(listener + "ssl.client.auth", "required");
        KafkaNode node = new KafkaNode("secured-" + STARTED.incrementAndGet(), settings);
        SecuredTestKafka kafka = new SecuredTestKafka(node, "127.0.0.1:" + port, truststore, truststorePassword, keystore, keystorePassword);
        try {
            node.format(KafkaNode.newClusterId(), "--add-scram", scram(BROKER_USER, brokerPassword), "--add-scram", scram(user, password));
            node.start();
            // the broker's metadata, users included, comes from the controller: waits until the user gets in
            node.awaitBrokers(kafka.clientConfig(user, password), Set.of(1), Duration.ofSeconds(90));
        } catch (Exception e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    /** a SCRAM-SHA-512 user as kafka-storage format --add-scram takes it (the default 4096 iterations) */
    private static String scram(String user, String password) {
        return MECHANISM + "=[name=\"" + user + "\",password=\"" + password + "\"]";
    }

    /** the SASL_SSL listener: the only one open to clients */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** the clients' PKCS12 trust store (the broker's CA) */
    public Path truststore() {
        return truststore;
    }

    /** what a client's sasl.jaas.config holds for a SCRAM user */
    public static String jaasConfig(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /** the clients' PKCS12 key store (their certificate, from the broker's CA) */
    public Path keystore() {
        return keystore;
    }

    /** the settings a client needs to connect as the user: SASL_SSL, SCRAM-SHA-512, the trust store, the key store */
    public Map<String, Object> clientConfig(String user, String password) {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        config.put("sasl.mechanism", MECHANISM);
        config.put("sasl.jaas.config", jaasConfig(user, password));
        config.put("ssl.truststore.location", truststore.toString());
        config.put("ssl.truststore.type", "PKCS12");
        config.put("ssl.truststore.password", truststorePassword);
        config.put("ssl.keystore.location", keystore.toString());
        config.put("ssl.keystore.type", "PKCS12");
        config.put("ssl.keystore.password", keystorePassword);
        return config;
    }

    /** Creates a topic of 3 partitions, as the given user. */
    public void createTopic(String topic, String user, String password) throws Exception {
        try (Admin admin = Admin.create(clientConfig(user, password))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
    }

    /** Every record on the topic so far, read as the user from the beginning, waiting until at least min are there. */
    public List<ConsumerRecord<String, String>> readAll(String topic, int min, Duration timeout, String user, String password) {
        return TestKafka.readAll(clientConfig(user, password), topic, min, timeout);
    }

    /** Kills the broker (its data stays in target/kafka-test until the next test JVM). */
    @Override
    public void close() throws Exception {
        node.kill();
    }
}
