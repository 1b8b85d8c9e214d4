package nc.opt.waits;

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
import java.util.function.Consumer;

/**
 * The connection settings of the Kafka clients the beans open themselves (the thresholds reader,
 * the alert state rebuild): the bootstrap servers and, for a secured broker, the same security
 * settings as Camel's kafka component, passed in from application.properties.
 */
public class KafkaSecurity {
    private String brokers = "127.0.0.1:9092";
    private String securityProtocol = "";
    private String saslMechanism = "";
    private String saslJaasConfig = "";
    private String sslTruststoreLocation = "";
    private String sslTruststoreType = "";
    private String sslTruststorePassword = "";
    // mutual TLS: the client's own key and certificate, when the broker asks for one
    private String sslKeystoreLocation = "";
    private String sslKeystoreType = "";
    private String sslKeystorePassword = "";
    private String sslKeyPassword = "";

    /** the client configuration: bootstrap servers, plus every security setting that is set */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", brokers);
        putIfSet(config, "security.protocol", securityProtocol);
        putIfSet(config, "sasl.mechanism", saslMechanism);
        putIfSet(config, "sasl.jaas.config", saslJaasConfig);
        putIfSet(config, "ssl.truststore.location", sslTruststoreLocation);
        putIfSet(config, "ssl.truststore.type", sslTruststoreType);
        putIfSet(config, "ssl.truststore.password", sslTruststorePassword);
        putIfSet(config, "ssl.keystore.location", sslKeystoreLocation);
        putIfSet(config, "ssl.keystore.type", sslKeystoreType);
        putIfSet(config, "ssl.keystore.password", sslKeystorePassword);
        putIfSet(config, "ssl.key.password", sslKeyPassword);
        return config;
    }

    /** a consumer of strings that belongs to no group and commits nothing */
    public KafkaConsumer<String, String> reader() {
        Map<String, Object> config = clientConfig();
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // the deserializers as objects, not class names: under `camel run` the beans' classes and
        // Kafka's do not share a class loader, and Kafka would refuse the names
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    /** Assigns the reader every partition of the topic and hands it each record from the first to the last. */
    public static void readToEnd(KafkaConsumer<String, String> reader, String topic, Duration metadataWait,
                                 Consumer<ConsumerRecord<String, String>> each) {
        List<TopicPartition> partitions = new ArrayList<>();
        List<PartitionInfo> infos = reader.partitionsFor(topic, metadataWait);
        if (infos != null) {
            infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        readToEnd(reader, partitions, each);
    }

    /** Assigns the reader these partitions and hands it each record from the first to the last. */
    public static void readToEnd(KafkaConsumer<String, String> reader, List<TopicPartition> partitions,
                                 Consumer<ConsumerRecord<String, String>> each) {
        reader.assign(partitions);
        reader.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = reader.endOffsets(partitions);
        while (partitions.stream().anyMatch(p -> reader.position(p) < ends.get(p))) {
            reader.poll(Duration.ofMillis(200)).forEach(each);
        }
    }

    private static void putIfSet(Map<String, Object> config, String key, String value) {
        if (value != null && !value.isBlank()) {
            config.put(key, value);
        }
    }

    public void setBrokers(String brokers) {
        this.brokers = brokers;
    }

    public void setSecurityProtocol(String securityProtocol) {
        this.securityProtocol = securityProtocol;
    }

    public void setSaslMechanism(String saslMechanism) {
        this.saslMechanism = saslMechanism;
    }

    public void setSaslJaasConfig(String saslJaasConfig) {
        this.saslJaasConfig = saslJaasConfig;
    }

    public void setSslTruststoreLocation(String sslTruststoreLocation) {
        this.sslTruststoreLocation = sslTruststoreLocation;
    }

    public void setSslTruststoreType(String sslTruststoreType) {
        this.sslTruststoreType = sslTruststoreType;
    }

    public void setSslTruststorePassword(String sslTruststorePassword) {
        this.sslTruststorePassword = sslTruststorePassword;
    }

    public void setSslKeystoreLocation(String sslKeystoreLocation) {
        this.sslKeystoreLocation = sslKeystoreLocation;
    }

    public void setSslKeystoreType(String sslKeystoreType) {
        this.sslKeystoreType = sslKeystoreType;
    }

    public void setSslKeystorePassword(String sslKeystorePassword) {
        this.sslKeystorePassword = sslKeystorePassword;
    }

    public void setSslKeyPassword(String sslKeyPassword) {
        this.sslKeyPassword = sslKeyPassword;
    }
}
