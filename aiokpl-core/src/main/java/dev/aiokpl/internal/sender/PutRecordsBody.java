package dev.aiokpl.internal.sender;

import dev.aiokpl.internal.record.KinesisRecord;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import software.amazon.awssdk.http.ContentStreamProvider;

/**
 * The body of one PutRecords request, written straight from the batch's Kinesis records in the AWS
 * protocol the SDK would use: awsJson1.1 (data in base64) or the SDK's CBOR (data as byte strings). The
 * output is byte for byte what the SDK's own marshaller writes for the same request (field order,
 * escaping, CBOR's indefinite-length containers), which {@code PutRecordsBodyTest} checks against it.
 *
 * <p>The body is held in chunks of at most {@link #CHUNK} bytes rather than one array: a request of a
 * few MiB then costs no humongous allocation and no copy to grow a buffer, and the chunks go to the HTTP
 * client as they are.
 *
 * <p>A {@link Writer} is not thread-safe (it reuses a base64 scratch buffer); a written body is
 * immutable and may be read by any thread, any number of times.
 */
public final class PutRecordsBody {

    /** Largest chunk: below G1's humongous threshold for any heap of 128 MiB or more. */
    static final int CHUNK = 32 * 1024;

    private final List<byte[]> chunks;
    private final int lastLength;
    private final long length;

    private PutRecordsBody(List<byte[]> chunks, int lastLength, long length) {
        this.chunks = chunks;
        this.lastLength = lastLength;
        this.length = length;
    }

    /** The body's length in bytes. */
    public long length() {
        return length;
    }

