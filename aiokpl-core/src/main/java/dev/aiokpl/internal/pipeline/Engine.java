package dev.aiokpl.internal.pipeline;

import dev.aiokpl.Config;
import dev.aiokpl.RecordResult;
import dev.aiokpl.internal.TimeBase;
import dev.aiokpl.internal.collector.PutBatch;
import dev.aiokpl.internal.hash.HashKey;
import dev.aiokpl.internal.metrics.MetricsRecorder;
import dev.aiokpl.internal.sender.PutRecordsTransport;
import dev.aiokpl.internal.sender.SdkPutRecords;
import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.record.PendingRecord;
import dev.aiokpl.internal.retry.Backoff;
import dev.aiokpl.internal.retry.Retrier;
import dev.aiokpl.internal.sender.SendWindow;
import dev.aiokpl.internal.sender.Sender;
import dev.aiokpl.internal.shardmap.ShardMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * The record pipeline of one producer: owns every stage of every stream and runs them on one
 * thread ({@code aiokpl-pipeline-N}), fed by two lock-free queues — accepted records from user
 * threads, and events (responses, shard-map loads, flush and abort requests) from I/O threads.
 *
 * <p>{@link #runOnce()} is one iteration of the loop; unit tests drive it directly on a manual
 * ticker with a scripted client, without starting the thread.
 *
 * <p>Every accepted record ends terminal exactly once, decided on the pipeline thread
 * ({@link #finish}); its future is completed on the callback executor by the {@link Completer}.
 */
public final class Engine {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    /** How many accepted records one iteration takes from the inbox before running deadlines. */
    static final int INBOX_BATCH = 16_384;
    static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    public static final String EXPIRED = "Expired";
    public static final String CLOSED = "Closed";

    private final Config config;
    private final KinesisAsyncClient client;
    private final TimeBase time;
    private final Capacity capacity;
    private final FlushTracker flushTracker = new FlushTracker();
    private final Completer completer;
    private final Sender sender;
    private final Retrier retrier;
    private final long bufferedNanos;
    private final long ttlNanos;
    private final long maxBlockNanos;
    private final RecordMetrics metrics;
    private final RecordCompletion completion;

    private final RecordInbox inbox = new RecordInbox();
    private final ConcurrentLinkedQueue<Runnable> events = new ConcurrentLinkedQueue<>();
    private final Executor pipelineExecutor = this::post;
    private final Map<String, StreamPipeline> streams = new HashMap<>();
    private final List<StreamPipeline> streamList = new ArrayList<>();
    private final ArrivalOrder arrivalOrder = new ArrivalOrder();

    private volatile boolean closed;
    private volatile boolean stopping;
    private volatile boolean sleeping;
    private volatile long oldestArrivalNanos = Long.MAX_VALUE;
    private volatile Thread thread;
    private boolean flushRequested;
    /** Set once the remaining records were failed as Closed: later retries fail at once. */
    private boolean aborted;

    /** An engine without metrics. */
    public Engine(Config config, KinesisAsyncClient client, TimeBase time, Executor callbackExecutor,
            DoubleSupplier random) {
        this(config, client, time, callbackExecutor, random, MetricsRecorder.NOOP);
    }

    /**
     * @param config           the validated configuration
     * @param client           the Kinesis client (the caller owns it)
     * @param time             ticker and wall clock
     * @param callbackExecutor where futures complete
     * @param random           uniform doubles in [0, 1) for backoff jitter
     * @param metrics          where observations go ({@link MetricsRecorder#NOOP} for none)
     */
    public Engine(Config config, KinesisAsyncClient client, TimeBase time, Executor callbackExecutor,
            DoubleSupplier random, MetricsRecorder metrics) {
        this(config, client, new SdkPutRecords(client), time, callbackExecutor, random, metrics);
    }

    /**
     * As {@link #Engine(Config, KinesisAsyncClient, TimeBase, Executor, DoubleSupplier, MetricsRecorder)},
     * with PutRecords sent through {@code transport} ({@code client} still loads the shard maps).
     */
    public Engine(Config config, KinesisAsyncClient client, PutRecordsTransport transport, TimeBase time,
            Executor callbackExecutor, DoubleSupplier random, MetricsRecorder metrics) {
        this.config = config;
        this.metrics = new RecordMetrics(metrics);
        this.client = client;
        this.time = time;
        this.capacity = new Capacity(config.maxOutstandingRecords(), config.maxOutstandingBytes());
        this.completer = new Completer(callbackExecutor, flushTracker);
        this.completion = new RecordCompletion(config.recordTtl(), config.closeTimeout(), time, capacity, arrivalOrder,
                completer, this.metrics);
        this.bufferedNanos = config.recordMaxBufferedTime().toNanos();
        this.ttlNanos = config.recordTtl().toNanos();
        this.maxBlockNanos = config.maxBlockTime().toNanos();
        SendWindow window = new SendWindow(config.collectionMaxSize(), config.collectionMaxCount(),
                config.maxConnections(), config.requestTimeout().toNanos(), config.adaptiveSending());
        this.sender = new Sender(transport, window, config.requestTimeout(), time.ticker(), pipelineExecutor,
                this::onResponse);
        this.sender.expireAfter(ttlNanos, (kr, now) -> streams.get(kr.stream()).expiredBeforeSending(kr, now));
        this.retrier = new Retrier(config.failIfThrottled(),
                new Backoff(TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.SECONDS.toNanos(2), random), time);
    }

    // ---------------------------------------------------------------- user threads

    /**
     * Accepts a validated record: waits for room (up to {@code maxBlockTime}), counts it in the
     * current flush epoch and hands it to the pipeline.
     *
     * @throws IllegalStateException       after close
     * @throws dev.aiokpl.ProducerFullException when still full after {@code maxBlockTime}
     */
    public CompletableFuture<RecordResult> put(String stream, String partitionKey, String explicitHashKey,
            HashKey hashKey, byte[] data, int size) {
        return put(stream, partitionKey, explicitHashKey, hashKey.hi(), hashKey.lo(), data, size);
    }

    /** As {@link #put(String, String, String, HashKey, byte[], int)}, the hash key given as its two unsigned halves. */
    public CompletableFuture<RecordResult> put(String stream, String partitionKey, String explicitHashKey,
            long hashHi, long hashLo, byte[] data, int size) {
        if (closed) {
            throw closedException();
        }
        capacity.acquire(size, maxBlockNanos);
        if (closed) {
            capacity.release(size);
            throw closedException();
        }
        CompletableFuture<RecordResult> future = new CompletableFuture<>();
        PendingRecord r = new PendingRecord(stream, partitionKey, explicitHashKey, hashHi, hashLo, data, size,
                time.ticker().read(), future, flushTracker.enter());
        inbox.offer(r);
        wake();
        metrics.received(stream);
        return future;
    }

    /** A future completed once every record accepted before this call is terminal; sends buffered records now. */
    public CompletableFuture<Void> flush() {
        Completer.beforeBlocking(); // the caller may be a callback about to join() this future
        CompletableFuture<Void> f = flushTracker.flush();
        post(() -> flushRequested = true);
        return f;
    }

    public long outstandingRecords() {
        return capacity.records();
    }

    public long outstandingBytes() {
        return capacity.bytes();
    }

    /** Age of the oldest record not yet terminal, or zero. */
    public Duration oldestRecordAge() {
        long oldest = oldestArrivalNanos;
        PendingRecord head = inbox.peek();
        if (head != null && head.arrivalNanos < oldest) {
            oldest = head.arrivalNanos;
        }
        if (oldest == Long.MAX_VALUE || capacity.records() == 0) {
            return Duration.ZERO;
        }
        return TimeBase.between(oldest, time.ticker().read());
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * To be called by any thread about to wait for this producer (a second {@code close()}): if it
     * runs a record's callback, the records completed after that one are handed to another thread
     * first, so the wait cannot depend on the waiting thread itself.
     */
    public static void beforeBlocking() {
        Completer.beforeBlocking();
    }

    // ---------------------------------------------------------------- lifecycle

    /** Starts the pipeline thread. */
    public void start(ThreadFactory threadFactory) {
        Thread t = threadFactory.newThread(this::loop);
        thread = t;
        t.start();
    }

    /**
     * Stops accepting, drains within {@code timeout}, then fails whatever is left with {@code Closed}
     * and stops the pipeline thread. Honours interrupts: an interrupted wait skips to the abort and
     * the interrupt flag is set again.
     */
    public void close(Duration timeout) {
        if (closed && stopping) {
            return;
        }
        closed = true;
        Completer.beforeBlocking(); // close() from a callback: its own record counts as completed
        boolean interrupted = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        // Loop: records that raced with the closed flag are accepted after the first flush.
        while (!interrupted && capacity.records() > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                flush().get(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (TimeoutException | ExecutionException e) {
                break;
            }
        }
        if (capacity.records() > 0) {
            LOG.warn("close(): {} records still outstanding after closeTimeout={}; failing them as {}",
                    capacity.records(), timeout, CLOSED);
            if (thread == null) {
                abort(); // never started (tests driving runOnce): nobody else owns the stages
            } else {
                CountDownLatch abortDone = new CountDownLatch(1);
                post(() -> {
                    abort();
                    abortDone.countDown();
                });
                try {
                    if (!abortDone.await(5, TimeUnit.SECONDS)) {
                        LOG.error("close(): the pipeline thread did not abort within 5 s");
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        stopping = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (t.isAlive()) {
                LOG.error("close(): the pipeline thread {} did not stop within 5 s", t.getName());
            }
        }
        // Records that raced with close() after the last pipeline iteration. The inbox and the
        // completer have one owner: touch them here only once the pipeline thread is gone.
        boolean pipelineGone = t == null || !t.isAlive();
        if (pipelineGone) {
            stopRetrying();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            do {
                PendingRecord r;
                while ((r = inbox.poll()) != null) {
                    completion.failClosed(r, time.ticker().read());
                }
                Runnable ev;
                while ((ev = events.poll()) != null) {
                    runEvent(ev);
                }
                completer.dispatch();
                if (capacity.records() > 0) {
                    Thread.onSpinWait();
                }
            } while (capacity.records() > 0 && System.nanoTime() < until);
            completer.dispatch();
            completer.shutdown();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        while (!stopping) {
            long wake;
            try {
                wake = runOnce();
            } catch (Throwable t) {
                LOG.error("pipeline iteration failed; continuing", t);
                wake = time.ticker().read() + TimeUnit.MILLISECONDS.toNanos(10);
            }
            if (stopping) {
                break;
            }
            long wait = Math.min(MAX_PARK_NANOS, wake - time.ticker().read());
            if (wait > 0) {
                sleeping = true;
                if (inbox.isEmpty() && events.isEmpty() && !stopping) {
                    LockSupport.parkNanos(this, wait);
                }
                sleeping = false;
            }
        }
    }

    private void wake() {
        if (sleeping) {
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    private void post(Runnable event) {
        events.add(event);
        wake();
    }

    // ---------------------------------------------------------------- pipeline thread

    /**
     * One iteration: handles events, takes accepted records, moves every stream's records as far as
     * they can go, sends, and hands completions to the callback executor.
     *
     * @return the ticker time at which something is next due
     */
    public long runOnce() {
        Runnable ev;
        while ((ev = events.poll()) != null) {
            runEvent(ev);
        }
        long now = time.ticker().read();
        PendingRecord r;
        int taken = 0;
        while (taken < INBOX_BATCH && (r = inbox.poll()) != null) {
            taken++;
            arrivalOrder.add(r);
            stream(r.stream).admit(r, now);
        }
        // A full producer with nothing in flight would only wait for deadlines: no record can join
        // the open aggregates or batches until some complete, so send them now.
        boolean flush = flushRequested || (sender.idle() && capacity.saturated());
        flushRequested = false;
        long wake = taken == INBOX_BATCH ? now : Long.MAX_VALUE;
        for (int i = 0; i < streamList.size(); i++) {
            wake = Math.min(wake, streamList.get(i).process(now, flush));
        }
        sender.pump();
        completer.dispatch();
        publishOldest();
        return Math.min(wake, metrics.samplePending(now, streamList));
    }

    private void runEvent(Runnable ev) {
        try {
            ev.run();
        } catch (Throwable t) {
            LOG.error("pipeline event failed", t);
        }
    }

    private StreamPipeline stream(String name) {
        StreamPipeline sp = streams.get(name);
        if (sp == null) {
            ShardMap map = new ShardMap(name, client, time.ticker(), config.shardMapRefreshInterval(),
                    pipelineExecutor, () -> { });
            sp = new StreamPipeline(name, map, retrier, completion, metrics, config.aggregationEnabled(),
                    config.aggregationMaxCount(), config.aggregationMaxSize(), config.rateLimit(),
                    config.collectionMaxCount(), config.collectionMaxSize(), bufferedNanos, ttlNanos, sender::submit);
            if (aborted) {
                sp.stopRetrying();
            }
            streams.put(name, sp);
            streamList.add(sp);
            map.start();
        }
        return sp;
    }

    private void publishOldest() {
        PendingRecord oldest = arrivalOrder.oldest();
        oldestArrivalNanos = oldest == null ? Long.MAX_VALUE : oldest.arrivalNanos;
    }

    private void onResponse(PutBatch batch, long startNanos, long endNanos, PutRecordsResponse response, Throwable error) {
        metrics.response(batch, startNanos, endNanos, response, error, sender.window());
        streams.get(batch.stream()).onResponse(batch, startNanos, endNanos, response, error);
    }

    /** From now on, records to retry fail as Closed at once. */
    private void stopRetrying() {
        aborted = true;
        for (StreamPipeline sp : streamList) {
            sp.stopRetrying();
        }
    }

    private void abort() {
        stopRetrying();
        long now = time.ticker().read();
        // Written, but the shard it landed on could not be confirmed yet.
        for (StreamPipeline sp : streamList) {
            for (StreamPipeline.Deferred d : sp.drainDeferred()) {
                String written = "it was written to shard " + d.shardId() + " with sequence number "
                        + d.sequenceNumber() + ", but whether that shard's hash key range holds it was not yet "
                        + "confirmed (a consumer may drop it)";
                for (PendingRecord p : d.kr().records()) {
                    completion.failClosed(p, now, written);
                }
            }
        }
        // Possibly written: the request went out and its answer has not come back.
        for (PutBatch b : sender.drainInFlight()) {
            for (KinesisRecord kr : b.records()) {
                for (PendingRecord p : kr.records()) {
                    completion.failClosed(p, now, "a request holding it was in flight, so it may have been written");
                }
            }
        }
        List<PendingRecord> unsent = new ArrayList<>();
        for (StreamPipeline sp : streamList) {
            unsent.addAll(sp.drainAll());
        }
        for (PutBatch b : sender.drainWaiting()) {
            for (KinesisRecord kr : b.records()) {
                unsent.addAll(kr.records());
            }
        }
        PendingRecord r;
        while ((r = inbox.poll()) != null) {
            unsent.add(r);
        }
        for (PendingRecord p : unsent) {
            completion.failClosed(p, now);
        }
        completer.dispatch();
    }

    private static IllegalStateException closedException() {
        return new IllegalStateException("the producer is closed; putRecord is not accepted after close()");
    }

    // ---------------------------------------------------------------- introspection for tests

    /** The stream's shard map (pipeline thread / tests). */
    public ShardMap shardMap(String stream) {
        StreamPipeline sp = streams.get(stream);
        return sp == null ? null : sp.shardMap();
    }

    /** Batches waiting for a connection (pipeline thread / tests). */
    public int waitingBatches() {
        return sender.waiting();
    }

    /** Requests in flight (pipeline thread / tests). */
    public int inFlightRequests() {
        return sender.inFlight();
    }
}
