package dev.aiokpl.internal.testing;

import dev.aiokpl.RecordResult;
import dev.aiokpl.internal.Utf8;
import dev.aiokpl.internal.hash.HashKey;
import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.record.PendingRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Builds pipeline records for stage tests. */
public final class TestRecords {

    public static final String STREAM = "test-stream";

    private TestRecords() {
    }

    /** A user record hashed by its partition key. */
    public static PendingRecord pending(String partitionKey, byte[] data, long arrivalNanos) {
        return pending(partitionKey, null, data, arrivalNanos);
    }

    /** A user record, with an explicit hash key if not null. */
    public static PendingRecord pending(String partitionKey, String explicitHashKey, byte[] data, long arrivalNanos) {
        HashKey key = explicitHashKey != null ? HashKey.parseDecimal(explicitHashKey) : HashKey.ofPartitionKey(partitionKey);
        PendingRecord r = new PendingRecord(STREAM, partitionKey, explicitHashKey, key.hi(), key.lo(), data,
                Utf8.length(partitionKey) + data.length, arrivalNanos, new CompletableFuture<RecordResult>(), null);
        r.deadlineNanos = arrivalNanos;
        return r;
    }

    /** A user record with a deadline. */
    public static PendingRecord pendingWithDeadline(String partitionKey, long arrivalNanos, long deadlineNanos) {
        PendingRecord r = pending(partitionKey, bytes(partitionKey), arrivalNanos);
        r.deadlineNanos = deadlineNanos;
        return r;
    }

    /** A user record whose hash key is {@code key} (given as its explicit hash key). */
    public static PendingRecord pendingAt(HashKey key, long arrivalNanos) {
        return pending("pk-" + key, key.toDecimalString(), bytes("d-" + key), arrivalNanos);
    }

    /** A raw Kinesis record of exactly {@code size} service bytes (partition key "k" + data) for a shard. */
    public static KinesisRecord kinesisRecord(String shard, int size, long deadlineNanos, long arrivalNanos) {
        PendingRecord r = pending("k", new byte[size - 1], arrivalNanos);
        r.deadlineNanos = deadlineNanos;
        return new KinesisRecord(STREAM, "k", null, r.data, List.of(r), shard, deadlineNanos);
    }

    /** A Kinesis record carrying {@code userRecords} user records, with {@code size} service bytes. */
    public static KinesisRecord aggregate(String shard, int userRecords, int size, long deadlineNanos, long arrivalNanos) {
        PendingRecord[] rs = new PendingRecord[userRecords];
        for (int i = 0; i < userRecords; i++) {
            rs[i] = pending("k" + i, new byte[1], arrivalNanos);
        }
        return new KinesisRecord(STREAM, "a", rs[0].hashKey().toDecimalString(), new byte[size - 1], List.of(rs), shard,
                deadlineNanos);
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
