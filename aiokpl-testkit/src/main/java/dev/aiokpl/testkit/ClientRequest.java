package dev.aiokpl.testkit;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One HTTP/1.1 request read from a client connection of the {@link FaultProxy}: the wire format, nothing more. */
record ClientRequest(String method, String target, Map<String, List<String>> headers, byte[] body,
        boolean close) {

    private static final int MAX_HEADER_LINE = 64 * 1024;

    /** The first value of a header, by its lower-case name, or null. */
    String header(String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** Reads the next request, or null at a clean end of the connection. */
    static ClientRequest read(InputStream in, OutputStream out) throws IOException {
        String line = readLine(in);
        if (line == null) {
            return null;
        }
        while (line.isEmpty()) { // tolerate stray CRLF between requests
            line = readLine(in);
            if (line == null) {
                return null;
            }
        }
        String[] parts = line.split(" ");
        if (parts.length < 3) {
            throw new IOException("bad request line: " + line);
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        while (true) {
            String h = readLine(in);
            if (h == null) {
                throw new EOFException("connection closed inside the headers");
            }
            if (h.isEmpty()) {
                break;
            }
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new IOException("bad header line: " + h);
            }
            headers.computeIfAbsent(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(h.substring(colon + 1).trim());
        }
        List<String> expect = headers.get("expect");
        if (expect != null && expect.stream().anyMatch(v -> v.equalsIgnoreCase("100-continue"))) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        byte[] body;
        List<String> te = headers.get("transfer-encoding");
        if (te != null && te.stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"))) {
            body = readChunked(in);
        } else {
            List<String> cl = headers.get("content-length");
            int length = cl == null ? 0 : Integer.parseInt(cl.get(0));
            body = in.readNBytes(length);
            if (body.length != length) {
                throw new EOFException("connection closed inside the body");
            }
        }
        List<String> connection = headers.get("connection");
        boolean close = connection != null && connection.stream().anyMatch(v -> v.equalsIgnoreCase("close"));
        return new ClientRequest(parts[0], parts[1], headers, body, close);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            if (sizeLine == null) {
                throw new EOFException("connection closed inside a chunk");
            }
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                String trailer;
                do {
                    trailer = readLine(in);
                } while (trailer != null && !trailer.isEmpty());
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length != size) {
                throw new EOFException("connection closed inside a chunk");
            }
            body.write(chunk);
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (sb.length() == 0) {
                    return null;
                }
                throw new EOFException("connection closed inside a line");
            }
            if (b == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            if (sb.length() >= MAX_HEADER_LINE) {
                throw new IOException("header line longer than " + MAX_HEADER_LINE);
            }
            sb.append((char) b);
        }
    }
}
