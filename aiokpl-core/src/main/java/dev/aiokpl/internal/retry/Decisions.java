package dev.aiokpl.internal.retry;

import dev.aiokpl.Attempt;
import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.record.PendingRecord;
import dev.aiokpl.internal.shardmap.ShardMap.ShardRange;

/**
 * Where the retrier's decisions go: the pipeline of the response's stream applies them. Called once
 * per user record (succeed, fail, retry) or per Kinesis record (the others), allocation-free for a
 * success.
 */
public interface Decisions {
    /**
     * The record was put.
     *
     * @param request    the request's successful attempt with zero delay, shared by the records of one
     *                   Kinesis record
     * @param delayNanos how long this record waited before the request (its attempt's delay)
     */
    void succeed(PendingRecord r, Attempt request, long delayNanos);

    /** The record fails now with {@code attempt}. */
    void fail(PendingRecord r, Attempt attempt);

    /** The record failed with {@code attempt} and goes back to the aggregator, not before {@code notBeforeNanos}. */
    void retryNotBefore(PendingRecord r, Attempt attempt, long notBeforeNanos);

    /**
     * A Kinesis record landed on a shard the map does not know: hold it until the map can know the shard,
     * then call {@link Retrier#onShardResolved}.
     */
    void deferUntilMapKnows(KinesisRecord kr, String shardId, String sequenceNumber, long startNanos,
            long endNanos);

    /** Evidence (from a request started at {@code evidenceNanos}) that the shard map is out of date. */
    void mapStale(long evidenceNanos);

    /** A record predicted on this shard (null: no prediction) was throttled. */
    void throttled(String shardId, long nowNanos);

    /** The shard (open or recently closed) of this stream, or null if the map does not know it. */
    ShardRange shard(String shardId);
}
