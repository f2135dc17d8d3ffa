package dev.aiokpl.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

/** Forwards a client's request to the emulator behind the {@link FaultProxy} and returns its answer. */
final class UpstreamRelay {

    private static final Set<String> NOT_FORWARDED_HEADERS = Set.of("host", "connection", "content-length", "expect",
            "upgrade", "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection");

    /** The emulator's answer, its hop-by-hop headers removed. */
    record Response(int status, Map<String, List<String>> headers, byte[] body) {
    }

    private final URI endpoint;
    private final HttpClient http;

    UpstreamRelay(URI endpoint, Executor executor) {
        this.endpoint = endpoint;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(executor)
                .build();
    }

    /** Sends {@code request} with {@code body} (its own, or a rewritten one) to the emulator. */
    Response forward(ClientRequest request, byte[] body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint.resolve(request.target()))
                .timeout(Duration.ofSeconds(30))
                .method(request.method(), HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> h : request.headers().entrySet()) {
            if (!NOT_FORWARDED_HEADERS.contains(h.getKey())) {
                for (String v : h.getValue()) {
                    b.header(h.getKey(), v);
                }
            }
        }
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            Map<String, List<String>> headers = new LinkedHashMap<>();
            r.headers().map().forEach((k, v) -> {
                if (!NOT_FORWARDED_HEADERS.contains(k.toLowerCase(Locale.ROOT)) && !k.startsWith(":")) {
                    headers.put(k, v);
                }
            });
            return new Response(r.statusCode(), headers, r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while forwarding", e);
        }
    }
}
