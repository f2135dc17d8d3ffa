package dev.aiokpl.internal.ordered;

import dev.aiokpl.internal.aggregation.AggregateBuilder;
import dev.aiokpl.internal.aggregation.Aggregator;
import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.record.PendingRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * One shard's lane under ordered delivery: its user records in put order ({@link PendingRecord#seq}),
 * what they hold, their earliest deadline, and how many of its Kinesis records are not yet decided.
 *
 * <p>Not thread-safe: owned by the pipeline thread, through {@link ShardLanes}.
 */
final class Lane {

    private static final Comparator<PendingRecord> PUT_ORDER = Comparator.comparingLong(r -> r.seq);

    /** The shard, or null for records without a predicted shard. */
    final String shard;
    final PriorityQueue<PendingRecord> queue = new PriorityQueue<>(PUT_ORDER);
    long minDeadline = Long.MAX_VALUE;
    int inFlight;
    private final long dueCount;
    private final int dueBytes;
    private long queuedBytes;

    /**
     * @param dueCount the lane is full with this many records ({@code aggregationMaxCount}), and an
     *                 aggregate holds at most this many
     * @param dueBytes the lane is full with this many bytes ({@code aggregationMaxSize})
     */
    Lane(String shard, long dueCount, int dueBytes) {
        this.shard = shard;
        this.dueCount = dueCount;
        this.dueBytes = dueBytes;
    }

    void add(PendingRecord r) {
        queue.add(r);
        queuedBytes += r.size;
        minDeadline = Math.min(minDeadline, r.deadlineNanos);
    }

    PendingRecord poll() {
        PendingRecord r = queue.poll();
        if (r != null) {
            queuedBytes -= r.size;
            if (queue.isEmpty()) {
                minDeadline = Long.MAX_VALUE;
            }
        }
        return r;
    }

    /** Whether the lane holds an aggregate's worth: due whatever the deadlines. */
    boolean full() {
        return queuedBytes >= dueBytes || queue.size() >= dueCount;
    }

    /**
     * Takes the next Kinesis record, counted in flight: the head, and with a {@code builder}, the records
     * after it while the aggregate stays within {@code room} bytes and their backoff allows.
     *
     * @param builder an empty aggregate builder, or null to send the head alone, raw
     */
    KinesisRecord next(long room, long now, AggregateBuilder builder) {
        PendingRecord head = poll();
        inFlight++;
        if (builder == null) {
            recomputeDeadline();
            return Aggregator.single(head, shard);
        }
        List<PendingRecord> taken = new ArrayList<>();
        builder.add(head.partitionKey, head.explicitHashKey, head.data);
        taken.add(head);
        long deadline = head.deadlineNanos;
        PendingRecord r;
        while ((r = queue.peek()) != null && r.notBeforeNanos <= now && taken.size() < dueCount
                && builder.sizeWith(r.partitionKey, r.explicitHashKey, r.data.length)
                        + Aggregator.AGGREGATE_PARTITION_KEY.length() <= room) {
            poll();
            builder.add(r.partitionKey, r.explicitHashKey, r.data);
            taken.add(r);
            deadline = Math.min(deadline, r.deadlineNanos);
        }
        recomputeDeadline();
        KinesisRecord kr = Aggregator.kinesisRecord(taken, builder, shard, deadline);
        builder.reset();
        return kr;
    }

    private void recomputeDeadline() {
        long min = Long.MAX_VALUE;
        for (PendingRecord r : queue) {
            min = Math.min(min, r.deadlineNanos);
        }
        minDeadline = min;
    }
}
