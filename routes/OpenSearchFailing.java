package nc.opt.waits;

import org.apache.camel.CamelExchangeException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;

/**
 * Called before each redelivery of a bulk request (onRedeliveryRef): one WARN line, and the
 * readiness check "opensearch" says why indexing waits.
 */
public class OpenSearchFailing implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(OpenSearchFailing.class);
    private String url = "";

    @Override
    public void process(Exchange exchange) {
        OpenSearchBulk.Batch batch = exchange.getProperty("batch", OpenSearchBulk.Batch.class);
        Throwable why = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        while (why != null && why.getCause() != null && (why instanceof CamelExchangeException || why instanceof CompletionException)) {
            why = why.getCause(); // past the wrappers: the connection error, the TLS handshake, the HTTP status
        }
        String reason = why == null ? "bulk request failed" : why.getClass().getSimpleName() + ": " + why.getMessage();
        LOG.warn("OpenSearch at {}: {} documents for {} not indexed yet ({}); retry {}, Kafka offsets not committed meanwhile", url,
                batch.pending.size(), batch.owner.indexName, reason, exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER));
        batch.owner.failing(reason);
    }

    public void setUrl(String url) {
        this.url = url;
    }
}
