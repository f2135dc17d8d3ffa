package dev.aiokpl;

import dev.aiokpl.internal.UserRecords;
import dev.aiokpl.internal.Validation;
import java.nio.ByteBuffer;

/**
 * One record as the user gives it: stream, partition key, optional explicit hash key, data.
 * Immutable; built with {@link #builder()}, which validates the stream name, the partition key and
 * the explicit hash key (SPEC section 4). The size limit ({@code maxRecordSize}) is checked by
 * {@code Producer.putRecord}, which knows the configuration.
 *
 * <pre>{@code
 * UserRecord record = UserRecord.builder()
 *     .stream("my-stream")
 *     .partitionKey("user-123")
 *     .data("hello".getBytes(StandardCharsets.UTF_8))
 *     .build();
 * }</pre>
 *
 * <p>The data array is not copied: do not modify it after {@code build()}. A {@link ByteBuffer} is
 * copied (its remaining bytes), and its position is left unchanged.
 */
public final class UserRecord {

    static {
        UserRecords.install(r -> r.data);
    }

    private final String stream;
    private final String partitionKey;
    private final String explicitHashKey;
    private final byte[] data;

    private UserRecord(Builder b) {
        this.stream = b.stream;
        this.partitionKey = b.partitionKey;
        this.explicitHashKey = b.explicitHashKey;
        this.data = b.data;
    }

    /** Returns a new, empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding this record's values. */
    public Builder toBuilder() {
        return new Builder().stream(stream).partitionKey(partitionKey).explicitHashKey(explicitHashKey).data(data);
    }

    /** The stream name. */
    public String stream() {
        return stream;
    }

    /** The partition key. */
    public String partitionKey() {
        return partitionKey;
    }

    /** The explicit hash key as a decimal string, or null when the partition key's MD5 decides the shard. */
    public String explicitHashKey() {
        return explicitHashKey;
    }

    /** The data, as a read-only view. */
    public ByteBuffer data() {
        return ByteBuffer.wrap(data).asReadOnlyBuffer();
    }

    @Override
    public String toString() {
        return "UserRecord{stream=" + stream + ", partitionKey=" + partitionKey
                + (explicitHashKey == null ? "" : ", explicitHashKey=" + explicitHashKey)
                + ", data=" + data.length + " bytes}";
    }

    /** Builds a {@link UserRecord}; {@link #build()} validates. */
    public static final class Builder {
        private String stream;
        private String partitionKey;
        private String explicitHashKey;
        private byte[] data;

        private Builder() {
        }

        /** The stream name: 1..128 characters of {@code [a-zA-Z0-9_.-]}. */
        public Builder stream(String stream) {
            this.stream = stream;
            return this;
        }

        /** The partition key: 1..256 Unicode code points. */
        public Builder partitionKey(String partitionKey) {
            this.partitionKey = partitionKey;
            return this;
        }

        /** The explicit hash key, canonical decimal in 0..2^128-1, or null (the default). */
        public Builder explicitHashKey(String explicitHashKey) {
            this.explicitHashKey = explicitHashKey;
            return this;
        }

        /** The data; the array is not copied. */
        public Builder data(byte[] data) {
            this.data = data;
            return this;
        }

        /** The data: the buffer's remaining bytes are copied; its position is unchanged. */
        public Builder data(ByteBuffer data) {
            this.data = data == null ? null : UserRecords.copy(data);
            return this;
        }

        /**
         * Validates and builds the record.
         *
         * @throws IllegalArgumentException naming the bad field and its value or size
         */
        public UserRecord build() {
            Validation.streamName(stream);
            Validation.partitionKey(partitionKey);
            Validation.explicitHashKey(explicitHashKey);
            Validation.data(data);
            return new UserRecord(this);
        }
    }
}
