package nc.opt.waits;

import nc.opt.waits.support.TestKafka;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The thresholds barrier (alerts.threshold-barrier) at the bean itself, on a real broker: each of
 * 1,000 threshold changes is acknowledged by Kafka; then, for every other change, the barrier and a
 * lookup, which must see the new value every time. For the other half, the lookup right after the
 * acknowledgement, without the barrier: a race with the thread that follows the topic, whose losses
 * are printed, not asserted (they depend on timing). AlertsScaleOutIT covers the same guarantee
 * across instances, through the HTTP API and the alert route.
 */
class ThresholdsBarrierIT {

    @Test
    void aChangeAcknowledgedIsWhatTheNextLookupSeesAfterTheBarrier() throws Exception {
        String topic = "it-barrier-" + UUID.randomUUID();
        KafkaConfiguration kafka = new KafkaConfiguration();
        kafka.setBrokers(TestKafka.bootstrapServers());
        Thresholds thresholds = new Thresholds();
        thresholds.setKafka(kafka);
        thresholds.setTopic(topic);
        thresholds.start();
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0);
        int changes = 1000;
        int oldAfterTheBarrier = 0;
        int oldWithoutIt = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < changes; i++) {
                double minutes = 10 + i; // a new value at each change
                producer.send(new ProducerRecord<>(topic, "agency:4313", "{\"maxWaitMinutes\":" + minutes + "}")).get();
                boolean barrier = i % 2 == 0;
                if (barrier) {
                    thresholds.awaitCaughtUp();
                }
                if (thresholds.lookup("4313", "NOUMEA", "AGENCE").minutes() != minutes) {
                    if (barrier) {
                        oldAfterTheBarrier++;
                    } else {
                        oldWithoutIt++;
                    }
                }
            }
        } finally {
            thresholds.stop();
        }
        System.out.printf("ThresholdsBarrierIT: %d changes; the old threshold seen by %d of %d lookups after the barrier,"
                + " by %d of %d lookups without it%n", changes, oldAfterTheBarrier, changes / 2, oldWithoutIt, changes / 2);
        assertEquals(0, oldAfterTheBarrier, "lookups after the barrier that saw the threshold before the acknowledged change");
    }
}
