package dev.aiokpl.internal.pipeline;

import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.record.PendingRecord;
import dev.aiokpl.internal.shardmap.ShardMap;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The Kinesis records of one stream that the service reported written on a shard its map did not
 * know, waiting for a map that can say whether that shard's range holds them. A map is newer evidence
 * only if its ListShards started at or after the PutRecords request: a newer version is not enough,
 * since a load that started before the request may finish after it without the child shard the record
 * landed on, and retrying the record as Wrong Shard would put a duplicate in the stream.
 *
 * <p>Not thread-safe: owned by the pipeline thread.
 */
final class DeferredSuccesses {

    /**
     * A success on a shard the map did not know, waiting for a map whose ListShards started at or after
     * {@code startNanos} (the PutRecords request's start), or for {@code giveUpNanos}.
     */
    record Deferred(KinesisRecord kr, String shardId, String sequenceNumber, long startNanos, long endNanos,
            long giveUpNanos) {
    }

    /** How long a deferred record waits for such a map at most (less if its TTL ends first). */
    static final long GIVE_UP_NANOS = 10_000_000_000L;

    private final List<Deferred> deferred = new ArrayList<>();

    /** Defers a record reported written at {@code shardId}, by a request sent at {@code startNanos}. */
    void add(KinesisRecord kr, String shardId, String sequenceNumber, long startNanos, long endNanos, long ttlNanos) {
        long giveUp = endNanos + GIVE_UP_NANOS;
        for (PendingRecord r : kr.records()) {
            giveUp = Math.min(giveUp, r.arrivalNanos + ttlNanos); // never wait past a record's TTL
        }
        deferred.add(new Deferred(kr, shardId, sequenceNumber, startNanos, endNanos, giveUp));
    }

    /** Hands {@code resolve} every deferred record the map can now classify, or that waited long enough. */
    void resolve(ShardMap map, long now, Consumer<Deferred> resolve) {
        if (deferred.isEmpty()) {
            return;
        }
        boolean mapReady = map.state() == ShardMap.State.READY;
        for (int i = deferred.size() - 1; i >= 0; i--) {
            Deferred d = deferred.get(i);
            boolean reloaded = mapReady && map.mapTimeNanos() >= d.startNanos();
            if (reloaded || now >= d.giveUpNanos()) {
                deferred.remove(i);
                resolve.accept(d);
            }
        }
    }

    /** When the first deferred record gives up waiting, or {@link Long#MAX_VALUE}. */
    long nextWakeNanos() {
        long wake = Long.MAX_VALUE;
        for (Deferred d : deferred) {
            wake = Math.min(wake, d.giveUpNanos());
        }
        return wake;
    }

    /** Removes and returns every deferred record (for abort). */
    List<Deferred> drain() {
        List<Deferred> all = new ArrayList<>(deferred);
        deferred.clear();
        return all;
    }
}
