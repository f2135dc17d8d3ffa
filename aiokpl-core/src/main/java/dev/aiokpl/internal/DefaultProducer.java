package dev.aiokpl;

import dev.aiokpl.internal.DaemonThreadFactory;
import dev.aiokpl.internal.Ticker;
import dev.aiokpl.internal.TimeBase;
import dev.aiokpl.internal.hash.HashKey;
import dev.aiokpl.internal.metrics.DefaultMetricsManager;
import dev.aiokpl.internal.metrics.MetricsRecorder;
import dev.aiokpl.internal.pipeline.Engine;
import dev.aiokpl.internal.sender.KinesisClients;
import dev.aiokpl.internal.sender.PutRecordsTransport;
import dev.aiokpl.internal.sender.SdkPutRecords;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * A Kinesis Data Streams producer: aggregates user records per predicted shard, rate-limits each
 * shard, batches PutRecords requests, retries what can be retried, and reports every record's
 * outcome with its full attempt history. Pure Java, in process, thread-safe.
 *
 * <pre>{@code
 * try (Producer producer = Producer.create(Config.builder().region("us-east-1").build())) {
 *     RecordResult r = producer.putRecord("my-stream", "user-123", bytes).join();   // blocking
 *     producer.putRecord("my-stream", "user-123", bytes)                               // callback
 *             .thenAccept(result -> { if (!result.successful()) log(result); });
 * }
 * }</pre>
 *
 * <p><b>Outcomes.</b> {@code putRecord} either throws without accepting the record
 * ({@link IllegalArgumentException} for invalid input, {@link IllegalStateException} after close,
 * {@link ProducerFullException} when full for longer than {@code maxBlockTime}), or returns a future
 * that will complete with a {@link RecordResult} — success or failure, never exceptionally for a
 * service error, never left hanging (a record still outstanding when {@code close()} gives up fails
 * with error code {@code Closed}).
 *
 * <p><b>Threads.</b> Futures complete on {@link Config#callbackExecutor()} (by default a small pool
 * of daemon threads {@code aiokpl-callback-*}), never on the pipeline thread. A callback may call the
 * producer back: {@code putRecord}, {@code flush().join()} and {@code close()} from inside a callback
 * neither deadlock nor wait out a timeout (the default pool adds a thread while one of its threads
 * waits; a user executor must be able to run one more task while a callback waits). All threads the producer starts are daemon threads named
 * {@code aiokpl-*}; none survives {@link #close()}. No JVM shutdown hook is installed: call
 * {@code close()} (or {@code flush().join()}) before exiting, or buffered records are lost with the JVM.
 *
 * <p><b>Ordering.</b> Records with the same partition key are sent in order within an attempt; a
 * retry may reorder them, as with the KPL.
 */
public final class Producer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Producer.class);

    private final Config config;
    private final Engine engine;
    private final DefaultMetricsManager metrics;
    private final KinesisClients.Owned ownedClient;
    private final ForkJoinPool ownedCallbackExecutor;
    /** The threads of {@link #ownedCallbackExecutor}, or null. */
    private final DaemonThreadFactory callbackThreads;
    private final ConcurrentHashMap<String, Boolean> validStreams = new ConcurrentHashMap<>();
    private final Object closeLock = new Object();
    private boolean closed;
    /** Completed once the first close() has drained the records (every future is complete). */
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    /** Completed once the first close() has returned. */
    private final CompletableFuture<Void> closeDone = new CompletableFuture<>();

    private Producer(Config config, KinesisAsyncClient client, PutRecordsTransport transport,
            KinesisClients.Owned ownedClient) {
        this.config = config;
        this.ownedClient = ownedClient;
        int id = DaemonThreadFactory.nextProducerId();
        Executor callbacks = config.callbackExecutor();
        if (callbacks == null) {
            callbackThreads = new DaemonThreadFactory("callback-" + id);
            // A fork-join pool adds a thread while one of its threads waits in join()/get() (a callback
            // in flush().join() or close()), so waiting callbacks can never use up the pool.
            ForkJoinPool pool = new ForkJoinPool(2, callbackThreads, null, true);
            ownedCallbackExecutor = pool;
            callbacks = pool;
        } else {
            ownedCallbackExecutor = null;
            callbackThreads = null;
        }
        Ticker ticker = Ticker.system();
        this.metrics = new DefaultMetricsManager(config.metricsLevel(), config.metricsGranularity(),
                config.metricsSink(), config.metricsUploadInterval(), ticker, Clock.systemUTC(), null);
        metrics.start();
        MetricsRecorder recorder = config.metricsLevel() == MetricsLevel.NONE ? MetricsRecorder.NOOP : metrics;
        this.engine = new Engine(config, client, transport, new TimeBase(ticker, Clock.systemUTC()), callbacks,
                () -> ThreadLocalRandom.current().nextDouble(), recorder);
        engine.start(new DaemonThreadFactory("pipeline-" + id));
        LOG.info("aiokpl producer {} started: {}", id, config);
    }

    /**
     * Creates a producer with its own Kinesis client, built from the configuration (region,
     * endpoint, credentials, connections, timeouts); {@link #close()} closes that client.
     */
    public static Producer create(Config config) {
        Objects.requireNonNull(config, "config");
        KinesisClients.Owned owned = KinesisClients.create(config);
        try {
            return new Producer(config, owned.client(), owned.transport(), owned);
        } catch (RuntimeException e) {
            owned.close();
            throw e;
        }
    }

    /**
     * Creates a producer that sends with the given client, which it never closes. The client's own
     * retry policy applies on top of the producer's retries: configure it with no retries
     * (for example {@code AwsRetryStrategy.doNotRetry()}) for the producer to decide alone.
     */
    public static Producer create(Config config, KinesisAsyncClient client) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(client, "client");
        return new Producer(config, client, new SdkPutRecords(client), null);
    }

    /**
     * Puts a record whose shard is chosen by the MD5 of its partition key.
     *
     * @param stream       the stream name
     * @param partitionKey 1..256 Unicode code points
     * @param data         the data; not copied, so do not modify it until the future completes
     * @return a future completed with the record's result on the callback executor
     * @throws IllegalArgumentException naming the bad field, for invalid input
     * @throws IllegalStateException    after {@link #close()}
     * @throws ProducerFullException    when the outstanding limits stay full longer than {@code maxBlockTime}
     */
    public CompletableFuture<RecordResult> putRecord(String stream, String partitionKey, byte[] data) {
        return put(stream, partitionKey, null, data);
    }

    /** As {@link #putRecord(String, String, byte[])}; the buffer's remaining bytes are copied. */
    public CompletableFuture<RecordResult> putRecord(String stream, String partitionKey, ByteBuffer data) {
        return put(stream, partitionKey, null, data == null ? null : UserRecord.copy(data));
    }

    /**
     * Puts a record whose shard is chosen by an explicit hash key.
     *
     * @param explicitHashKey canonical decimal in 0..2^128-1, or null to use the partition key's MD5
     * @see #putRecord(String, String, byte[])
     */
    public CompletableFuture<RecordResult> putRecord(String stream, String partitionKey, String explicitHashKey,
            byte[] data) {
        return put(stream, partitionKey, explicitHashKey, data);
    }

    /** As {@link #putRecord(String, String, String, byte[])}; the buffer's remaining bytes are copied. */
    public CompletableFuture<RecordResult> putRecord(String stream, String partitionKey, String explicitHashKey,
            ByteBuffer data) {
        return put(stream, partitionKey, explicitHashKey, data == null ? null : UserRecord.copy(data));
    }

    /** Puts a record built with {@link UserRecord#builder()}. */
    public CompletableFuture<RecordResult> putRecord(UserRecord record) {
        Objects.requireNonNull(record, "record");
        return put(record.stream(), record.partitionKey(), record.explicitHashKey(), record.dataArray());
    }

    private CompletableFuture<RecordResult> put(String stream, String partitionKey, String explicitHashKey,
            byte[] data) {
        if (engine.isClosed()) {
            throw new IllegalStateException("the producer is closed; putRecord is not accepted after close()");
        }
        if (validStreams.get(stream == null ? "" : stream) == null) {
            Validation.streamName(stream);
            validStreams.put(stream, Boolean.TRUE);
        }
        int keyBytes = Validation.partitionKey(partitionKey);
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        Validation.size(keyBytes, data.length, config.maxRecordSize());
        long hashHi;
        long hashLo;
        if (explicitHashKey != null) {
            HashKey key = HashKey.parseDecimal(explicitHashKey);
            hashHi = key.hi();
            hashLo = key.lo();
        } else {
            HashKey.Hasher hasher = HashKey.hasher();
            hasher.hash(partitionKey);
            hashHi = hasher.hi();
            hashLo = hasher.lo();
        }
        return engine.put(stream, partitionKey, explicitHashKey, hashHi, hashLo, data, keyBytes + data.length);
    }

    /**
     * Sends every buffered record now and returns a future completed once every record accepted
     * before this call is terminal (its own future completed). Never completes exceptionally.
     */
    public CompletableFuture<Void> flush() {
        return engine.flush();
    }

    /** User records accepted and not yet terminal. */
    public long outstandingRecords() {
        return engine.outstandingRecords();
    }

    /** Bytes (partition keys + data) of the records accepted and not yet terminal. */
    public long outstandingBytes() {
        return engine.outstandingBytes();
    }

    /** How long the oldest outstanding record has been in the producer, or zero. */
    public Duration oldestRecordAge() {
        return engine.oldestRecordAge();
    }

    /**
     * The producer's metrics: {@link MetricsManager#snapshots()} for the last 60 s in process,
     * {@link MetricsManager#flush()} to export the current window to the sink now.
     */
    public MetricsManager metrics() {
        return metrics;
    }

    /** The configuration. */
    public Config config() {
        return config;
    }

    /**
     * Stops accepting records, sends what is buffered and waits up to {@code closeTimeout} for every
     * outstanding record; records still outstanding then fail with error code {@code Closed}. Stops
     * every thread the producer started and closes the client if the producer built it. Idempotent.
     * If the calling thread is interrupted, waiting stops early (the records left fail as
     * {@code Closed}) and the interrupt flag is kept.
     */
    @Override
    public void close() {
        boolean first;
        synchronized (closeLock) {
            first = !closed;
            closed = true;
        }
        if (!first) {
            awaitFirstClose();
            return;
        }
        try {
            engine.close(config.closeTimeout());
            drained.complete(null);
            stopCallbackThreads();
            metrics.close();
            if (ownedClient != null) {
                ownedClient.close();
            }
            LOG.info("aiokpl producer closed");
        } finally {
            drained.complete(null);
            closeDone.complete(null);
        }
    }

    /**
     * A later close() returns once the first one has: a shutdown hook racing the main thread must not
     * let the JVM exit while records are still being drained. A callback of the producer's own pool
     * waits only for the drain, since the rest of the first close() waits for that pool's threads.
     */
    private void awaitFirstClose() {
        Engine.beforeBlocking();
        CompletableFuture<Void> until = onOwnCallbackThread() ? drained : closeDone;
        try {
            until.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("close() failed", e.getCause());
        }
    }

    private boolean onOwnCallbackThread() {
        return callbackThreads != null && callbackThreads.owns(Thread.currentThread());
    }

    private void stopCallbackThreads() {
        if (ownedCallbackExecutor == null) {
            return;
        }
        ownedCallbackExecutor.shutdown();
        if (onOwnCallbackThread()) {
            // close() from a callback: the pool's threads end once the callbacks return, this one included.
            return;
        }
        try {
            if (!ownedCallbackExecutor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("record callbacks did not finish within 10 s of close()");
                ownedCallbackExecutor.shutdownNow();
            }
            // awaitTermination returns a moment before the last worker thread has ended.
            callbackThreads.awaitThreadsEnded(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
