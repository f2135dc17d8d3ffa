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
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * Sends PutRecords requests through a {@link PutRecordsTransport}, as many at once as the
 * {@link SendWindow} allows (at most {@code maxConnections}); further batches wait in FIFO order. Each
 * request carries the {@code requestTimeout} as its API call timeout. Responses are handed to the
 * {@link ResponseHandler} through the pipeline executor, so they are handled on the pipeline thread;
 * before that, each outcome adjusts the window (a timeout shrinks it, a timely answer grows it).
 *
 * <p>A request is built when a connection frees up, within the window's current request limits: a
 * waiting batch larger than they allow is split (its first entries go, the rest wait at the head), so
 * a retry after a timeout goes out in smaller requests.
 *
 * <p>When a connection frees up, the batches of the same stream that wait behind the next one are
 * merged into its request, within the limits it was collected under and the window's (count, size, and
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
    private final SendWindow window;
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
    /** A sender whose requests go through {@code client}'s {@code putRecords}, with fixed limits. */
    public Sender(KinesisAsyncClient client, int maxInFlight, Duration requestTimeout, Ticker ticker,
            Executor pipelineExecutor, ResponseHandler handler) {
        this(new SdkPutRecords(client), fixedWindow(maxInFlight, requestTimeout), requestTimeout, ticker,
                pipelineExecutor, handler);
    }

    /**
     * @param transport        how requests go out
     * @param window           the request and in-flight limits, adjusted by every outcome
     * @param requestTimeout   each request's time limit
     * @param ticker           the time source
     * @param pipelineExecutor runs outcomes on the pipeline thread
     * @param handler          receives every outcome
     */
    public Sender(PutRecordsTransport transport, SendWindow window, Duration requestTimeout, Ticker ticker,
            Executor pipelineExecutor, ResponseHandler handler) {
        this.transport = transport;
        this.window = window;
        this.requestTimeout = requestTimeout;
        this.ticker = ticker;
        this.pipelineExecutor = pipelineExecutor;
        this.handler = handler;
    }

    /** A window that keeps {@code maxInFlight} requests of any size the batches allow. */
    static SendWindow fixedWindow(int maxInFlight, Duration requestTimeout) {
        return new SendWindow(Long.MAX_VALUE, Integer.MAX_VALUE, maxInFlight, requestTimeout.toNanos(), false);
    }

    /** The current limits (pipeline thread). */
    public SendWindow window() {
        return window;
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

    /** Sends waiting batches while below the in-flight limit, split or merged to the request limits. */
    public void pump() {
        while (inFlight.size() < window.inFlight() && !waiting.isEmpty()) {
            PutBatch live = withoutExpired(nextRequest());
            if (live != null) {
                send(live);
            }
        }
    }

    /** Takes the next request from the waiting batches, within the head batch's and the window's limits. */
    private PutBatch nextRequest() {
        PutBatch head = waiting.poll();
        int maxCount = (int) Math.min(head.maxCount(), window.requestEntries());
        long maxSize = Math.min(head.maxSize(), window.requestBytes());
        if (head.records().size() <= maxCount && head.size() <= maxSize) {
            return waiting.isEmpty() ? head : mergeWaiting(head, maxCount, maxSize);
        }
        List<KinesisRecord> records = head.records();
        int n = 1; // at least one entry, whatever its size
        long size = records.get(0).size();
        while (n < records.size() && n < maxCount && size + records.get(n).size() <= maxSize) {
            size += records.get(n).size();
            n++;
        }
        List<KinesisRecord> rest = records.subList(n, records.size());
        waiting.addFirst(new PutBatch(head.stream(), new ArrayList<>(rest), head.size() - size, head.maxCount(),
                head.maxSize()));
        return new PutBatch(head.stream(), new ArrayList<>(records.subList(0, n)), size, head.maxCount(),
                head.maxSize());
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
    private PutBatch mergeWaiting(PutBatch head, int maxCount, long maxSize) {
        if (head.records().size() >= maxCount || head.size() >= maxSize) {
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
            if (count > maxCount || size + b.size() > maxSize) {
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
                adjustWindow(start, end, response, cause);
                handler.onResponse(batch, start, end, response, cause);
                pump();
            });
        });
    }

    /** A timeout shrinks the window; any answer from the service (errors included) is a latency sample. */
    private void adjustWindow(long start, long end, PutRecordsResponse response, Throwable error) {
        if (response != null || error instanceof AwsServiceException) {
            window.onAnswer(start, end);
        } else if (ErrorClassifier.isTimeout(error)) {
            window.onTimeout(start, end);
        }
    }
}
