package nc.opt.waits.spark.support;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real single-node OpenSearch for the tests, started with the repository's own bin/stack (the
 * distribution from Maven Central, run as an unprivileged user), STACK_MODE=local, on free ports,
 * in a stack folder of its own (not the main project's test stack, not a developer's running one).
 * It is stopped when the test JVM ends.
 */
public final class TestOpenSearch {
    /** kept between runs so the distribution is unpacked once; its data is reset at each start */
    static final Path STACK_DIR = Path.of(System.getProperty("java.io.tmpdir"), "opt-waits-spark-test-stack");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static String url;
    private static int port;
    private static int transportPort;

    private TestOpenSearch() {
    }

    public static synchronized String url() {
        if (url == null) {
            try {
                port = freePort();
                transportPort = freePort();
                stack("reset");
                stack("up", "opensearch");
                url = "http://127.0.0.1:" + port;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        stack("down", "opensearch");
                    } catch (Exception ignored) {
                        // the JVM is going away
                    }
                }));
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("cannot start the test OpenSearch", e);
            }
        }
        return url;
    }

    /** GET or POST (with a JSON body) on the test OpenSearch; the answer's body. */
    public static String request(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(method + " " + path + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    private static void stack(String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of("../bin/stack"));
        line.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/test-logs/stack.log")));
        new File("target/test-logs").mkdirs();
        Map<String, String> env = builder.environment();
        env.put("STACK_MODE", "local");
        env.put("STACK_DIR", STACK_DIR.toString());
        env.put("OPENSEARCH_PORT", String.valueOf(port));
        env.put("OPENSEARCH_TRANSPORT_PORT", String.valueOf(transportPort));
        int exit = builder.start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("bin/stack " + String.join(" ", command) + " failed (exit " + exit
                    + "): see target/test-logs/stack.log");
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
