package dev.aiokpl.internal.pipeline;

import dev.aiokpl.Attempt;
import dev.aiokpl.internal.aggregation.Aggregator;
import dev.aiokpl.internal.collector.Collector;
import dev.aiokpl.internal.collector.PutBatch;
import dev.aiokpl.internal.collector.ReadyQueue;
import dev.aiokpl.internal.limiter.Limiter;
import dev.aiokpl.internal.ordered.ShardLanes;
import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.record.PendingRecord;
import dev.aiokpl.internal.retry.Decisions;
import dev.aiokpl.internal.retry.Retrier;
import dev.aiokpl.internal.shardmap.ShardMap;
import dev.aiokpl.internal.shardmap.ShardMap.ShardRange;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * The stages of one stream, created on the stream's first record: waiting for the shard map,
 * aggregator, limiter, collector, and the retry queue that feeds the aggregator again. It applies
 * the {@link Retrier}'s decisions on its stream's responses to its own stages.
 *
 * <p>Owned by the pipeline thread; {@link #process(long, boolean)} moves records as far as they can
 * go and returns when it next has something to do.
 */
final class StreamPipeline implements Decisions {

    /**
     * Records that arrive while a stream's shard map is being (re)loaded wait for it up to this long
     * (or their own deadline, if later; and at most a third of {@code recordTtl}), unless loading
     * fails: a cold SDK client takes from a few hundred milliseconds to seconds for its first call on
     * a busy host, and records sent meanwhile could be neither aggregated nor rate-limited per shard.
     */
    static final long MAX_MAP_WAIT_NANOS = 10_000_000_000L;

    final String stream;
    private final ShardMap shardMap;
    private final Aggregator aggregator;
    private final Limiter limiter;
    private final Collector collector;
    private final ReadyQueue ready;
    /** Ordered delivery's per-shard lanes, instead of aggregator, limiter queues and collector; or null. */
    private final ShardLanes lanes;
    private final ArrayDeque<PendingRecord> waitingForMap = new ArrayDeque<>();
    private final PriorityQueue<PendingRecord> retryQueue =
            new PriorityQueue<>(Comparator.comparingLong((PendingRecord r) -> r.notBeforeNanos));
    private final DeferredSuccesses deferred = new DeferredSuccesses();

    /** User records of this stream accepted by the pipeline thread and not yet terminal (for UserRecordsPending). */
    private long pending;
    private final long bufferedNanos;
    private final long ttlNanos;
    private final long mapWaitNanos;
    private final Retrier retrier;
    private final RecordCompletion completion;
    private final RecordMetrics metrics;
    /** Set once the producer failed its remaining records as Closed: later retries fail at once. */
    private boolean stopRetrying;
    private long now;
    /** Records admitted so far: the next one's put order. */
    private long admitted;
    /** Whether this iteration flushes (lanes are due whatever they hold). */
    private boolean flushing;

    /**
     * @param bufferedNanos {@code recordMaxBufferedTime}: a retried record's deadline is half of it
     * @param ttlNanos      {@code recordTtl}
     * @param ordered       {@code orderedDelivery}
     */
    StreamPipeline(String stream, ShardMap shardMap, Retrier retrier, RecordCompletion completion,
            RecordMetrics metrics, boolean aggregationEnabled, long aggregationMaxCount, int aggregationMaxSize,
            long rateLimit, int collectionMaxCount, long collectionMaxSize, long bufferedNanos, long ttlNanos, boolean ordered) {
        this.stream = stream;
        this.shardMap = shardMap;
        this.retrier = retrier;
        this.completion = completion;
        this.metrics = metrics;
        this.bufferedNanos = bufferedNanos;
        this.ttlNanos = ttlNanos;
        this.mapWaitNanos = Math.min(MAX_MAP_WAIT_NANOS, ttlNanos / 3);
        this.limiter = new Limiter(rateLimit);
        this.ready = new ReadyQueue(stream);
        this.collector = new Collector(stream, collectionMaxCount, collectionMaxSize, ready::add);
        this.lanes = ordered ? new ShardLanes(stream, shardMap, limiter, aggregationEnabled, aggregationMaxCount,
                aggregationMaxSize) : null;
        this.aggregator = new Aggregator(aggregationEnabled, aggregationMaxCount, aggregationMaxSize,
                kr -> limiter.offer(kr, now));
    }

    /** A record accepted by the producer enters the stream's pipeline, due after {@code recordMaxBufferedTime}. */
    void admit(PendingRecord r, long nowNanos) {
        r.deadlineNanos = r.arrivalNanos + bufferedNanos;
        r.owner = this;
        r.seq = ++admitted;
        pending++;
        accept(r, nowNanos);
    }

    /** One of this stream's records ended (from {@link RecordCompletion}). */
    void ended() {
        pending--;
    }

    /** User records of this stream admitted and not yet terminal. */
    long pending() {
        return pending;
    }

    /** The stream's shard map (pipeline thread / tests). */
    ShardMap shardMap() {
        return shardMap;
    }

    /** From now on a record to retry fails as Closed (the producer aborted its remaining records). */
    void stopRetrying() {
        stopRetrying = true;
    }

    /** One request of this stream was answered: the retrier decides, this pipeline applies the decisions. */
    void onResponse(PutBatch batch, long startNanos, long endNanos, PutRecordsResponse response, Throwable error) {
        retrier.onResponse(batch, startNanos, endNanos, response, error, this);
        if (lanes != null) {
            for (KinesisRecord kr : batch.records()) {
                lanes.released(kr);
            }
        }
    }

    /**
     * The next request of this stream: at most {@code maxEntries} entries and {@code maxBytes} bytes of
     * what the collector released, or null if nothing is ready (from the sender, when a connection is free).
     */
    PutBatch take(int maxEntries, long maxBytes) {
        return lanes != null ? lanes.take(maxEntries, maxBytes, now, flushing) : ready.take(maxEntries, maxBytes);
    }

    /**
     * Records waiting for a connection: Kinesis records the collector released, or under ordered
     * delivery, user records in the lanes (tests).
     */
    int ready() {
        return ready.size() + (lanes == null ? 0 : lanes.queued());
    }

    /** A new or retried record enters the aggregator (or waits for the map). */
    private void accept(PendingRecord r, long nowNanos) {
        now = nowNanos;
        if (shardMap.state() == ShardMap.State.READY) {
            aggregate(r, shardMap.predict(r.hashHi, r.hashLo));
        } else {
            waitingForMap.add(r);
        }
    }

    /** Into the aggregator, or under ordered delivery, into the shard's lane. */
    private void aggregate(PendingRecord r, String predictedShard) {
        if (lanes != null) {
            lanes.add(r, predictedShard);
        } else {
            aggregator.add(r, predictedShard);
        }
    }

    /** Moves records through the stages; returns the next time something is due. */
    long process(long nowNanos, boolean flush) {
        now = nowNanos;
        flushing = flush;
        shardMap.tick(now, pending > 0);
        boolean mapReady = shardMap.state() == ShardMap.State.READY;
        if (!waitingForMap.isEmpty()) {
            if (mapReady) {
                PendingRecord r;
                while ((r = waitingForMap.poll()) != null) {
                    aggregate(r, shardMap.predict(r.hashHi, r.hashLo));
                }
            } else {
                // The map is still loading: records that cannot wait longer go out un-aggregated.
                while (!waitingForMap.isEmpty() && releaseTime(waitingForMap.peek()) <= now) {
                    aggregate(waitingForMap.poll(), null);
                }
            }
        }
        while (!retryQueue.isEmpty() && retryQueue.peek().notBeforeNanos <= now) {
            PendingRecord r = retryQueue.poll();
            if (r.done) {
                continue;
            }
            if (now - r.arrivalNanos >= ttlNanos) {
                completion.expire(r, now);
            } else {
                accept(r, now);
            }
        }
        if (flush) {
            aggregator.flushAll();
        } else {
            aggregator.flushExpired(now);
        }
        limiter.drain(now, now - ttlNanos, collector::add, this::expiredWhileLimited);
        if (flush) {
            collector.flushAll();
        } else {
            collector.flushIfDue(now);
        }
        ready.expire(now - ttlNanos, this::expiredWhileLimited);
        if (lanes != null) {
            lanes.expire(now - ttlNanos, r -> completion.expire(r, now));
        }
        resolveDeferred();
        return nextWake();
    }

    /** When a record waiting for the shard map stops waiting and goes out without a prediction. */
    private long releaseTime(PendingRecord r) {
        boolean loadPending = (shardMap.version() == 0 || shardMap.loading()) && shardMap.lastError() == null;
        return loadPending ? Math.max(r.deadlineNanos, r.arrivalNanos + mapWaitNanos) : r.deadlineNanos;
    }

    private void expiredWhileLimited(KinesisRecord kr) {
        for (PendingRecord r : kr.records()) {
            if (r.done) {
                continue;
            }
            if (now - r.arrivalNanos >= ttlNanos) {
                completion.expire(r, now);
            } else {
                r.deadlineNanos = now;
                accept(r, now);
            }
        }
    }

    /** Classifies the deferred records again once the map can know their shard. */
    private void resolveDeferred() {
        deferred.resolve(shardMap, now, d -> {
            retrier.onShardResolved(d.kr(), d.shardId(), shardMap.shard(d.shardId()), d.sequenceNumber(),
                    d.startNanos(), d.endNanos(), this);
            if (lanes != null) {
                lanes.released(d.kr());
            }
        });
    }

    private long nextWake() {
        long wake = Math.min(aggregator.nextDeadline(), limiter.nextWakeNanos(now));
        wake = Math.min(wake, collector.nextDeadline());
        if (lanes != null) {
            wake = Math.min(wake, lanes.nextWakeNanos(now));
        }
        if (!retryQueue.isEmpty()) {
            wake = Math.min(wake, retryQueue.peek().notBeforeNanos);
        }
        if (!waitingForMap.isEmpty()) {
            wake = Math.min(wake, releaseTime(waitingForMap.peek()));
        }
        wake = Math.min(wake, deferred.nextWakeNanos());
        return Math.min(wake, shardMap.nextWakeNanos(pending > 0));
    }

    /** Removes every record not yet sent from every stage (for abort; see {@link #drainDeferred()}). */
    List<PendingRecord> drainAll() {
        List<PendingRecord> all = new ArrayList<>(waitingForMap);
        waitingForMap.clear();
        all.addAll(retryQueue);
        retryQueue.clear();
        all.addAll(aggregator.drainAll());
        for (KinesisRecord kr : limiter.drainAll()) {
            all.addAll(kr.records());
        }
        for (KinesisRecord kr : collector.drainAll()) {
            all.addAll(kr.records());
        }
        for (KinesisRecord kr : ready.drainAll()) {
            all.addAll(kr.records());
        }
        if (lanes != null) {
            all.addAll(lanes.drainAll());
        }
        return all;
    }

    /** Removes every record written on a shard not yet confirmed (for abort). */
    List<DeferredSuccesses.Deferred> drainDeferred() {
        return deferred.drain();
    }

    // ---------------------------------------------------------------- Decisions

    @Override
    public void succeed(PendingRecord r, Attempt request, long delayNanos) {
        completion.succeeded(r, request, delayNanos);
    }

    @Override
    public void fail(PendingRecord r, Attempt attempt) {
        completion.failed(r, attempt);
    }

    @Override
    public void retryNotBefore(PendingRecord r, Attempt attempt, long notBeforeNanos) {
        r.addAttempt(attempt);
        if (Retrier.WRONG_SHARD.equals(attempt.errorCode())) {
            // The response reported a success; the retrier found the shard wrong.
            metrics.wrongShard(stream, attempt.shardId());
        }
        if (stopRetrying) {
            completion.failClosedNow(r);
            return;
        }
        r.notBeforeNanos = Math.min(notBeforeNanos, r.arrivalNanos + ttlNanos);
        r.deadlineNanos = r.notBeforeNanos + bufferedNanos / 2;
        if (lanes != null) {
            lanes.requeue(r); // head of its shard's line, by put order
        } else {
            retryQueue.add(r);
        }
    }

    @Override
    public void deferUntilMapKnows(KinesisRecord kr, String shardId, String sequenceNumber, long startNanos,
            long endNanos) {
        deferred.add(kr, shardId, sequenceNumber, startNanos, endNanos, ttlNanos);
        if (lanes != null) {
            lanes.hold(kr); // its shard sends nothing more until the map says where it landed
        }
    }

    @Override
    public void mapStale(long evidenceNanos) {
        shardMap.invalidate(evidenceNanos);
    }

    @Override
    public void throttled(String shardId, long nowNanos) {
        limiter.throttled(shardId, nowNanos);
    }

    @Override
    public ShardRange shard(String shardId) {
        return shardMap.shard(shardId);
    }
}
