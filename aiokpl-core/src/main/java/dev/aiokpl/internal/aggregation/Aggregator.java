package dev.aiokpl.internal.aggregation;

import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.record.PendingRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Packs user records into Kinesis records, one open aggregate per predicted shard.
 *
 * <p>An aggregate closes when adding a record would exceed {@code maxSize} encoded bytes, when it
 * holds {@code maxCount} records, or at the earliest deadline of its records. A record too large
 * to share an aggregate travels alone. An aggregate of one record is sent raw with its own
 * partition key (and explicit hash key if given); an aggregate of more is sent with partition key
 * {@code "a"} and explicit hash key = its first record's hash key, so the service routes it to the
 * first record's shard. Records without a predicted shard are never aggregated.
 *
 * <p>Not thread-safe: owned by the pipeline thread.
 */
public final class Aggregator {

    /** Partition key of every aggregate of more than one record, as the KPL's. */
    public static final String AGGREGATE_PARTITION_KEY = "a";

    private final boolean enabled;
    private final long maxCount;
    private final int maxSize;
    private final Consumer<KinesisRecord> out;
    private final Map<String, Open> open = new HashMap<>();

    public Aggregator(boolean enabled, long maxCount, int maxSize, Consumer<KinesisRecord> out) {
        this.enabled = enabled;
        this.maxCount = maxCount;
        this.maxSize = maxSize;
        this.out = out;
    }

    /** Adds a record for its predicted shard (null: no prediction), emitting whatever closes. */
    public void add(PendingRecord r, String predictedShard) {
        if (!enabled || predictedShard == null || maxCount == 1) {
            out.accept(single(r, predictedShard));
            return;
        }
        Open o = open.get(predictedShard);
        if (o == null) {
            o = new Open(predictedShard);
            open.put(predictedShard, o);
        }
        int size = o.builder.sizeWith(r.partitionKey, r.explicitHashKey, r.data.length);
        if (o.records.size() > 0 && size > maxSize) {
            close(o);
            size = o.builder.sizeWith(r.partitionKey, r.explicitHashKey, r.data.length);
        }
        if (size > maxSize) {
            out.accept(single(r, predictedShard));
            return;
        }
        o.builder.add(r.partitionKey, r.explicitHashKey, r.data);
        o.records.add(r);
        if (r.deadlineNanos < o.deadlineNanos) {
            o.deadlineNanos = r.deadlineNanos;
        }
        if (o.records.size() >= maxCount) {
            close(o);
        }
    }

    /** Closes every aggregate whose earliest deadline is at or before {@code now}. */
    public void flushExpired(long now) {
        for (Open o : open.values()) {
            if (!o.records.isEmpty() && o.deadlineNanos <= now) {
                close(o);
            }
        }
    }

    /** Closes every open aggregate. */
    public void flushAll() {
        for (Open o : open.values()) {
            if (!o.records.isEmpty()) {
                close(o);
            }
        }
    }

    /** The earliest deadline of any open aggregate, or {@link Long#MAX_VALUE}. */
    public long nextDeadline() {
        long min = Long.MAX_VALUE;
        for (Open o : open.values()) {
            if (!o.records.isEmpty() && o.deadlineNanos < min) {
                min = o.deadlineNanos;
            }
        }
        return min;
    }

    /** How many user records wait in open aggregates. */
    public int buffered() {
        int n = 0;
        for (Open o : open.values()) {
            n += o.records.size();
        }
        return n;
    }

    /** Removes and returns every buffered user record without emitting anything (for abort). */
    public List<PendingRecord> drainAll() {
        List<PendingRecord> all = new ArrayList<>();
        for (Open o : open.values()) {
            all.addAll(o.records);
            o.reset();
        }
        return all;
    }

    private void close(Open o) {
        List<PendingRecord> records = o.records;
        KinesisRecord kr = kinesisRecord(records, o.builder, o.shardId, o.deadlineNanos);
        o.records = new ArrayList<>(Math.max(4, records.size()));
        o.reset();
        out.accept(kr);
    }

    /**
     * The Kinesis record carrying {@code records}: the record itself, raw, if there is one; else the
     * aggregate encoded by {@code builder} (which holds exactly these records, in order), routed by its
     * first record's hash key.
     */
    public static KinesisRecord kinesisRecord(List<PendingRecord> records, AggregateBuilder builder,
            String predictedShard, long deadlineNanos) {
        if (records.size() == 1) {
            return single(records.get(0), predictedShard);
        }
        PendingRecord first = records.get(0);
        return new KinesisRecord(first.stream, AGGREGATE_PARTITION_KEY, first.hashKey().toDecimalString(),
                builder.build(), records, predictedShard, deadlineNanos);
    }

    /** The Kinesis record carrying one user record raw, with its own partition key and explicit hash key. */
    public static KinesisRecord single(PendingRecord r, String predictedShard) {
        return new KinesisRecord(r.stream, r.partitionKey, r.explicitHashKey, r.data, List.of(r), predictedShard,
                r.deadlineNanos);
    }

    /** The open aggregate of one shard. */
    private static final class Open {
        final String shardId;
        final AggregateBuilder builder = new AggregateBuilder();
        List<PendingRecord> records = new ArrayList<>();
        long deadlineNanos = Long.MAX_VALUE;

        Open(String shardId) {
            this.shardId = shardId;
        }

        void reset() {
            builder.reset();
            records.clear();
            deadlineNanos = Long.MAX_VALUE;
        }
    }
}
