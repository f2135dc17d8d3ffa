package dev.aiokpl.internal.limiter;

import dev.aiokpl.internal.record.KinesisRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Per-shard rate limiting of Kinesis records before collection: two token buckets per shard, one
 * for records (1000/s) and one for bytes (1 MiB/s), both scaled by {@code rateLimit} percent. One
 * record token per Kinesis record, however many user records it carries. Each shard's queue drains
 * in deadline order; records with no predicted shard pass straight through.
 *
 * <p>Beyond the KPL: a throttled shard's rate is cut in half (at most once per half second, down to
 * 10 %) and recovers additively by 10 % of the base rate per second without throttling.
 *
 * <p>Not thread-safe: owned by the pipeline thread.
 */
public final class Limiter {

    /** The service's per-shard record limit. */
    public static final double SHARD_RECORDS_PER_SECOND = 1000;
    /** The service's per-shard byte limit. */
    public static final double SHARD_BYTES_PER_SECOND = 1024 * 1024;

    static final double MIN_FACTOR = 0.1;
    static final double RECOVERY_PER_SECOND = 0.1;
    static final long CUT_SPACING_NANOS = 500_000_000L;

    private static final Comparator<KinesisRecord> BY_DEADLINE = Comparator.comparingLong(KinesisRecord::deadlineNanos);

    private final double baseRecordsPerSecond;
    private final double baseBytesPerSecond;
    private final Map<String, ShardLimiter> shards = new HashMap<>();
    private final List<ShardLimiter> active = new ArrayList<>();
    private final List<KinesisRecord> ready = new ArrayList<>();

    /** @param rateLimitPercent the {@code rateLimit} knob (150 = 150 % of the shard limits) */
    public Limiter(long rateLimitPercent) {
        this.baseRecordsPerSecond = SHARD_RECORDS_PER_SECOND * rateLimitPercent / 100.0;
        this.baseBytesPerSecond = SHARD_BYTES_PER_SECOND * rateLimitPercent / 100.0;
    }

    /** Queues a Kinesis record (records with no predicted shard are passed on at the next drain). */
    public void offer(KinesisRecord kr, long now) {
        if (kr.predictedShard() == null) {
            ready.add(kr);
            return;
        }
        ShardLimiter s = shard(kr.predictedShard(), now);
        if (s.queue.isEmpty()) {
            active.add(s);
        }
        s.queue.add(kr);
    }

    /**
     * Passes on every record whose shard has tokens, in deadline order per shard. Records at a
     * queue's head whose oldest user record arrived before {@code oldestAllowedArrival} go to
     * {@code expired}, after the queues were drained: {@code expired} may {@link #offer} again.
     */
    public void drain(long now, long oldestAllowedArrival, Consumer<KinesisRecord> out, Consumer<KinesisRecord> expired) {
        if (!ready.isEmpty()) {
            for (KinesisRecord kr : ready) {
                out.accept(kr);
            }
            ready.clear();
        }
        List<KinesisRecord> expiredNow = null;
        for (int i = active.size() - 1; i >= 0; i--) {
            ShardLimiter s = active.get(i);
            s.recover(now);
            while (!s.queue.isEmpty()) {
                KinesisRecord head = s.queue.peek();
                if (head.oldestArrivalNanos() < oldestAllowedArrival) {
                    s.queue.poll();
                    if (expiredNow == null) {
                        expiredNow = new ArrayList<>();
                    }
                    expiredNow.add(head);
                    continue;
                }
                int size = head.size();
                if (s.records.canTake(1, now) && s.bytes.canTake(size, now)) {
                    s.records.take(1);
                    s.bytes.take(size);
                    s.queue.poll();
                    out.accept(head);
                } else {
                    break;
                }
            }
            if (s.queue.isEmpty()) {
                active.remove(i);
            }
        }
        // Handed over only now: the pipeline re-aggregates the younger user records of an expired
        // aggregate, and an offer made while a queue is being drained would list its shard twice.
        if (expiredNow != null) {
            for (KinesisRecord kr : expiredNow) {
                expired.accept(kr);
            }
        }
    }

