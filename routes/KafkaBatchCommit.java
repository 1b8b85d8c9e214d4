package nc.opt.waits;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

import java.util.HashMap;
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
        Map<Integer, KafkaManualCommit> lastOfEachPartition = new HashMap<>();
        for (int i = batch.size() - 1; i >= 0; i--) { // from the last record: one commit looked up per partition
            Message record = ((Exchange) batch.get(i)).getMessage();
            lastOfEachPartition.computeIfAbsent(record.getHeader(KafkaConstants.PARTITION, Integer.class), partition -> commitOf(record));
        }
        lastOfEachPartition.values().forEach(KafkaManualCommit::commit);
    }

    private static KafkaManualCommit commitOf(Message record) {
        KafkaManualCommit commit = record.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (commit == null) {
            throw new IllegalStateException("no manual commit on the Kafka record: allowManualCommit must be true");
        }
        return commit;
    }
}
