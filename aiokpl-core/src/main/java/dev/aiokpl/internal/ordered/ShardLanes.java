package dev.aiokpl.internal.ordered;

import dev.aiokpl.internal.aggregation.AggregateBuilder;
import dev.aiokpl.internal.collector.PutBatch;
import dev.aiokpl.internal.limiter.Limiter;
import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.record.PendingRecord;
import dev.aiokpl.internal.shardmap.ShardMap;
import dev.aiokpl.internal.shardmap.ShardMap.ShardRange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The send state of one stream under ordered delivery (SPEC §3 "Ordering"): one lane per predicted
 * shard, holding its user records in put order ({@link PendingRecord#seq}), and the count of its
 * Kinesis records in flight. It replaces the aggregator, the limiter's queues and the collector:
 *
 * <ul>
 *   <li><b>one Kinesis record of a shard in flight:</b> a lane sends only while none of its records
 *       is in flight or waiting for the shard map to confirm its shard ({@link #released});</li>
 *   <li><b>one Kinesis record per shard per request,</b> so a partial failure cannot let a later record
 *       of the shard land first; requests still carry many shards;</li>
 *   <li><b>aggregated at send time:</b> what waited while the shard had a record in flight goes out as
 *       one aggregate of up to 1 MiB (or {@code aggregationMaxSize}, if larger), so a shard's throughput
 *       holds with one record in flight. A lane is due when its oldest deadline passed, or it holds
 *       {@code aggregationMaxSize} bytes or {@code aggregationMaxCount} records;</li>
 *   <li><b>head of line on retry:</b> a record to retry goes back into its lane by put order, ahead of
 *       every later record, and the lane waits for its backoff;</li>
 *   <li><b>reshards:</b> once the map no longer has a shard open, its waiting records move to the
 *       lanes of the shards now holding their hash keys, and those lanes wait until every record of
 *       the old shard in flight is confirmed. Records sent without a prediction (the map could not be
 *       loaded) go one at a time, and predicted lanes wait for them.</li>
 * </ul>
 *
 * <p>A record that finally fails (expired, not retryable) leaves a gap: later records of its key
 * still go, in order. Records whose shard's rate is used up wait here ({@link Limiter#canSend}).
 *
 * <p>Not thread-safe: owned by the pipeline thread.
 */
public final class ShardLanes {

    /** An aggregate grows to at least this while its shard waits: the service's limit for one record. */
    static final int SEND_AGGREGATE_BYTES = 1024 * 1024;

    private final String stream;
    private final ShardMap map;
    private final Limiter limiter;
    private final boolean aggregation;
    private final long dueCount;
    private final int dueBytes;
    private final int aggregateBytes;
    private final Map<String, Lane> lanes = new HashMap<>();
    /** The lane of records with no predicted shard. */
    private final Lane unpredicted;
    private final List<Lane> order = new ArrayList<>();
    private final AggregateBuilder builder = new AggregateBuilder();
    /** Lanes of closed shards with records in flight, and the lane without prediction if it holds any. */
    private final List<Lane> old = new ArrayList<>();
    /** Whether a lane of an open shard has a record in flight (the lane without prediction waits for it). */
    private boolean predictedInFlight;
    private int turn;
    private long mapVersion = -1;

    /**
     * @param aggregation    {@code aggregationEnabled}
     * @param dueCount       {@code aggregationMaxCount}: a lane holding this many records is due
     * @param dueBytes       {@code aggregationMaxSize}: a lane holding this many bytes is due
     */
    public ShardLanes(String stream, ShardMap map, Limiter limiter, boolean aggregation, long dueCount, int dueBytes) {
        this.stream = stream;
        this.map = map;
        this.limiter = limiter;
        this.aggregation = aggregation;
        this.dueCount = Math.max(1, dueCount);
        this.dueBytes = dueBytes;
        this.aggregateBytes = Math.max(dueBytes, SEND_AGGREGATE_BYTES);
        this.unpredicted = new Lane(null, this.dueCount, dueBytes);
        order.add(unpredicted);
    }

    /** Queues a new or retried record in the lane of {@code shard} (null: no prediction), by put order. */
    public void add(PendingRecord r, String shard) {
        lane(shard).add(r);
    }

    /** Queues a record to retry in the lane the current map predicts for it, by put order. */
    public void requeue(PendingRecord r) {
        add(r, map.predict(r.hashHi, r.hashLo));
    }

    /**
     * One of this stream's Kinesis records sent by {@link #take} is decided (succeeded, failed, or its
     * records queued again), or one {@linkplain #hold held} for the map is resolved: its lane may send again.
     */
    public void released(KinesisRecord kr) {
        Lane lane = kr.predictedShard() == null ? unpredicted : lanes.get(kr.predictedShard());
        if (lane != null && lane.inFlight > 0) {
            lane.inFlight--;
        }
    }

    /** Keeps a Kinesis record's lane waiting until the map confirms where it landed ({@link #released} ends it). */
    public void hold(KinesisRecord kr) {
        (kr.predictedShard() == null ? unpredicted : lane(kr.predictedShard())).inFlight++;
    }

    /**
     * The next request: one Kinesis record from each lane that may send and is due, at most
     * {@code maxEntries} of them and {@code maxBytes} bytes (one record goes whatever its size); null
     * if no lane can send.
     *
     * @param flush whether lanes are due whatever they hold
     */
    public PutBatch take(int maxEntries, long maxBytes, long now, boolean flush) {
        refresh();
        List<KinesisRecord> out = null;
        long bytes = 0;
        int n = order.size();
        int start = turn % n;
        for (int i = 0; i < n && (out == null || (out.size() < maxEntries && bytes < maxBytes)); i++) {
            Lane lane = order.get((start + i) % n);
            if (!canSend(lane, now, flush)) {
                continue;
            }
            long room = Math.min(aggregateBytes, maxBytes - bytes);
            if (out != null && lane.queue.peek().size > room) {
                continue; // sent raw, the head alone would overfill the request
            }
            KinesisRecord kr = lane.next(room, now, aggregation && lane.shard != null ? builder : null);
            if (out == null) {
                out = new ArrayList<>();
            }
            out.add(kr);
            bytes += kr.size();
            if (lane.shard != null) {
                limiter.charge(lane.shard, kr.size(), now);
            }
            turn = (start + i + 1) % n;
        }
        return out == null ? null : new PutBatch(stream, out, bytes);
    }

    /** Removes every queued record that arrived before {@code oldestAllowedArrival} and hands it to {@code expired}. */
    public void expire(long oldestAllowedArrival, Consumer<PendingRecord> expired) {
        for (int i = 0; i < order.size(); i++) {
            Lane lane = order.get(i);
            PendingRecord head;
            while ((head = lane.queue.peek()) != null && head.arrivalNanos < oldestAllowedArrival) {
                lane.poll();
                expired.accept(head);
            }
        }
    }

    /** When a lane that may send is next due (or its backoff or rate allows it), or {@link Long#MAX_VALUE}. */
    public long nextWakeNanos(long now) {
        refresh();
        long wake = Long.MAX_VALUE;
        for (int i = 0; i < order.size(); i++) {
            Lane lane = order.get(i);
            PendingRecord head = lane.queue.peek();
            if (head == null || waits(lane)) {
                continue; // a response or a map load wakes the pipeline
            }
            long due = Math.max(head.notBeforeNanos, lane.full() ? now : lane.minDeadline);
            if (lane.shard != null && due <= now) {
                due = Math.max(due, limiter.nextSendNanos(lane.shard, head.size, now));
            }
            wake = Math.min(wake, due);
        }
        return wake;
    }

    /** User records queued in the lanes. */
    public int queued() {
        int n = 0;
        for (Lane lane : order) {
            n += lane.queue.size();
        }
        return n;
    }

    /** Removes and returns every queued record (for abort). */
    public List<PendingRecord> drainAll() {
        List<PendingRecord> all = new ArrayList<>();
        for (Lane lane : order) {
            PendingRecord r;
            while ((r = lane.poll()) != null) {
                all.add(r);
            }
        }
        return all;
    }

    private boolean canSend(Lane lane, long now, boolean flush) {
        PendingRecord head = lane.queue.peek();
        if (head == null || waits(lane) || head.notBeforeNanos > now) {
            return false;
        }
        if (!(flush || lane.full() || lane.minDeadline <= now)) {
            return false;
        }
        return lane.shard == null || limiter.canSend(lane.shard, head.size, now);
    }

    /**
     * Whether a lane must wait for other records to be decided first: its own in flight; for the lane
     * without prediction, any lane's; for a predicted lane, an old lane's that may share its hash keys.
     * A closed shard's lane never sends (its records moved on).
     */
    private boolean waits(Lane lane) {
        if (lane.inFlight > 0) {
            return true;
        }
        if (lane.shard == null) {
            return predictedInFlight || old.size() > 1;
        }
        return !map.isOpen(lane.shard) || heldByOld(lane);
    }

    /** After a map change, moves records to their new lanes; then lists the old lanes (see {@link #old}). */
    private void refresh() {
        remapIfChanged();
        old.clear();
        predictedInFlight = false;
        for (int i = 0; i < order.size(); i++) {
            Lane lane = order.get(i);
            boolean pending = lane.inFlight > 0 || !lane.queue.isEmpty();
            if (lane.shard != null && map.isOpen(lane.shard)) {
                predictedInFlight |= lane.inFlight > 0;
            } else if (pending && (lane.shard == null || lane.inFlight > 0)) {
                old.add(lane);
            }
        }
    }

    /** Whether an old lane (closed shard, or no prediction) could share hash keys with {@code lane}. */
    private boolean heldByOld(Lane lane) {
        if (old.isEmpty()) {
            return false;
        }
        ShardRange range = map.shard(lane.shard);
        for (int i = 0; i < old.size(); i++) {
            Lane o = old.get(i);
            ShardRange oldRange = o.shard == null ? null : map.shard(o.shard);
            if (range == null || oldRange == null || overlaps(range, oldRange)) {
                return true;
            }
        }
        return false;
    }

    private static boolean overlaps(ShardRange a, ShardRange b) {
        return a.start().compareTo(b.end()) <= 0 && b.start().compareTo(a.end()) <= 0;
    }

    /** After a map change, moves the records of lanes whose shard is gone (or had none) to their new lanes. */
    private void remapIfChanged() {
        if (map.state() != ShardMap.State.READY || map.version() == mapVersion) {
            return;
        }
        mapVersion = map.version();
        List<PendingRecord> moved = new ArrayList<>();
        for (int i = order.size() - 1; i >= 0; i--) {
            Lane lane = order.get(i);
            if (lane.shard == null || !map.isOpen(lane.shard)) {
                PendingRecord r;
                while ((r = lane.poll()) != null) {
                    moved.add(r);
                }
                if (lane.shard != null && lane.inFlight == 0) {
                    lanes.remove(lane.shard);
                    order.remove(i);
                }
            }
        }
        for (PendingRecord r : moved) {
            requeue(r);
        }
    }

    private Lane lane(String shard) {
        if (shard == null) {
            return unpredicted;
        }
        Lane lane = lanes.get(shard);
        if (lane == null) {
            lane = new Lane(shard, dueCount, dueBytes);
            lanes.put(shard, lane);
            order.add(lane);
        }
        return lane;
    }
}