    /** When a queued record can next go (or must expire), or {@link Long#MAX_VALUE}. */
    public long nextWakeNanos(long now) {
        if (!ready.isEmpty()) {
            return now;
        }
        long min = Long.MAX_VALUE;
        for (ShardLimiter s : active) {
            KinesisRecord head = s.queue.peek();
            long wait = Math.max(s.records.nanosUntil(1, now), s.bytes.nanosUntil(head.size(), now));
            min = Math.min(min, now + wait);
        }
        return min;
    }

    /**
     * Whether one Kinesis record of {@code size} bytes may go to the shard now (ordered delivery
     * checks at send time instead of queueing here); {@link #charge} takes the tokens once it went.
     */
    public boolean canSend(String shardId, int size, long now) {
        ShardLimiter s = shard(shardId, now);
        s.recover(now);
        return s.records.canTake(1, now) && s.bytes.canTake(size, now);
    }

    /** When {@link #canSend} for {@code size} bytes next holds for the shard. */
    public long nextSendNanos(String shardId, int size, long now) {
        ShardLimiter s = shard(shardId, now);
        return now + Math.max(s.records.nanosUntil(1, now), s.bytes.nanosUntil(size, now));
    }

    /** Takes the tokens of one Kinesis record of {@code size} bytes sent to the shard. */
    public void charge(String shardId, int size, long now) {
        ShardLimiter s = shard(shardId, now);
        s.records.take(1);
        s.bytes.take(size);
    }

    /** Reports that a shard throttled a record: cut its rate (multiplicative decrease). */
    public void throttled(String shardId, long now) {
        if (shardId == null) {
            return;
        }
        ShardLimiter s = shard(shardId, now);
        s.recover(now);
        if (now - s.lastCutNanos >= CUT_SPACING_NANOS || s.lastCutNanos == Long.MIN_VALUE) {
            s.factor = Math.max(MIN_FACTOR, s.factor / 2);
            s.lastCutNanos = now;
            s.apply(now);
        }
    }

    /** The current rate factor of a shard (1.0 = the configured rate), for tests and metrics. */
    public double factor(String shardId) {
        ShardLimiter s = shards.get(shardId);
        return s == null ? 1.0 : s.factor;
    }

    /** How many Kinesis records wait. */
    public int queued() {
        int n = ready.size();
        for (ShardLimiter s : active) {
            n += s.queue.size();
        }
        return n;
    }

    /** Removes and returns everything queued (for abort). */
    public List<KinesisRecord> drainAll() {
        List<KinesisRecord> all = new ArrayList<>(ready);
        ready.clear();
        for (ShardLimiter s : active) {
            all.addAll(s.queue);
            s.queue.clear();
        }
        active.clear();
        return all;
    }

    private ShardLimiter shard(String shardId, long now) {
        ShardLimiter s = shards.get(shardId);
        if (s == null) {
            s = new ShardLimiter(now);
            shards.put(shardId, s);
        }
        return s;
    }

    /** One shard's buckets, queue and adaptive factor. */
    private final class ShardLimiter {
        final TokenBucket records;
        final TokenBucket bytes;
        final PriorityQueue<KinesisRecord> queue = new PriorityQueue<>(BY_DEADLINE);
        double factor = 1.0;
        long lastCutNanos = Long.MIN_VALUE;
        long lastRecoverNanos;

        ShardLimiter(long now) {
            records = new TokenBucket(baseRecordsPerSecond, now);
            bytes = new TokenBucket(baseBytesPerSecond, now);
            lastRecoverNanos = now;
        }

        void recover(long now) {
            if (factor < 1.0) {
                double seconds = (now - Math.max(lastRecoverNanos, lastCutNanos)) / 1e9;
                if (seconds > 0) {
                    factor = Math.min(1.0, factor + seconds * RECOVERY_PER_SECOND);
                    apply(now);
                }
            }
            lastRecoverNanos = now;
        }

        void apply(long now) {
            records.setRate(baseRecordsPerSecond * factor, now);
            bytes.setRate(baseBytesPerSecond * factor, now);
        }
    }
}
