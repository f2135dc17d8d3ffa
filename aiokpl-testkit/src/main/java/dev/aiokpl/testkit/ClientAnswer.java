package dev.aiokpl.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Writes HTTP/1.1 answers on a client connection of the {@link FaultProxy}, as the service would. */
final class ClientAnswer {

    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";

    private ClientAnswer() {
    }

    /** Writes a JSON answer of the Kinesis JSON protocol, with a fresh request id. */
    static void writeJson(OutputStream out, int status, byte[] json) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Content-Type", List.of(CONTENT_TYPE));
        headers.put("x-amzn-RequestId", List.of(UUID.randomUUID().toString()));
        write(out, status, headers, json);
    }

    /** Writes an answer as given (e.g. the emulator's, passed on). */
    static void write(OutputStream out, int status, Map<String, List<String>> headers, byte[] body)
            throws IOException {
        StringBuilder head = new StringBuilder(256);
        head.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        headers.forEach((k, vs) -> vs.forEach(v -> head.append(k).append(": ").append(v).append("\r\n")));
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }
}
