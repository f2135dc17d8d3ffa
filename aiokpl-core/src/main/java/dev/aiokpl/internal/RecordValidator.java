package dev.aiokpl.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The checks a {@code Producer} makes before it accepts a record, in order and with the same
 * messages: the real producer and the testkit's {@code MockProducer} both use it, so a test double
 * cannot drift from the producer it stands for. Thread-safe.
 */
public final class RecordValidator {

    private final int maxRecordSize;
    /** Streams already found valid: the check then costs one lookup per record. */
    private final ConcurrentHashMap<String, Boolean> validStreams = new ConcurrentHashMap<>();

    /** @param maxRecordSize the largest partition key + data, in bytes ({@code Config.maxRecordSize()}) */
    public RecordValidator(int maxRecordSize) {
        this.maxRecordSize = maxRecordSize;
    }

    /** The exception {@code putRecord} throws after {@code close()}. */
    public static IllegalStateException closed() {
        return new IllegalStateException("the producer is closed; putRecord is not accepted after close()");
    }

    /**
     * Checks the stream name, the partition key, the data and the record's size, in that order (the
     * explicit hash key is checked as it is parsed, by {@code HashKey.parseDecimal}).
     *
     * @return the partition key's UTF-8 length in bytes
     * @throws IllegalArgumentException naming the bad field and its value or size
     */
    public int validate(String stream, String partitionKey, byte[] data) {
        if (validStreams.get(stream == null ? "" : stream) == null) {
            Validation.streamName(stream);
            validStreams.put(stream, Boolean.TRUE);
        }
        int keyBytes = Validation.partitionKey(partitionKey);
        Validation.data(data);
        Validation.size(keyBytes, data.length, maxRecordSize);
        return keyBytes;
    }
}
