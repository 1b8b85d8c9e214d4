package nc.opt.waits;

import java.util.HashMap;
import java.util.Map;

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
    private String sslTruststorePassword = "";

    /** the client configuration: bootstrap servers, plus every security setting that is set */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", brokers);
        putIfSet(config, "security.protocol", securityProtocol);
        putIfSet(config, "sasl.mechanism", saslMechanism);
        putIfSet(config, "sasl.jaas.config", saslJaasConfig);
        putIfSet(config, "ssl.truststore.location", sslTruststoreLocation);
        putIfSet(config, "ssl.truststore.password", sslTruststorePassword);
        return config;
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

    public void setSslTruststorePassword(String sslTruststorePassword) {
        this.sslTruststorePassword = sslTruststorePassword;
    }
}