    /** The body as read-only buffers over its chunks, fresh ones on every call. */
    public List<ByteBuffer> buffers() {
        List<ByteBuffer> out = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            out.add(ByteBuffer.wrap(chunks.get(i), 0, chunkLength(i)).asReadOnlyBuffer());
        }
        return out;
    }

    /** The body for the signer, which reads it once to hash it. */
    public ContentStreamProvider contentStreamProvider() {
        return this::newStream;
    }

    /** The whole body in one array (tests and diagnostics). */
    public byte[] toByteArray() {
        byte[] all = new byte[Math.toIntExact(length)];
        int at = 0;
        for (int i = 0; i < chunks.size(); i++) {
            int n = chunkLength(i);
            System.arraycopy(chunks.get(i), 0, all, at, n);
            at += n;
        }
        return all;
    }

    private InputStream newStream() {
        List<InputStream> parts = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            parts.add(new ByteArrayInputStream(chunks.get(i), 0, chunkLength(i)));
        }
        return new SequenceInputStream(Collections.enumeration(parts));
    }

    private int chunkLength(int i) {
        return i == chunks.size() - 1 ? lastLength : chunks.get(i).length;
    }

    /** Writes bodies; one per sender (pipeline thread). */
    public static final class Writer {

        private static final byte[] JSON_HEAD = ascii("{\"Records\":[");
        private static final byte[] JSON_DATA = ascii("{\"Data\":\"");
        private static final byte[] JSON_EHK = ascii("\",\"ExplicitHashKey\":\"");
        private static final byte[] JSON_PK = ascii("\",\"PartitionKey\":\"");
        private static final byte[] JSON_ENTRY_END = ascii("\"}");
        private static final byte[] JSON_STREAM = ascii("],\"StreamName\":\"");
        private static final byte[] JSON_END = ascii("\"}");
        private static final byte[] HEX = ascii("0123456789ABCDEF");

        private static final int CBOR_BYTES = 0x40;
        private static final int CBOR_TEXT = 0x60;
        private static final int CBOR_ARRAY_START = 0x9f;
        private static final int CBOR_MAP_START = 0xbf;
        private static final int CBOR_BREAK = 0xff;
        private static final byte[] CBOR_RECORDS = cborText("Records");
        private static final byte[] CBOR_DATA = cborText("Data");
        private static final byte[] CBOR_EHK = cborText("ExplicitHashKey");
        private static final byte[] CBOR_PK = cborText("PartitionKey");
        private static final byte[] CBOR_STREAM = cborText("StreamName");

        /** Base64 scratch up to this size is kept between bodies; larger data gets a one-off buffer. */
        private static final int MAX_KEPT_SCRATCH = 2 * 1024 * 1024;

        private final boolean cbor;
        private final Base64.Encoder base64 = Base64.getEncoder();
        private byte[] scratch = new byte[0];

        private List<byte[]> chunks;
        private byte[] chunk;
        private int pos;
        private long length;

        /** @param cbor the SDK's CBOR protocol ({@code application/x-amz-cbor-1.1}) rather than awsJson1.1 */
        public Writer(boolean cbor) {
            this.cbor = cbor;
        }

        /** The body of a PutRecords request of {@code records} to {@code stream}. */
        public PutRecordsBody write(String stream, List<KinesisRecord> records) {
            chunks = new ArrayList<>();
            chunk = new byte[CHUNK];
            pos = 0;
            length = 0;
            if (cbor) {
                writeCbor(stream, records);
            } else {
                writeJson(stream, records);
            }
            chunks.add(chunk);
            PutRecordsBody body = new PutRecordsBody(chunks, pos, length);
            chunks = null;
            chunk = null;
            return body;
        }

        private void writeJson(String stream, List<KinesisRecord> records) {
            put(JSON_HEAD);
            for (int i = 0; i < records.size(); i++) {
                KinesisRecord kr = records.get(i);
                if (i > 0) {
                    put(',');
                }
                put(JSON_DATA);
                putBase64(kr.data());
                if (kr.explicitHashKey() != null) {
                    put(JSON_EHK);
                    putJsonString(kr.explicitHashKey());
                }
                put(JSON_PK);
                putJsonString(kr.partitionKey());
                put(JSON_ENTRY_END);
            }
            put(JSON_STREAM);
            putJsonString(stream);
            put(JSON_END);
        }

        private void writeCbor(String stream, List<KinesisRecord> records) {
            put(CBOR_MAP_START);
            put(CBOR_RECORDS);
            put(CBOR_ARRAY_START);
            for (int i = 0; i < records.size(); i++) {
                KinesisRecord kr = records.get(i);
                put(CBOR_MAP_START);
                put(CBOR_DATA);
                byte[] data = kr.data();
                putCborHead(CBOR_BYTES, data.length);
                put(data, 0, data.length);
                if (kr.explicitHashKey() != null) {
                    put(CBOR_EHK);
                    putCborText(kr.explicitHashKey());
                }
                put(CBOR_PK);
                putCborText(kr.partitionKey());
                put(CBOR_BREAK);
            }
            put(CBOR_BREAK);
            put(CBOR_STREAM);
            putCborText(stream);
            put(CBOR_BREAK);
        }

        private void putBase64(byte[] data) {
            int n = 4 * ((data.length + 2) / 3);
            byte[] out = scratch;
            if (out.length < n) {
                out = new byte[n];
                if (n <= MAX_KEPT_SCRATCH) {
                    scratch = out;
                }
            }
            int written = base64.encode(data, out);
            put(out, 0, written);
        }

        /**
         * A JSON string as Jackson writes it: {@code "} and {@code \} escaped with a backslash, other
         * control characters below 0x20 as {@code \}{@code u00XX} except the short forms
         * {@code \b \t \n \f \r}, each UTF-16 surrogate (paired or not) as {@code \}{@code uXXXX}, everything
         * else as UTF-8.
         */
        private void putJsonString(String s) {
            int n = s.length();
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                    put(c);
                } else if (c < 0x80) {
                    putJsonEscape(c);
                } else if (Character.isSurrogate(c)) {
                    putUnicodeEscape(c);
                } else {
                    int end = i + 1;
                    while (end < n && s.charAt(end) >= 0x80 && !Character.isSurrogate(s.charAt(end))) {
                        end++;
                    }
                    byte[] utf8 = s.substring(i, end).getBytes(StandardCharsets.UTF_8);
                    put(utf8, 0, utf8.length);
                    i = end - 1;
                }
            }
        }

        private void putJsonEscape(char c) {
            put('\\');
            switch (c) {
                case '"' -> put('"');
                case '\\' -> put('\\');
                case '\b' -> put('b');
                case '\t' -> put('t');
                case '\n' -> put('n');
                case '\f' -> put('f');
                case '\r' -> put('r');
                default -> {
                    put('u');
                    put('0');
                    put('0');
                    put(HEX[c >> 4]);
                    put(HEX[c & 0xf]);
                }
            }
        }

        private void putUnicodeEscape(char c) {
            put('\\');
            put('u');
            put(HEX[c >> 12]);
            put(HEX[(c >> 8) & 0xf]);
            put(HEX[(c >> 4) & 0xf]);
            put(HEX[c & 0xf]);
        }

        private void putCborText(String s) {
            if (isAscii(s)) {
                int n = s.length();
                putCborHead(CBOR_TEXT, n);
                for (int i = 0; i < n; i++) {
                    put(s.charAt(i));
                }
            } else {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                putCborHead(CBOR_TEXT, utf8.length);
                put(utf8, 0, utf8.length);
            }
        }

        /** A CBOR head (major type and length) in its shortest form. */
        private void putCborHead(int major, long value) {
            if (value < 24) {
                put((int) (major | value));
            } else if (value <= 0xff) {
                put(major | 24);
                put((int) value);
            } else if (value <= 0xffff) {
                put(major | 25);
                put((int) (value >>> 8));
                put((int) value);
            } else {
                put(major | 26);
                put((int) (value >>> 24));
                put((int) (value >>> 16));
                put((int) (value >>> 8));
                put((int) value);
            }
        }

        private void put(int b) {
            if (pos == chunk.length) {
                nextChunk();
            }
            chunk[pos++] = (byte) b;
            length++;
        }

        private void put(byte[] b) {
            put(b, 0, b.length);
        }

        private void put(byte[] b, int off, int len) {
            length += len;
            while (len > 0) {
                if (pos == chunk.length) {
                    nextChunk();
                }
                int n = Math.min(len, chunk.length - pos);
                System.arraycopy(b, off, chunk, pos, n);
                pos += n;
                off += n;
                len -= n;
            }
        }

        private void nextChunk() {
            chunks.add(chunk);
            chunk = new byte[CHUNK];
            pos = 0;
        }

        private static boolean isAscii(String s) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) >= 0x80) {
                    return false;
                }
            }
            return true;
        }

        private static byte[] ascii(String s) {
            return s.getBytes(StandardCharsets.US_ASCII);
        }

        private static byte[] cborText(String ascii) {
            byte[] text = ascii(ascii);
            byte[] out = new byte[text.length + 1];
            out[0] = (byte) (CBOR_TEXT | text.length);
            System.arraycopy(text, 0, out, 1, text.length);
            return out;
        }
    }
}
