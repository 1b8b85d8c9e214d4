package nc.opt.waits;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/**
 * The readiness check "opensearch" of /observe/health: DOWN while an index route cannot index its
 * batch (OpenSearch stopped, unreachable, answering 429/5xx, or refusing the credentials), with the
 * reason and since when. The readings wait in Kafka meanwhile. Not a liveness check: restarting
 * the pipeline would not bring OpenSearch back.
 */
public class OpenSearchHealth extends AbstractHealthCheck {

    public OpenSearchHealth() {
        super("opt-waits", "opensearch");
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.up();
        for (Map.Entry<String, OpenSearchBulk> bean : getCamelContext().getRegistry()
                .findByTypeWithName(OpenSearchBulk.class).entrySet()) {
            OpenSearchBulk indexer = bean.getValue();
            String failure = indexer.failure();
            builder.detail(bean.getKey() + ".index", indexer.getIndexName());
            if (failure != null) {
                builder.down();
                builder.message("indexing into " + indexer.getIndexName() + " fails since " + indexer.failingSince() + ": " + failure);
                builder.detail(bean.getKey() + ".failure", failure);
                builder.detail(bean.getKey() + ".failingSince", String.valueOf(indexer.failingSince()));
            }
        }
    }
}
