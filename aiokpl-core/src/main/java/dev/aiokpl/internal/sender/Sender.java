package dev.aiokpl.internal.sender;

import dev.aiokpl.internal.Ticker;
import dev.aiokpl.internal.collector.Collector;
import dev.aiokpl.internal.collector.PutBatch;
import dev.aiokpl.internal.record.KinesisRecord;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * Sends PutRecords requests through a {@link PutRecordsTransport}, at most {@code maxInFlight} at once
 * (the {@code maxConnections} knob); further batches wait in FIFO order. Each request carries the
 * {@code requestTimeout} as its API call timeout. Responses are handed to the {@link ResponseHandler}
 * through the pipeline executor, so they are handled on the pipeline thread.
 *
 * <p>When a connection frees up, the batches of the same stream that wait behind the next one are
 * merged into its request, within the limits it was collected under (count, size, and
 * {@link Collector#SHARD_BYTES_PER_REQUEST} per shard). Without this, a producer whose requests are
 * slow (high latency, or many shards each closing a small request every {@code recordMaxBufferedTime})
 * is capped at {@code maxInFlight / latency} requests per second whatever they hold, and records queue
 * here until they expire.
 *
 * <p>A Kinesis record whose oldest user record has outlived {@code recordTtl} by the time a
 * connection frees up is not sent: it goes to the {@linkplain #expireAfter expiry handler}, which
 * fails the old records as {@code Expired} and lets the young ones be aggregated again.
 *
 * <p>Not thread-safe: owned by the pipeline thread.
 */
public final class Sender {

    /** Receives every request's outcome on the pipeline thread. */
    public interface ResponseHandler {
        /**
         * @param batch     the batch sent
         * @param startNanos when the request was sent
         * @param endNanos   when its outcome arrived
         * @param response  the response, or null on error
         * @param error     the error (unwrapped from CompletionException), or null
         */
        void onResponse(PutBatch batch, long startNanos, long endNanos, PutRecordsResponse response, Throwable error);
    }

    private final PutRecordsTransport transport;
    private final int maxInFlight;
    private final Duration requestTimeout;
    private final Ticker ticker;
    private final Executor pipelineExecutor;
    private final ResponseHandler handler;
    /** How many waiting batches one merge looks at, at most (keeps pump() cheap with long queues). */
    static final int MAX_MERGE_SCAN = 1024;

    private final ArrayDeque<PutBatch> waiting = new ArrayDeque<>();
    private long ttlNanos = Long.MAX_VALUE;
    private BiConsumer<KinesisRecord, Long> onExpired = (kr, now) -> { };
    private final Set<PutBatch> inFlight = Collections.newSetFromMap(new IdentityHashMap<>());

    /** A sender whose requests go through {@code client}'s {@code putRecords}. */
    public Sender(KinesisAsyncClient client, int maxInFlight, Duration requestTimeout, Ticker ticker,
            Executor pipelineExecutor, ResponseHandler handler) {
        this(new SdkPutRecords(client), maxInFlight, requestTimeout, ticker, pipelineExecutor, handler);
    }

    public Sender(PutRecordsTransport transport, int maxInFlight, Duration requestTimeout, Ticker ticker,
            Executor pipelineExecutor, ResponseHandler handler) {
        this.transport = transport;
        this.maxInFlight = maxInFlight;
        this.requestTimeout = requestTimeout;
        this.ticker = ticker;
        this.pipelineExecutor = pipelineExecutor;
        this.handler = handler;
    }

    /**
     * Makes the sender drop, just before sending, every Kinesis record holding a user record older
     * than {@code ttlNanos}, and hand it to {@code onExpired} with the current ticker time.
     */
    public void expireAfter(long ttlNanos, BiConsumer<KinesisRecord, Long> onExpired) {
        this.ttlNanos = ttlNanos;
        this.onExpired = onExpired;
    }

    /** Queues a batch and sends what the in-flight limit allows. */
    public void submit(PutBatch batch) {
        waiting.add(batch);
        pump();
    }

    /** Sends waiting batches while below the in-flight limit, merging those that fit together. */
    public void pump() {
        while (inFlight.size() < maxInFlight && !waiting.isEmpty()) {
            PutBatch next = waiting.poll();
            PutBatch live = withoutExpired(waiting.isEmpty() ? next : mergeWaiting(next));
            if (live != null) {
                send(live);
            }
        }
    }

    /**
     * The batch without its Kinesis records that hold a user record older than the TTL (handed to
     * the expiry handler); null if none is left.
     */
    private PutBatch withoutExpired(PutBatch batch) {
        if (ttlNanos == Long.MAX_VALUE) {
            return batch;
        }
        long now = ticker.read();
        List<KinesisRecord> records = batch.records();
        List<KinesisRecord> kept = null;
        for (int i = 0; i < records.size(); i++) {
            KinesisRecord kr = records.get(i);
            if (now - kr.oldestArrivalNanos() >= ttlNanos) {
                if (kept == null) {
                    kept = new ArrayList<>(records.subList(0, i));
                }
                onExpired.accept(kr, now);
            } else if (kept != null) {
                kept.add(kr);
            }
        }
        if (kept == null) {
            return batch;
        }
        if (kept.isEmpty()) {
            return null;
        }
        long size = 0;
        for (KinesisRecord kr : kept) {
            size += kr.size();
        }
        return new PutBatch(batch.stream(), kept, size, batch.maxCount(), batch.maxSize());
    }

    /**
     * Takes into {@code head}'s request the batches of its stream that wait behind it, in order, while
     * they fit; stops at the first one that does not, so a stream's entries keep their order.
     */
    private PutBatch mergeWaiting(PutBatch head) {
        if (head.records().size() >= head.maxCount() || head.size() >= head.maxSize()) {
            return head;
        }
        List<KinesisRecord> records = null;
        Map<String, long[]> bytesByShard = null;
        long size = head.size();
        int scanned = 0;
        Iterator<PutBatch> it = waiting.iterator();
        while (it.hasNext() && scanned++ < MAX_MERGE_SCAN) {
            PutBatch b = it.next();
            if (!b.stream().equals(head.stream())) {
                continue;
            }
            int count = (records == null ? head.records().size() : records.size()) + b.records().size();
            if (count > head.maxCount() || size + b.size() > head.maxSize()) {
                break;
            }
            if (bytesByShard == null) {
                bytesByShard = bytesByShard(head.records());
            }
            if (!shardsFit(bytesByShard, b.records())) {
                break;
            }
            if (records == null) {
                records = new ArrayList<>(head.records());
            }
            for (KinesisRecord kr : b.records()) {
                records.add(kr);
                if (kr.predictedShard() != null) {
                    bytesByShard.computeIfAbsent(kr.predictedShard(), k -> new long[1])[0] += kr.size();
                }
            }
            size += b.size();
            it.remove();
        }
        return records == null ? head
                : new PutBatch(head.stream(), records, size, head.maxCount(), head.maxSize());
    }

    private static Map<String, long[]> bytesByShard(List<KinesisRecord> records) {
        Map<String, long[]> bytes = new HashMap<>();
        for (KinesisRecord kr : records) {
            if (kr.predictedShard() != null) {
                bytes.computeIfAbsent(kr.predictedShard(), k -> new long[1])[0] += kr.size();
            }
        }
        return bytes;
    }

    /** Whether adding {@code more} keeps every shard already in the request within its per-request bytes. */
    private static boolean shardsFit(Map<String, long[]> bytesByShard, List<KinesisRecord> more) {
        Map<String, long[]> added = bytesByShard(more);
        for (Map.Entry<String, long[]> e : added.entrySet()) {
            long[] present = bytesByShard.get(e.getKey());
            if (present != null && present[0] + e.getValue()[0] > Collector.SHARD_BYTES_PER_REQUEST) {
                return false;
            }
        }
        return true;
    }

    /** Requests in flight. */
    public int inFlight() {
        return inFlight.size();
    }

    /** Whether no request is in flight and no batch waits for a slot. */
    public boolean idle() {
        return inFlight.isEmpty() && waiting.isEmpty();
    }

    /** Batches waiting for a free slot. */
    public int waiting() {
        return waiting.size();
    }

    /** Removes and returns every batch waiting for a connection (for abort): none of them was sent. */
    public List<PutBatch> drainWaiting() {
        List<PutBatch> all = new ArrayList<>(waiting);
        waiting.clear();
        return all;
    }

    /** Returns every batch in flight (for abort): each may have been written; late responses are still delivered. */
    public List<PutBatch> drainInFlight() {
        return new ArrayList<>(inFlight);
    }

    private void send(PutBatch batch) {
        inFlight.add(batch);
        long start = ticker.read();
        CompletableFuture<PutRecordsResponse> future;
        try {
            future = transport.putRecords(batch, requestTimeout);
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        future.whenComplete((response, error) -> {
            long end = ticker.read();
            Throwable cause = ErrorClassifier.unwrap(error);
            pipelineExecutor.execute(() -> {
                inFlight.remove(batch);
                handler.onResponse(batch, start, end, response, cause);
                pump();
            });
        });
    }
}
