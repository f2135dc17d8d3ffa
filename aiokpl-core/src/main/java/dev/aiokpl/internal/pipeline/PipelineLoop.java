package dev.aiokpl.internal.pipeline;

import dev.aiokpl.Config;
import dev.aiokpl.internal.TimeBase;
import dev.aiokpl.internal.collector.PutBatch;
import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.record.PendingRecord;
import dev.aiokpl.internal.retry.Retrier;
import dev.aiokpl.internal.sender.PutRecordsTransport;
import dev.aiokpl.internal.sender.SendWindow;
import dev.aiokpl.internal.sender.Sender;
import dev.aiokpl.internal.shardmap.ListShards;
import dev.aiokpl.internal.shardmap.ShardMap;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * The pipeline loop of one producer: runs every stream's stages on one thread
 * ({@code aiokpl-pipeline-N}), fed by two lock-free queues — accepted records from user threads, and
 * events (responses, shard-map loads, flush and abort requests) from I/O threads — and hands each
 * response to its stream's pipeline.
 *
 * <p>{@link #runOnce()} is one iteration; unit tests drive it directly on a manual ticker with a
 * scripted client, without starting the thread.
 */
final class PipelineLoop {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineLoop.class);
    /** How many accepted records one iteration takes from the inbox before running deadlines. */
    static final int INBOX_BATCH = 16_384;
    static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** How long {@link #stop} waits for the thread, and the thread for an abort. */
    private static final long STOP_WAIT_MILLIS = 5_000;

    private final TimeBase time;
    private final Capacity capacity;
    private final Completer completer;
    private final RecordCompletion completion;
    private final RecordMetrics metrics;
    private final Sender sender;
    private final Streams streams;

    private final RecordInbox inbox = new RecordInbox();
    private final ConcurrentLinkedQueue<Runnable> events = new ConcurrentLinkedQueue<>();
    private final Executor pipelineExecutor = this::post;
    private final ArrivalOrder arrivalOrder;

    private volatile boolean stopping;
    private volatile boolean sleeping;
    private volatile long oldestArrivalNanos = Long.MAX_VALUE;
    private volatile Thread thread;
    private boolean flushRequested;

    /**
     * @param listShards loads the shard maps
     * @param transport  sends PutRecords
     * @param window     the adaptive request size and concurrency
     */
    PipelineLoop(Config config, ListShards listShards, PutRecordsTransport transport, SendWindow window,
            TimeBase time, Capacity capacity, ArrivalOrder arrivalOrder, Completer completer,
            RecordCompletion completion, RecordMetrics metrics, Retrier retrier) {
        this.time = time;
        this.capacity = capacity;
        this.arrivalOrder = arrivalOrder;
        this.completer = completer;
        this.completion = completion;
        this.metrics = metrics;
        this.streams = new Streams(config, listShards, time, pipelineExecutor, retrier, completion, metrics);
        this.sender = new Sender(transport, window, config.requestTimeout(), time.ticker(), pipelineExecutor,
                streams, this::onResponse);
    }

    // ---------------------------------------------------------------- any thread

    /** Hands an accepted record to the pipeline. */
    void offer(PendingRecord r) {
        inbox.offer(r);
        wake();
    }

    /** Sends buffered records at the next iteration. */
    void requestFlush() {
        post(() -> flushRequested = true);
    }

    /** Arrival time of the oldest record not yet terminal (the inbox included), or {@link Long#MAX_VALUE}. */
    long oldestArrivalNanos() {
        long oldest = oldestArrivalNanos;
        PendingRecord head = inbox.peek();
        return head != null && head.arrivalNanos < oldest ? head.arrivalNanos : oldest;
    }

    boolean stopping() {
        return stopping;
    }

    /** Starts the pipeline thread. */
    void start(ThreadFactory threadFactory) {
        Thread t = threadFactory.newThread(this::loop);
        thread = t;
        t.start();
    }

    /**
     * Fails every record not yet terminal as Closed, on the pipeline thread if it runs.
     *
     * @return false if interrupted while waiting for it
     */
    boolean abortRemaining() {
        if (thread == null) {
            abort(); // never started (tests driving runOnce): nobody else owns the stages
            return true;
        }
        CountDownLatch abortDone = new CountDownLatch(1);
        post(() -> {
            abort();
            abortDone.countDown();
        });
        try {
            if (!abortDone.await(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.error("close(): the pipeline thread did not abort within 5 s");
            }
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /**
     * Stops the pipeline thread; once it is gone, fails the records that raced with close() as Closed
     * and shuts the completer down.
     *
     * @return false if interrupted while waiting for the thread
     */
    boolean stop() {
        boolean interrupted = false;
        stopping = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(STOP_WAIT_MILLIS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (t.isAlive()) {
                LOG.error("close(): the pipeline thread {} did not stop within 5 s", t.getName());
            }
        }
        // The inbox and the completer have one owner: touch them here only once the pipeline thread is gone.
        if (t == null || !t.isAlive()) {
            streams.stopRetrying();
            // A real-time bound, not a deadline of the producer's: it only lets user threads that raced
            // with close() finish handing over their records, and must end even on a manual ticker.
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
        return !interrupted;
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
    long runOnce() {
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
            streams.get(r.stream).admit(r, now);
        }
        // A full producer with nothing in flight would only wait for deadlines: no record can join
        // the open aggregates or batches until some complete, so send them now.
        boolean flush = flushRequested || (sender.inFlight() == 0 && capacity.saturated());
        flushRequested = false;
        long wake = taken == INBOX_BATCH ? now : Long.MAX_VALUE;
        List<StreamPipeline> all = streams.all();
        for (int i = 0; i < all.size(); i++) {
            wake = Math.min(wake, all.get(i).process(now, flush));
        }
        sender.pump();
        completer.dispatch();
        PendingRecord oldest = arrivalOrder.oldest();
        oldestArrivalNanos = oldest == null ? Long.MAX_VALUE : oldest.arrivalNanos;
        return Math.min(wake, metrics.samplePending(now, all));
    }

    private void runEvent(Runnable ev) {
        try {
            ev.run();
        } catch (Throwable t) {
            LOG.error("pipeline event failed", t);
        }
    }

    private void onResponse(PutBatch batch, long startNanos, long endNanos, PutRecordsResponse response,
            Throwable error) {
        metrics.response(batch, startNanos, endNanos, response, error, sender.window());
        streams.find(batch.stream()).onResponse(batch, startNanos, endNanos, response, error);
    }

    /** Fails every record not yet terminal as Closed, saying whether it may have been written. */
    private void abort() {
        streams.stopRetrying();
        long now = time.ticker().read();
        streams.failUnconfirmedAsClosed(now);
        for (PutBatch b : sender.drainInFlight()) {
            for (KinesisRecord kr : b.records()) {
                for (PendingRecord p : kr.records()) {
                    completion.failClosed(p, now, "a request holding it was in flight, so it may have been written");
                }
            }
        }
        List<PendingRecord> unsent = new ArrayList<>();
        streams.drainUnsent(unsent);
        PendingRecord r;
        while ((r = inbox.poll()) != null) {
            unsent.add(r);
        }
        for (PendingRecord p : unsent) {
            completion.failClosed(p, now);
        }
        completer.dispatch();
    }

    // ---------------------------------------------------------------- introspection for tests

    /** The stream's shard map, or null (pipeline thread / tests). */
    ShardMap shardMap(String stream) {
        StreamPipeline sp = streams.find(stream);
        return sp == null ? null : sp.shardMap();
    }

    /** Records waiting for a connection, see {@code StreamPipeline.ready()} (pipeline thread / tests). */
    int readyRecords() {
        int n = 0;
        for (StreamPipeline sp : streams.all()) {
            n += sp.ready();
        }
        return n;
    }

    /** Requests in flight (pipeline thread / tests). */
    int inFlightRequests() {
        return sender.inFlight();
    }
}
