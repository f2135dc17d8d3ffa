package dev.aiokpl.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads newline-delimited records as raw bytes (no charset decoding, so any bytes pass through
 * unchanged): lines end with {@code \n}, a {@code \r} before it is dropped, a last line without a
 * newline counts. Not thread-safe.
 */
final class LineReader {

    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private int position;
    private int limit;
    private boolean eof;

    LineReader(InputStream in) {
        this.in = in;
    }

    /** The next line without its line ending, or null at the end of the input. */
    byte[] next() throws IOException {
        line.reset();
        boolean any = false;
        while (true) {
            if (position == limit) {
                if (eof) {
                    return any ? finish() : null;
                }
                int n = in.read(buffer);
                if (n < 0) {
                    eof = true;
                    continue;
                }
                position = 0;
                limit = n;
            }
            any = true;
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            line.write(buffer, start, position - start);
            if (position < limit) {
                position++; // the newline
                return finish();
            }
        }
    }

    private byte[] finish() {
        byte[] bytes = line.toByteArray();
        if (bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
            return Arrays.copyOf(bytes, bytes.length - 1);
        }
        return bytes;
    }
}
