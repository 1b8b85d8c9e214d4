package nc.opt.waits;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Commits a Kafka batch (the body: the exchanges of one poll) once it has been processed: for each
 * partition of the batch, the offset after its last record. Camel's own BatchManualCommit commits
 * only the partition of the batch's very last record; a batch spans several partitions.
 */
public class KafkaBatchCommit {
    public void commit(Exchange exchange) {
        List<?> batch = exchange.getMessage().getBody(List.class);
        Map<Integer, KafkaManualCommit> lastOfEachPartition = new LinkedHashMap<>();
        for (Object item : batch) {
            Exchange record = (Exchange) item;
            Integer partition = record.getMessage().getHeader(KafkaConstants.PARTITION, Integer.class);
            KafkaManualCommit commit = record.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (commit == null) {
                throw new IllegalStateException("no manual commit on the Kafka record: allowManualCommit must be true");
            }
            lastOfEachPartition.put(partition, commit);
        }
        lastOfEachPartition.values().forEach(KafkaManualCommit::commit);
    }
}
