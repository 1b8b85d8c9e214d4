package nc.opt.waits.support;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.metadata.UserScramCredentialRecord;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.ApiMessageAndVersion;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A secured single-node KRaft Kafka broker in the test JVM, as a managed Kafka service offers it:
 * its client listener is SASL_SSL only (SCRAM-SHA-512 users, a server certificate from a private
 * CA) and asks every client for a certificate from that CA (mutual TLS, ssl.client.auth=required),
 * nothing else is open to clients. The controller listener stays PLAINTEXT: it is internal to
 * the node (in KRaft, clients never use it). Started per test class and closed with it (its folders
 * deleted), unlike the shared {@link TestKafka}.
 * <p>
 * Kafka's test kit (4.3) can set up SASL only with PLAIN users, from a JAAS file it puts in a JVM-wide
 * system property, and without TLS. So the kit's nodes keep their default (PLAINTEXT) protocols, and
 * the listener map, the mechanism, the JAAS config and the key store are set as broker properties of
 * the client listener; the SCRAM users go in the cluster's first metadata.
 */
public final class SecuredTestKafka implements AutoCloseable {
    public static final String MECHANISM = "SCRAM-SHA-512";
    /** the user the broker itself would authenticate as (inter-broker traffic) */
    private static final String BROKER_USER = "broker";

    private final KafkaClusterTestKit cluster;
    private final Path truststore;
    private final String truststorePassword;
    private final Path keystore;
    private final String keystorePassword;

    private SecuredTestKafka(KafkaClusterTestKit cluster, Path truststore, String truststorePassword, Path keystore, String keystorePassword) {
        this.cluster = cluster;
        this.truststore = truststore;
        this.truststorePassword = truststorePassword;
        this.keystore = keystore;
        this.keystorePassword = keystorePassword;
    }

    /**
     * Makes a CA, the broker's key store, the clients' trust store (PKCS12, dir/truststore.p12) and
     * the clients' key store (dir/client.p12: a certificate for the user, from the CA), with the
     * given passwords, in dir, and starts the broker (its data in dir/kafka) with the SCRAM user.
     */
    public static SecuredTestKafka start(Path dir, String user, String password, String truststorePassword,
                                         String keystorePassword) throws Exception {
        String storePass = "ks-" + Long.toHexString(System.nanoTime());
        TestPki.make(dir, storePass, "OPT-NC test Kafka CA");
        Path truststore = TestPki.truststore(dir, "truststore.p12", truststorePassword);
        Path keystore = TestPki.clientKeystore(dir, "client.p12", keystorePassword, storePass, user);
        String brokerPassword = "broker-" + Long.toHexString(System.nanoTime());
        String listener = "listener.name.external.";
        KafkaClusterTestKit kit = TestKafka.singleNode(new KafkaClusterTestKit.Builder(new TestKitNodes.Builder(withScramUsers(
                        Map.of(BROKER_USER, brokerPassword, user, password)))
                .setBaseDirectory(dir.resolve("kafka")).setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("listener.security.protocol.map", "EXTERNAL:SASL_SSL,CONTROLLER:PLAINTEXT")
                .setConfigProp("sasl.enabled.mechanisms", MECHANISM)
                .setConfigProp("sasl.mechanism.inter.broker.protocol", MECHANISM)
                .setConfigProp(listener + "scram-sha-512.sasl.jaas.config", jaasConfig(BROKER_USER, brokerPassword))
                .setConfigProp(listener + "ssl.keystore.location", dir.resolve("server.p12").toString())
                .setConfigProp(listener + "ssl.keystore.type", "PKCS12")
                .setConfigProp(listener + "ssl.keystore.password", storePass)
                .setConfigProp(listener + "ssl.key.password", storePass)
                .setConfigProp(listener + "ssl.truststore.location", truststore.toString())
                .setConfigProp(listener + "ssl.truststore.type", "PKCS12")
                .setConfigProp(listener + "ssl.truststore.password", truststorePassword)
                .setConfigProp(listener + "ssl.client.auth", "required")).build();
        try {
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
        } catch (Exception e) {
            kit.close();
            throw e;
        }
        SecuredTestKafka kafka = new SecuredTestKafka(kit, truststore, truststorePassword, keystore, keystorePassword);
        kafka.awaitUser(user, password);
        return kafka;
    }

    /**
     * The test kit's bootstrap metadata plus SCRAM-SHA-512 users, as `kafka-storage format --add-scram`
     * puts them in a new cluster's first metadata: the controller writes them when it starts on an
     * empty log. (Users cannot be added later through the controller listener, and the broker's only
     * listener needs a user to get in.)
     */
    private static BootstrapMetadata withScramUsers(Map<String, String> passwords) throws Exception {
        BootstrapMetadata defaults = new TestKitNodes.Builder().setBaseDirectory(Path.of("unused")).build().bootstrapMetadata();
        List<ApiMessageAndVersion> records = new ArrayList<>(defaults.records());
        ScramFormatter formatter = new ScramFormatter(org.apache.kafka.common.security.scram.internals.ScramMechanism.SCRAM_SHA_512);
        for (Map.Entry<String, String> user : passwords.entrySet()) {
            ScramCredential credential = formatter.generateCredential(user.getValue(), 4096);
            records.add(new ApiMessageAndVersion(new UserScramCredentialRecord()
                    .setName(user.getKey())
                    .setMechanism(ScramMechanism.SCRAM_SHA_512.type())
                    .setSalt(credential.salt())
                    .setStoredKey(credential.storedKey())
                    .setServerKey(credential.serverKey())
                    .setIterations(credential.iterations()), (short) 0));
        }
        return BootstrapMetadata.fromRecords(records, "secured test kafka");
    }

    /** the SASL_SSL listener: the only one open to clients */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
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

    /** waits until the broker lets the user in (its metadata, users included, comes from the controller) */
    private void awaitUser(String user, String password) throws Exception {
        Map<String, Object> config = clientConfig(user, password);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Admin admin = Admin.create(config)) {
                admin.describeCluster().clusterId().get();
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the secured broker does not accept " + user, e);
                }
                Thread.sleep(200);
            }
        }
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

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
