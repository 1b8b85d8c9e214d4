package nc.opt.waits;

import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.RestClient;
import org.opensearch.client.RestClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Base64;

/**
 * The OpenSearch connection, from opensearch.url (one URL or a comma-separated list: the scheme
 * says http or https), basic auth when a username is set, and the CA(s) of a PEM file trusted when
 * set. The opensearch component uses it (camel.component.opensearch.client), the map's searches too.
 */
public final class OpenSearchClient {
    private static final Logger LOG = LoggerFactory.getLogger(OpenSearchClient.class);
    private OpenSearchClient() {
    }

    public static RestClient create(String url, String username, String password, String caFile, long timeoutMillis) throws Exception {
        HttpHost[] hosts = Arrays.stream(url.split("\\s*,\\s*")).map(URI::create)
                .map(uri -> new HttpHost(uri.getScheme(), uri.getHost(), uri.getPort() < 0 ? 9200 : uri.getPort()))
                .toArray(HttpHost[]::new);
        RestClientBuilder builder = RestClient.builder(hosts);
        Timeout timeout = Timeout.ofMilliseconds(timeoutMillis);
        builder.setRequestConfigCallback(config -> config.setConnectTimeout(timeout).setResponseTimeout(timeout));
        if (username != null && !username.isBlank()) {
            String basic = Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
            builder.setDefaultHeaders(new Header[] {new BasicHeader("Authorization", "Basic " + basic)});
        }
        if (caFile != null && !caFile.isBlank()) {
            SSLContext tls = trusting(Path.of(caFile));
            builder.setHttpClientConfigCallback(http -> http.setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                    .setTlsStrategy(ClientTlsStrategyBuilder.create().setSslContext(tls).build()).build()));
        }
        LOG.info("OpenSearch at {}{}{}", url, username == null || username.isBlank() ? "" : ", basic auth as " + username,
                caFile == null || caFile.isBlank() ? "" : ", trusting the CA(s) of " + caFile);
        return builder.build();
    }

    private static SSLContext trusting(Path caFile) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            int n = 0;
            for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + n++, ca);
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, factory.getTrustManagers(), null);
        return tls;
    }
}
