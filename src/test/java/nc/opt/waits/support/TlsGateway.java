package nc.opt.waits.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What OpenSearch's security plugin puts in front of the REST API, for tests against a plain-HTTP
 * OpenSearch: an HTTPS reverse proxy in the test JVM, with a server certificate from a private CA
 * (a PKCS12 key store), that demands HTTP basic auth (401 with WWW-Authenticate otherwise) and
 * forwards the method, path and query, body and Content-Type to the plain-HTTP upstream, answering
 * with its status, Content-Type and body. It counts what it let through and what it refused.
 */
public final class TlsGateway implements AutoCloseable {
    private static final HttpClient UPSTREAM = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private final HttpsServer server;
    private final ExecutorService threads;
    private final String upstream;
    private final byte[] expectedAuthorization;
    private final AtomicInteger authorized = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final Set<String> protocols = ConcurrentHashMap.newKeySet();

    private TlsGateway(HttpsServer server, ExecutorService threads, String upstream, String user, String password) {
        this.server = server;
        this.threads = threads;
        this.upstream = upstream;
        this.expectedAuthorization = ("Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Starts the gateway on a free port of 127.0.0.1.
     *
     * @param keyStore  PKCS12 store holding the server's key and certificate chain
     * @param storePass its password (also the key's)
     * @param upstream  the plain-HTTP OpenSearch, e.g. http://127.0.0.1:9200
     */
    public static TlsGateway start(Path keyStore, char[] storePass, String upstream, String user, String password) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, storePass);
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, storePass);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);

        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        ExecutorService threads = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "tls-gateway");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        TlsGateway gateway = new TlsGateway(server, threads, upstream.replaceAll("/+$", ""), user, password);
        server.createContext("/", gateway::handle);
        server.start();
        return gateway;
    }

    public String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    /** requests that carried the right credentials and were forwarded */
    public int authorized() {
        return authorized.get();
    }

    /** requests refused with 401: no or wrong credentials */
    public int refused() {
        return refused.get();
    }

    /** the TLS protocols the requests came over (e.g. TLSv1.3) */
    public Set<String> protocols() {
        return Set.copyOf(protocols);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            protocols.add(((HttpsExchange) exchange).getSSLSession().getProtocol());
            byte[] body = exchange.getRequestBody().readAllBytes();
            String given = exchange.getRequestHeaders().getFirst("Authorization");
            if (given == null || !MessageDigest.isEqual(expectedAuthorization, given.getBytes(StandardCharsets.UTF_8))) {
                refused.incrementAndGet();
                byte[] answer = "{\"status\":401,\"error\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"OpenSearch Security\"");
                exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
                exchange.sendResponseHeaders(401, answer.length);
                exchange.getResponseBody().write(answer);
                return;
            }
            authorized.incrementAndGet();
            String query = exchange.getRequestURI().getRawQuery();
            URI target = URI.create(upstream + exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query));
            String method = exchange.getRequestMethod();
            HttpRequest.Builder forward = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(60))
                    .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (contentType != null) {
                forward.header("Content-Type", contentType);
            }
            HttpResponse<byte[]> answer;
            try {
                answer = UPSTREAM.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException upstreamDown) {
                byte[] error = "{\"status\":502,\"error\":\"upstream unreachable\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
                exchange.sendResponseHeaders(502, error.length);
                exchange.getResponseBody().write(error);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            answer.headers().firstValue("Content-Type").ifPresent(type -> exchange.getResponseHeaders().set("Content-Type", type));
            byte[] content = answer.body();
            boolean noBody = "HEAD".equalsIgnoreCase(method) || content.length == 0;
            exchange.sendResponseHeaders(answer.statusCode(), noBody ? -1 : content.length);
            if (!noBody) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(content);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
