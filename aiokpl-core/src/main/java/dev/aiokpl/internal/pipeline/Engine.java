package dev.aiokpl.internal.pipeline;

import dev.aiokpl.Config;
import dev.aiokpl.RecordResult;
import dev.aiokpl.internal.TimeBase;
import dev.aiokpl.internal.hash.HashKey;
import dev.aiokpl.internal.metrics.MetricsRecorder;
import dev.aiokpl.internal.record.PendingRecord;
import dev.aiokpl.internal.retry.Backoff;
import dev.aiokpl.internal.retry.Retrier;
import dev.aiokpl.internal.sender.PutRecordsTransport;
import dev.aiokpl.internal.sender.SdkPutRecords;
import dev.aiokpl.internal.sender.SendWindow;
import dev.aiokpl.internal.shardmap.ShardMap;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The producer-facing front of the record pipeline: accepts records from user threads (waiting for
 * room), tracks flushes, and closes in phases — stop accepting, drain within {@code closeTimeout},
 * fail the rest as {@code Closed}, stop the {@link PipelineLoop}.
 *
 * <p>Every accepted record ends terminal exactly once, decided on the pipeline thread
 * ({@link RecordCompletion}); its future is completed on the callback executor by the {@link Completer}.
 */
public final class Engine {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    public static final String EXPIRED = "Expired";
    public static final String CLOSED = "Closed";
    /** Longest single wait of close() for a flush before its deadline is checked again. */
    static final long DRAIN_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final TimeBase time;
    private final Capacity capacity;
    private final FlushTracker flushTracker;
    private final RecordMetrics metrics;
    private final PipelineLoop loop;
    private final long maxBlockNanos;

    private volatile boolean closed;

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
        this(config, time, new Stages(config, time, callbackExecutor, new RecordMetrics(metrics)), client, transport,
                random);
    }

    private Engine(Config config, TimeBase time, Stages s, KinesisAsyncClient client, PutRecordsTransport transport,
            DoubleSupplier random) {
        this(config, time, s.capacity, s.flushTracker, s.metrics, new PipelineLoop(config, client::listShards, transport,
                new SendWindow(config.collectionMaxSize(), config.collectionMaxCount(), config.maxConnections(),
                        config.requestTimeout().toNanos(), config.adaptiveSending()),
                time, s.capacity, s.arrivalOrder, s.completer, s.completion, s.metrics,
                new Retrier(config.failIfThrottled(), new Backoff(TimeUnit.MILLISECONDS.toNanos(100),
                        TimeUnit.SECONDS.toNanos(2), random), time)));
    }

    /** Wires stages built elsewhere (tests may pass their own). */
    Engine(Config config, TimeBase time, Capacity capacity, FlushTracker flushTracker, RecordMetrics metrics,
            PipelineLoop loop) {
        this.time = time;
        this.capacity = capacity;
        this.flushTracker = flushTracker;
        this.metrics = metrics;
        this.loop = loop;
        this.maxBlockNanos = config.maxBlockTime().toNanos();
    }

    /** The stages shared by the front and the loop. */
    private static final class Stages {
        final Capacity capacity;
        final FlushTracker flushTracker = new FlushTracker();
        final ArrivalOrder arrivalOrder = new ArrivalOrder();
        final Completer completer;
        final RecordMetrics metrics;
        final RecordCompletion completion;

        Stages(Config config, TimeBase time, Executor callbackExecutor, RecordMetrics metrics) {
            this.capacity = new Capacity(config.maxOutstandingRecords(), config.maxOutstandingBytes(), time.ticker());
            this.completer = new Completer(callbackExecutor, flushTracker);
            this.metrics = metrics;
            this.completion = new RecordCompletion(config.recordTtl(), config.closeTimeout(), time, capacity,
                    arrivalOrder, completer, metrics);
        }
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
        loop.offer(new PendingRecord(stream, partitionKey, explicitHashKey, hashHi, hashLo, data, size,
                time.ticker().read(), future, flushTracker.enter()));
        metrics.received(stream);
        return future;
    }

    /** A future completed once every record accepted before this call is terminal; sends buffered records now. */
    public CompletableFuture<Void> flush() {
        Completer.beforeBlocking(); // the caller may be a callback about to join() this future
        CompletableFuture<Void> f = flushTracker.flush();
        loop.requestFlush();
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
        long oldest = loop.oldestArrivalNanos();
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
        loop.start(threadFactory);
    }

    /**
     * Stops accepting, drains within {@code timeout}, then fails whatever is left with {@code Closed}
     * and stops the pipeline thread. Honours interrupts: an interrupted wait skips to the abort and
     * the interrupt flag is set again.
     */
    public void close(Duration timeout) {
        if (closed && loop.stopping()) {
            return;
        }
        closed = true;
        Completer.beforeBlocking(); // close() from a callback: its own record counts as completed
        boolean interrupted = !drain(timeout);
        if (capacity.records() > 0) {
            LOG.warn("close(): {} records still outstanding after closeTimeout={}; failing them as {}",
                    capacity.records(), timeout, CLOSED);
            interrupted |= !loop.abortRemaining();
        }
        interrupted |= !loop.stop();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Flushes until nothing is outstanding or {@code timeout} has passed on the ticker (checked at
     * least every {@link #DRAIN_POLL_NANOS}, so a manual ticker ends the wait too).
     *
     * @return false if interrupted
     */
    private boolean drain(Duration timeout) {
        long deadline = time.ticker().read() + timeout.toNanos();
        CompletableFuture<Void> flushed = null;
        while (capacity.records() > 0) {
            long left = deadline - time.ticker().read();
            if (left <= 0) {
                return true;
            }
            if (flushed == null || flushed.isDone()) {
                flushed = flush(); // again: records that raced with the closed flag came after the last flush
            }
            try {
                flushed.get(Math.min(left, DRAIN_POLL_NANOS), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // check the deadline again
            } catch (InterruptedException e) {
                return false;
            } catch (ExecutionException e) {
                return true;
            }
        }
        return true;
    }

    private static IllegalStateException closedException() {
        return new IllegalStateException("the producer is closed; putRecord is not accepted after close()");
    }

    // ---------------------------------------------------------------- the loop, for tests

    /** One iteration of the pipeline loop (tests drive it without starting the thread). */
    public long runOnce() {
        return loop.runOnce();
    }

    /** The stream's shard map (pipeline thread / tests). */
    public ShardMap shardMap(String stream) {
        return loop.shardMap(stream);
    }

    /** Records waiting for a connection, see {@code StreamPipeline.ready()} (pipeline thread / tests). */
    public int readyRecords() {
        return loop.readyRecords();
    }

    /** Requests in flight (pipeline thread / tests). */
    public int inFlightRequests() {
        return loop.inFlightRequests();
    }
}
