package dev.aiokpl.sinks.cloudwatch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A CloudWatch endpoint on 127.0.0.1 speaking the protocol the SDK uses for CloudWatch, Smithy RPC
 * v2 CBOR (with AWS query compatibility): it decodes each PutMetricData body (gunzipping it when the
 * SDK compressed it), keeps it, and answers with the next scripted response, or success.
 */
final class FakeCloudWatch implements AutoCloseable {

    static final String PUT_METRIC_DATA_PATH = "/service/GraniteServiceVersion20100801/operation/PutMetricData";

    /** One request as the server saw it. */
    record Request(String path, Map<String, List<String>> headers, int bodyBytes, Map<?, ?> body) {

        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        String namespace() {
            return (String) body.get("Namespace");
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> metricData() {
            return (List<Map<String, Object>>) body.get("MetricData");
        }
    }

    /** A scripted failure: HTTP status, query-compatible error code, fault type. */
    record Failure(int status, String code, String fault) {
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Failure> script = new ConcurrentLinkedQueue<>();

    FakeCloudWatch() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Makes the next request fail this way (requests beyond the script succeed). */
    void failNext(int status, String code, String fault) {
        script.add(new Failure(status, code, fault));
    }

    /** Forgets the requests, errors and script of earlier tests. */
    void reset() {
        requests.clear();
        errors.clear();
        script.clear();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Decoding errors of the handler, which the tests assert to be empty. */
    List<Throwable> errors() {
        return List.copyOf(errors);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            respond(exchange);
        } catch (IOException | RuntimeException e) {
            errors.add(e);
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        }
    }

    private void respond(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw;
            try (InputStream in = exchange.getRequestBody()) {
                raw = in.readAllBytes();
            }
            String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            byte[] body = raw;
            if ("gzip".equalsIgnoreCase(encoding)) {
                try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                    body = gz.readAllBytes();
                }
            }
            Map<?, ?> decoded = body.length == 0 ? Map.of() : (Map<?, ?>) Cbor.decode(body);
            requests.add(new Request(exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()), raw.length, decoded));

            exchange.getResponseHeaders().add("smithy-protocol", "rpc-v2-cbor");
            exchange.getResponseHeaders().add("Content-Type", "application/cbor");
            exchange.getResponseHeaders().add("x-amzn-RequestId", "fake-" + requests.size());
            Failure failure = script.poll();
            byte[] response;
            int status;
            if (failure == null) {
                status = 200;
                response = new byte[] {(byte) 0xa0}; // an empty map: PutMetricData has no output members
            } else {
                status = failure.status();
                exchange.getResponseHeaders().add("x-amzn-query-error", failure.code() + ";" + failure.fault());
                response = Cbor.encodeStringMap(Map.of(
                        "__type", "com.amazonaws.cloudwatch#" + failure.code(),
                        "message", "scripted failure"));
            }
            exchange.sendResponseHeaders(status, response.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
