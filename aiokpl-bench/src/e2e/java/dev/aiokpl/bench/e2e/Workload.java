package dev.aiokpl.bench.e2e;

import java.nio.ByteBuffer;

/**
 * The records every producer sends: record {@code i} has partition key {@code keys[i % keyCount]}
 * and {@code recordBytes} of data that start with {@code i} and the run's nonce (big-endian longs),
 * so a read-back can tell each record apart and prove none is missing or doubled.
 */
final class Workload {

    static final int HEADER_BYTES = 16;

    final int records;
    final int recordBytes;
    final long nonce;
    private final String[] keys;

    Workload(int records, int recordBytes, int keyCount, long nonce) {
        if (recordBytes < HEADER_BYTES) {
            throw new IllegalArgumentException("recordBytes must be at least " + HEADER_BYTES + ": " + recordBytes);
        }
        this.records = records;
        this.recordBytes = recordBytes;
        this.nonce = nonce;
        this.keys = new String[keyCount];
        for (int k = 0; k < keyCount; k++) {
            keys[k] = String.format("partition-key-%04d", k);
        }
    }

    String key(int i) {
        return keys[i % keys.length];
    }

    /** A new array per record, as an application would hand over a freshly serialised event. */
    byte[] data(int i) {
        byte[] data = new byte[recordBytes];
        ByteBuffer.wrap(data).putLong(i).putLong(nonce);
        for (int j = HEADER_BYTES; j < data.length; j++) {
            data[j] = (byte) (i * 31 + j);
        }
        return data;
    }

    /** The record index in {@code data}, or -1 if it is not a record of this run. */
    long indexOf(byte[] data) {
        if (data.length != recordBytes) {
            return -1;
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        long index = b.getLong();
        return b.getLong() == nonce && index >= 0 && index < records ? index : -1;
    }
}
