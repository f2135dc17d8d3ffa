package dev.aiokpl.kafka.connect;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Turns a {@link SinkRecord} into what the producer takes: the stream, the partition key, the
 * explicit hash key (with {@code usePartitionAsHashKey}) and the value's bytes.
 */
final class RecordMapper {

    /** The most code points Kinesis takes in a partition key. */
    static final int MAX_PARTITION_KEY = 256;

    /** A record as the producer takes it. */
    record Mapped(String stream, String partitionKey, String explicitHashKey, byte[] data) {
    }

    private final AiokplSinkConfig config;

    RecordMapper(AiokplSinkConfig config) {
        this.config = config;
    }

    /**
     * Maps a record whose value is not null.
     *
     * @throws DataException when the value is of a type that has no bytes of its own (a Struct,
     *                       a Map): configure the ByteArrayConverter, the StringConverter, or a
     *                       transform that yields bytes or a string
     */
    Mapped map(SinkRecord record) {
        String stream = config.streamFor(record.topic());
        String ehk = config.usePartitionAsHashKey() ? partitionHashKey(record.kafkaPartition()) : null;
        return new Mapped(stream, partitionKey(record), ehk, data(record.value()));
    }

    /**
     * The partition key: the record key as a string (a byte-array key in Base64), or, for a record
     * without a key, its partition and offset, which spreads keyless records over the shards.
     * A key longer than Kinesis allows is replaced by the hex SHA-256 of it, so equal keys still
     * share a shard.
     */
    static String partitionKey(SinkRecord record) {
        Object key = record.key();
        String s;
        if (key == null) {
            s = record.kafkaPartition() + "-" + record.kafkaOffset();
        } else if (key instanceof byte[] bytes) {
            s = Base64.getEncoder().encodeToString(bytes);
        } else if (key instanceof ByteBuffer buffer) {
            s = Base64.getEncoder().encodeToString(bytes(buffer));
        } else {
            s = key.toString();
        }
        if (s.isEmpty()) {
            return "-";
        }
        if (s.codePointCount(0, s.length()) > MAX_PARTITION_KEY) {
            return HexFormat.of().formatHex(sha256(s));
        }
        return s;
    }

    /**
     * The explicit hash key of a Kafka partition: the partition number's bits reversed into the top
     * of the 128-bit range (0, 1/2, 1/4, 3/4, 1/8, ...), so the first n partitions spread evenly over
     * the hash range whatever n and the shard count are.
     */
    static String partitionHashKey(int partition) {
        long reversed = Integer.toUnsignedLong(Integer.reverse(partition));
        return BigInteger.valueOf(reversed).shiftLeft(96).toString();
    }

    static byte[] data(Object value) {
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        if (value instanceof ByteBuffer buffer) {
            return bytes(buffer);
        }
        if (value instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString().getBytes(StandardCharsets.UTF_8);
        }
        throw new DataException("the record value is a " + value.getClass().getName()
                + ", which has no bytes of its own: use value.converter=org.apache.kafka.connect.converters."
                + "ByteArrayConverter (or StringConverter), or a transform that yields bytes or a string");
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
