package nc.opt.waits;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/**
 * The readiness check "outbox" of /observe/health: how many Kafka messages wait in the outbox and
 * since when (details outbox.messages, outbox.files, outbox.oldest, outbox.bytes). UP while the
 * outbox has room, even with a backlog (Kafka down: the messages wait, nothing is lost); DOWN once it
 * is full (outbox.max-mb): new polls then reach the CSV only.
 */
public class OutboxHealth extends AbstractHealthCheck {

    public OutboxHealth() {
        super("opt-waits", "outbox");
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.up();
        for (KafkaOutbox outbox : getCamelContext().getRegistry().findByType(KafkaOutbox.class)) {
            KafkaOutbox.Backlog backlog = outbox.backlog();
            builder.detail("outbox.dir", outbox.getDir());
            builder.detail("outbox.messages", backlog.messages());
            builder.detail("outbox.files", backlog.files());
            builder.detail("outbox.bytes", backlog.bytes());
            builder.detail("outbox.maxBytes", outbox.getMaxBytes());
            if (backlog.oldest() != null) {
                builder.detail("outbox.oldest", Timestamps.utc(backlog.oldest()));
                builder.message(backlog.messages() + " messages of " + backlog.files() + " polls wait for Kafka, the oldest since "
                        + Timestamps.utc(backlog.oldest()));
            }
            if (backlog.bytes() >= outbox.getMaxBytes()) {
                builder.down();
                builder.message("the outbox is full (" + backlog.bytes() + " bytes, outbox.max-mb reached): new polls reach the CSV only; "
                        + backlog.messages() + " messages wait for Kafka"
                        + (backlog.oldest() == null ? "" : " since " + Timestamps.utc(backlog.oldest())));
            }
        }
    }
}
