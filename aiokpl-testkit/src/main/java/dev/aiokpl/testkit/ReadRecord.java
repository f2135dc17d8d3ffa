package dev.aiokpl.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One user record read back from a stream by {@link StreamReader}: either a plain Kinesis record or
 * one sub-record of a KPL aggregate, as KCL's {@code AggregatorUtil} hands it to consumers.
 *
 * @param shardId           the shard it was read from
 * @param partitionKey      its partition key (the sub-record's own key for aggregated records)
 * @param explicitHashKey   the explicit hash key of an aggregated sub-record, if it had one; always
 *                          null for a plain record (GetRecords does not return it)
 * @param data              the payload (copied in and out)
 * @param sequenceNumber    the Kinesis record's sequence number (shared by all sub-records of an aggregate)
 * @param subSequenceNumber the index within the aggregate; 0 for a plain record
 * @param fromAggregate     whether it came out of a KPL aggregate
 * @param rawMagic          the data still starts with the aggregation magic {@code F3 89 9A C2}: an
 *                          aggregate that could not be parsed (bad checksum or protobuf), which KCL
 *                          passes through raw; count it as a failure
 */
public record ReadRecord(String shardId, String partitionKey, String explicitHashKey, byte[] data,
                         String sequenceNumber, long subSequenceNumber, boolean fromAggregate, boolean rawMagic) {

    /** Copies {@code data}; it must not be null. */
    public ReadRecord {
        data = Objects.requireNonNull(data, "data").clone();
    }

    /** A copy of the payload. */
    @Override
    public byte[] data() {
        return data.clone();
    }

    /** The payload decoded as UTF-8. */
    public String dataAsString() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** The payload's length in bytes. */
    public int dataLength() {
        return data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReadRecord r
                && subSequenceNumber == r.subSequenceNumber
                && fromAggregate == r.fromAggregate
                && rawMagic == r.rawMagic
                && Objects.equals(shardId, r.shardId)
                && Objects.equals(partitionKey, r.partitionKey)
                && Objects.equals(explicitHashKey, r.explicitHashKey)
                && Arrays.equals(data, r.data)
                && Objects.equals(sequenceNumber, r.sequenceNumber);
    }

    @Override
    public int hashCode() {
        return Objects.hash(shardId, partitionKey, explicitHashKey, Arrays.hashCode(data), sequenceNumber,
                subSequenceNumber, fromAggregate, rawMagic);
    }

    @Override
    public String toString() {
        return "ReadRecord[shardId=" + shardId + ", partitionKey=" + partitionKey
                + ", explicitHashKey=" + explicitHashKey + ", data=" + data.length + " bytes"
                + ", sequenceNumber=" + sequenceNumber + ", subSequenceNumber=" + subSequenceNumber
                + ", fromAggregate=" + fromAggregate + ", rawMagic=" + rawMagic + "]";
    }
}
