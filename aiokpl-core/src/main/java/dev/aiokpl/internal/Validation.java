package dev.aiokpl.internal;

import dev.aiokpl.internal.hash.HashKey;

/**
 * The input rules of SPEC section 4; each error names the field and the bad value or size. Used by
 * {@code UserRecord}'s builder and, through {@link RecordValidator}, by every {@code Producer}.
 */
public final class Validation {

    /** The longest stream name Kinesis accepts. */
    public static final int MAX_STREAM_NAME_LENGTH = 128;
    /** The longest partition key Kinesis accepts, in Unicode code points. */
    public static final int MAX_PARTITION_KEY_CODE_POINTS = 256;

    private Validation() {
    }

    /** Non-blank, at most 128 characters of {@code [a-zA-Z0-9_.-]}. */
    public static void streamName(String stream) {
        if (stream == null) {
            throw new IllegalArgumentException("stream must not be null");
        }
        int n = stream.length();
        if (n == 0 || n > MAX_STREAM_NAME_LENGTH) {
            throw new IllegalArgumentException("stream name must be 1.." + MAX_STREAM_NAME_LENGTH
                    + " characters (got " + n + " characters: " + abbreviate(stream) + ")");
        }
        for (int i = 0; i < n; i++) {
            char c = stream.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '-';
            if (!ok) {
                throw new IllegalArgumentException("stream name may only hold [a-zA-Z0-9_.-] (got "
                        + abbreviate(stream) + ", bad character at index " + i + ")");
            }
        }
    }

    /** 1..256 Unicode code points, not null. Returns the key's UTF-8 length. */
    public static int partitionKey(String partitionKey) {
        if (partitionKey == null) {
            throw new IllegalArgumentException("partitionKey must not be null");
        }
        int chars = partitionKey.length();
        if (chars == 0) {
            throw new IllegalArgumentException("partitionKey must be 1.." + MAX_PARTITION_KEY_CODE_POINTS
                    + " Unicode code points (got an empty key)");
        }
        if (chars > MAX_PARTITION_KEY_CODE_POINTS) {
            int codePoints = partitionKey.codePointCount(0, chars);
            if (codePoints > MAX_PARTITION_KEY_CODE_POINTS) {
                throw new IllegalArgumentException("partitionKey must be 1.." + MAX_PARTITION_KEY_CODE_POINTS
                        + " Unicode code points (got a key of " + codePoints + " code points)");
            }
        }
        return Utf8.length(partitionKey);
    }

    /** Null, or canonical decimal in 0..2^128-1. */
    public static HashKey explicitHashKey(String explicitHashKey) {
        return explicitHashKey == null ? null : HashKey.parseDecimal(explicitHashKey);
    }

    /** The data must not be null (it may be empty). */
    public static void data(byte[] data) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
    }

    /** Partition key plus data must not exceed {@code maxRecordSize}. */
    public static void size(int partitionKeyUtf8Length, int dataLength, int maxRecordSize) {
        long size = (long) partitionKeyUtf8Length + dataLength;
        if (size > maxRecordSize) {
            throw new IllegalArgumentException("record size (partition key + data) is " + size
                    + " bytes (data " + dataLength + " bytes), over the limit of maxRecordSize=" + maxRecordSize
                    + " bytes");
        }
    }

    private static String abbreviate(String s) {
        return "\"" + (s.length() > 64 ? s.substring(0, 64) + "..." : s) + "\"";
    }
}
