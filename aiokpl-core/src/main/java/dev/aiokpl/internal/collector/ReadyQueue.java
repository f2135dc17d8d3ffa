package dev.aiokpl.internal.collector;

import dev.aiokpl.internal.record.KinesisRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The Kinesis records of one stream that the {@link Collector} released (a full request's worth, or
 * due), waiting for a connection. The sender pulls its next request from here with {@link #take}, at
 * the send window's current limits, so what waits while connections are busy goes out in as few
 * requests as those limits allow, and a retry after a timeout goes out in smaller ones.
 *
 * <p>A request holds at most {@link Collector#SHARD_BYTES_PER_REQUEST} bytes of one shard (beyond
 * its first record of that shard). A record that does not fit is left for a later request, and so
 * is every later record of its shard: a shard's records go out in the order they came, and records
 * with no predicted shard count as one shard.
 *
 * <p>Not thread-safe: owned by the pipeline thread.
 */
public final class ReadyQueue {

    /** How many records one {@link #take} looks at, at most (keeps it cheap with long queues). */
    static final int MAX_SCAN = 2048;
    /** Stands for "no predicted shard" in the per-request shard bookkeeping. */
    private static final String NO_SHARD = "";

    private final String stream;
    private final ArrayDeque<KinesisRecord> queue = new ArrayDeque<>();
    private final Map<String, long[]> shardBytes = new HashMap<>();
    private final Set<String> closedShards = new HashSet<>();
    private final List<KinesisRecord> skipped = new ArrayList<>();
    /** At or before the oldest arrival of any queued record (exact after a sweep); MAX_VALUE when empty. */
    private long oldestArrivalNanos = Long.MAX_VALUE;

    public ReadyQueue(String stream) {
        this.stream = stream;
    }

    /** Adds a request's worth of records released by the collector, in order. */
    public void add(PutBatch batch) {
        List<KinesisRecord> records = batch.records();
        for (int i = 0; i < records.size(); i++) {
            KinesisRecord kr = records.get(i);
            queue.add(kr);
            oldestArrivalNanos = Math.min(oldestArrivalNanos, kr.oldestArrivalNanos());
        }
    }

    /**
     * The next request: records from the head, in order, at most {@code maxEntries} of them and
     * {@code maxBytes} bytes (at least one record, whatever its size), at most
     * {@link Collector#SHARD_BYTES_PER_REQUEST} bytes per shard; null if nothing waits.
     */
    public PutBatch take(int maxEntries, long maxBytes) {
        if (queue.isEmpty()) {
            return null;
        }
        List<KinesisRecord> out = new ArrayList<>(Math.min(maxEntries, queue.size()));
        long bytes = 0;
        int scanned = 0;
        while (!queue.isEmpty() && out.size() < maxEntries && scanned < MAX_SCAN && bytes < maxBytes) {
            KinesisRecord kr = queue.poll();
            scanned++;
            String shard = kr.predictedShard() == null ? NO_SHARD : kr.predictedShard();
            int size = kr.size();
            if (closedShards.contains(shard)) {
                skipped.add(kr);
                continue;
            }
            long[] inShard = shardBytes.computeIfAbsent(shard, s -> new long[1]);
            boolean shardFull = kr.predictedShard() != null && inShard[0] > 0
                    && inShard[0] + size > Collector.SHARD_BYTES_PER_REQUEST;
            if (shardFull || (!out.isEmpty() && bytes + size > maxBytes)) {
                closedShards.add(shard);
                skipped.add(kr);
                continue;
            }
            out.add(kr);
            inShard[0] += size;
            bytes += size;
        }
        for (int i = skipped.size() - 1; i >= 0; i--) {
            queue.addFirst(skipped.get(i));
        }
        skipped.clear();
        shardBytes.clear();
        closedShards.clear();
        if (queue.isEmpty()) {
            oldestArrivalNanos = Long.MAX_VALUE;
        }
        return new PutBatch(stream, out, bytes);
    }

    /**
     * Removes every record holding a user record that arrived before {@code oldestAllowedArrival}
     * and hands it to {@code expired}; looks at the queue only when something in it may be that old.
     */
    public void expire(long oldestAllowedArrival, Consumer<KinesisRecord> expired) {
        if (oldestArrivalNanos >= oldestAllowedArrival) {
            return;
        }
        List<KinesisRecord> gone = null;
        long oldest = Long.MAX_VALUE;
        int n = queue.size();
        for (int i = 0; i < n; i++) {
            KinesisRecord kr = queue.poll();
            long arrival = kr.oldestArrivalNanos();
            if (arrival < oldestAllowedArrival) {
                if (gone == null) {
                    gone = new ArrayList<>();
                }
                gone.add(kr);
            } else {
                oldest = Math.min(oldest, arrival);
                queue.add(kr);
            }
        }
        oldestArrivalNanos = oldest;
        if (gone != null) {
            gone.forEach(expired);
        }
    }

    /** Whether nothing waits. */
    public boolean isEmpty() {
        return queue.isEmpty();
    }

    /** How many Kinesis records wait. */
    public int size() {
        return queue.size();
    }

    /** Removes and returns what waits (for abort). */
    public List<KinesisRecord> drainAll() {
        List<KinesisRecord> all = new ArrayList<>(queue);
        queue.clear();
        oldestArrivalNanos = Long.MAX_VALUE;
        return all;
    }
}
