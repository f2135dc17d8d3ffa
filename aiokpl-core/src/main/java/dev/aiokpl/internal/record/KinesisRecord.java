package dev.aiokpl.internal.record;

import dev.aiokpl.internal.Utf8;
import java.util.List;

/**
 * One entry of a PutRecords request: a single user record sent raw, or an aggregate of several.
 *
 * @param stream          the stream
 * @param partitionKey    the entry's partition key ({@code "a"} for an aggregate)
 * @param explicitHashKey the entry's explicit hash key, or null
 * @param data            the entry's data (the encoded aggregate, or the user's bytes)
 * @param records         the user records it carries, in order
 * @param predictedShard  the shard we expect it to land on, or null when the map was not ready
 * @param deadlineNanos   the earliest deadline of its user records
 */
public record KinesisRecord(
        String stream,
        String partitionKey,
        String explicitHashKey,
        byte[] data,
        List<PendingRecord> records,
        String predictedShard,
        long deadlineNanos) {

    /** Bytes the service counts for this entry: partition key (UTF-8) + data. */
    public int size() {
        return Utf8.length(partitionKey) + data.length;
    }

    /** Whether this entry is an aggregate of more than one user record. */
    /** When the oldest of its user records was accepted (ticker time). */
    public long oldestArrivalNanos() {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < records.size(); i++) {
            min = Math.min(min, records.get(i).arrivalNanos);
        }
        return min;
    }

    public boolean aggregated() {
        return records.size() > 1;
    }
}
