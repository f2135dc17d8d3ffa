package dev.aiokpl.internal;

import dev.aiokpl.Config;
import dev.aiokpl.MetricsLevel;
import dev.aiokpl.MetricsManager;
import dev.aiokpl.Producer;
import dev.aiokpl.RecordResult;
import dev.aiokpl.UserRecord;
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
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/** The real {@link Producer}: validates, then hands records to the pipeline {@link Engine}; see {@link Producer}. */
public final class DefaultProducer implements Producer {

    // Named after the public interface: the name users set log levels for.
    private static final Logger LOG = LoggerFactory.getLogger(Producer.class);

    private final Config config;
    private final Engine engine;
    private final DefaultMetricsManager metrics;
    private final KinesisClients.Owned ownedClient;
    private final ForkJoinPool ownedCallbackExecutor;
    /** The threads of {@link #ownedCallbackExecutor}, or null. */
    private final DaemonThreadFactory callbackThreads;
    private final RecordValidator validator;
    private final Object closeLock = new Object();
    private boolean closed;
    /** Completed once the first close() has drained the records (every future is complete). */
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    /** Completed once the first close() has returned. */
    private final CompletableFuture<Void> closeDone = new CompletableFuture<>();

    private DefaultProducer(Config config, KinesisAsyncClient client, PutRecordsTransport transport,
            KinesisClients.Owned ownedClient, Ticker ticker, Clock clock) {
        this.config = config;
        this.validator = new RecordValidator(config.maxRecordSize());
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
        this.metrics = new DefaultMetricsManager(config.metricsLevel(), config.metricsGranularity(),
                config.metricsSink(), config.metricsUploadInterval(), ticker, clock, null);
        metrics.start();
        MetricsRecorder recorder = config.metricsLevel() == MetricsLevel.NONE ? MetricsRecorder.NOOP : metrics;
        this.engine = new Engine(config, client, transport, new TimeBase(ticker, clock), callbacks,
                () -> ThreadLocalRandom.current().nextDouble(), recorder);
        engine.start(new DaemonThreadFactory("pipeline-" + id));
        LOG.info("aiokpl producer {} started: {}", id, config);
    }

    /** See {@link Producer#create(Config)}. */
    public static Producer create(Config config) {
        Objects.requireNonNull(config, "config");
        KinesisClients.Owned owned = KinesisClients.create(config);
        try {
            return new DefaultProducer(config, owned.client(), owned.transport(), owned, Ticker.system(),
                    Clock.systemUTC());
        } catch (RuntimeException e) {
            owned.close();
            throw e;
        }
    }

    /** See {@link Producer#create(Config, KinesisAsyncClient)}. */
    public static Producer create(Config config, KinesisAsyncClient client) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(client, "client");
        return create(config, client, Ticker.system(), Clock.systemUTC());
    }

    /** As {@link #create(Config, KinesisAsyncClient)}, on the given time source (tests: a manual ticker). */
    static Producer create(Config config, KinesisAsyncClient client, Ticker ticker, Clock clock) {
        return new DefaultProducer(config, client, new SdkPutRecords(client), null, ticker, clock);
    }

    @Override
    public CompletableFuture<RecordResult> putRecord(String stream, String partitionKey, byte[] data) {
        return put(stream, partitionKey, null, data);
    }

    @Override
    public CompletableFuture<RecordResult> putRecord(String stream, String partitionKey, ByteBuffer data) {
        return put(stream, partitionKey, null, data == null ? null : UserRecords.copy(data));
    }

    @Override
    public CompletableFuture<RecordResult> putRecord(String stream, String partitionKey, String explicitHashKey,
            byte[] data) {
        return put(stream, partitionKey, explicitHashKey, data);
    }

    @Override
    public CompletableFuture<RecordResult> putRecord(String stream, String partitionKey, String explicitHashKey,
            ByteBuffer data) {
        return put(stream, partitionKey, explicitHashKey, data == null ? null : UserRecords.copy(data));
    }

    @Override
    public CompletableFuture<RecordResult> putRecord(UserRecord record) {
        Objects.requireNonNull(record, "record");
        return put(record.stream(), record.partitionKey(), record.explicitHashKey(), UserRecords.data(record));
    }

    private CompletableFuture<RecordResult> put(String stream, String partitionKey, String explicitHashKey,
            byte[] data) {
        if (engine.isClosed()) {
            throw RecordValidator.closed();
        }
        int keyBytes = validator.validate(stream, partitionKey, data);
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

    @Override
    public CompletableFuture<Void> flush() {
        return engine.flush();
    }

    @Override
    public long outstandingRecords() {
        return engine.outstandingRecords();
    }

    @Override
    public long outstandingBytes() {
        return engine.outstandingBytes();
    }

    @Override
    public Duration oldestRecordAge() {
        return engine.oldestRecordAge();
    }

    @Override
    public MetricsManager metrics() {
        return metrics;
    }

    @Override
    public Config config() {
        return config;
    }

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
