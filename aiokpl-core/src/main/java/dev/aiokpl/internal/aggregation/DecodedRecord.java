package dev.aiokpl.internal.aggregation;

import java.util.Arrays;
import java.util.Objects;

/**
 * One user record inside an aggregate. {@code data} is held as given, not copied; equality and hash
 * code compare it by content.
 *
 * @param partitionKey the record's partition key, never null
 * @param explicitHashKey the record's explicit hash key (decimal), or null when it has none
 * @param data the record's payload, never null
 */
public record DecodedRecord(String partitionKey, String explicitHashKey, byte[] data) {

    /**
     * Creates a record; {@code data} is kept as given.
     *
     * @throws NullPointerException if {@code partitionKey} or {@code data} is null
     */
    public DecodedRecord {
        Objects.requireNonNull(partitionKey, "partitionKey");
        Objects.requireNonNull(data, "data");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DecodedRecord other
                && partitionKey.equals(other.partitionKey)
                && Objects.equals(explicitHashKey, other.explicitHashKey)
                && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * partitionKey.hashCode() + Objects.hashCode(explicitHashKey)) + Arrays.hashCode(data);
    }

    /** Shows the keys and the data's length, not its bytes. */
    @Override
    public String toString() {
        return "DecodedRecord[partitionKey=" + partitionKey + ", explicitHashKey=" + explicitHashKey
                + ", data=" + data.length + " bytes]";
    }
}
