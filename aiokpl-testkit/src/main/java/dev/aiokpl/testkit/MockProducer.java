package dev.aiokpl.testkit;

import dev.aiokpl.Attempt;
import dev.aiokpl.Config;
import dev.aiokpl.MetricsManager;
import dev.aiokpl.Producer;
import dev.aiokpl.ProducerFullException;
import dev.aiokpl.RecordResult;
import dev.aiokpl.UserRecord;
import dev.aiokpl.internal.RecordValidator;
import dev.aiokpl.internal.UserRecords;
import dev.aiokpl.internal.hash.HashKey;
import dev.aiokpl.internal.pipeline.Engine;
import dev.aiokpl.sinks.MetricSnapshot;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-memory {@link Producer} for unit tests of code that sends records, after Kafka's
 * {@code MockProducer}: no Kinesis, no emulator, no threads of its own.
 *
 * <pre>{@code
 * MockProducer producer = MockProducer.builder().autoComplete(false).shardCount(4).build();
 * OrderPublisher publisher = new OrderPublisher(producer);        // your code, written against Producer
 * CompletableFuture<Void> sent = publisher.publish(order);
 * producer.failNext("ProvisionedThroughputExceededException", "Rate exceeded for shard");
 * assertThat(producer.history()).hasSize(1);
 * }</pre>
 *
 * <p><b>Like the real producer.</b> {@code putRecord} validates with the real producer's own code
 * (same {@link IllegalArgumentException}s and messages, {@code maxRecordSize} from
 * {@link Builder#config(Config)}), throws {@link IllegalStateException} after {@link #close()},
 * and returns a future that completes with a {@link RecordResult}, never exceptionally. A success
 * carries the shard the hash key falls in among {@link Builder#shardCount(int)} evenly split shards
 * (as {@code CreateStream} splits them; every stream has the same shards), an increasing sequence
 * number, and one attempt; a failure carries one failed attempt with the given error code and
 * message. {@link #flush()} completes once every earlier record's future has completed;
 * {@link #close()} fails the records still pending with error code {@code Closed}.
 *
 * <p><b>Completion.</b> By default every record completes successfully as it is put
 * ({@link Builder#autoComplete(boolean)}). With {@code autoComplete(false)} records stay pending,
 * in put order, until the test completes them: {@link #completeNext()},
 * {@link #failNext(String, String)}, {@link #completeAll()}, {@link #failAll(String, String)}.
 * Futures complete on {@link Builder#callbackExecutor(Executor)}, by default on the thread that
 * completes the record (the one calling {@code putRecord} in auto-complete mode, or
 * {@code completeNext()}).
 *
 * <p><b>Backpressure.</b> With {@link Builder#maxOutstandingRecords(long)}, {@code putRecord} waits
 * up to {@link Builder#maxBlockTime(Duration)} (zero by default: not at all) for a pending record to
 * complete, then throws {@link ProducerFullException}, so a test can drive the caller's handling of
 * a full producer.
 *
 * <p>Thread-safe. {@link #metrics()} measures nothing (empty snapshots).
 */
public final class MockProducer implements Producer {

    private static final String CLOSED_MESSAGE = "the producer was closed before the record completed";
    private static final MetricsManager NO_METRICS = new MetricsManager() {
        @Override
        public List<MetricSnapshot> snapshots() {
            return List.of();
        }

        @Override
        public CompletableFuture<Void> flush() {
            return CompletableFuture.completedFuture(null);
        }
    };

    private final Config config;
    private final boolean autoComplete;
    /** The ending hash key of each shard, in order; the last is 2^128-1. */
    private final EvenShards shards;
    private final long maxOutstandingRecords;
    private final Duration maxBlockTime;
    private final Executor callbackExecutor;
    private final Clock clock;
    private final RecordValidator validator;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition completed = lock.newCondition();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final List<UserRecord> history = new ArrayList<>();
    /** Futures not completed yet, pending or handed to the callback executor: what {@link #flush()} waits for. */
    private final Set<CompletableFuture<RecordResult>> unfinished = ConcurrentHashMap.newKeySet();
    private long pendingBytes;
    private final AtomicLong sequence = new AtomicLong();
    private volatile boolean closed;
    /** The thread running {@link #close()}, so a callback it runs can call {@code close()} again. */
    private volatile Thread closing;
    private final CompletableFuture<Void> closeDone = new CompletableFuture<>();

    private MockProducer(Builder b) {
        this.config = b.config != null ? b.config : Config.builder().region("us-east-1").build();
        this.autoComplete = b.autoComplete;
        this.maxOutstandingRecords = b.maxOutstandingRecords;
        this.maxBlockTime = b.maxBlockTime;
        this.callbackExecutor = b.callbackExecutor;
        this.clock = b.clock;
        this.validator = new RecordValidator(config.maxRecordSize());
        this.shards = new EvenShards(b.shardCount);
    }

    /**
     * Returns a builder with the defaults: auto-complete, one shard, a {@code us-east-1}
     * configuration with the real defaults, no outstanding limit, callbacks on the completing
     * thread, the system clock.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The id Kinesis gives the {@code index}-th shard of a new stream, {@code shardId-000000000000}
     * for the first: the ids this producer's results carry.
     *
     * @param index the shard's position, from 0
     * @return the shard id
     */
    public static String shardId(int index) {
        return EvenShards.id(index);
    }

    // ---------------------------------------------------------------- Producer

    @Override
    public CompletableFuture<RecordResult> putRecord(String stream, String partitionKey, byte[] data) {
        return put(stream, partitionKey, null, data, null);
    }

    @Override
    public CompletableFuture<RecordResult> putRecord(String stream, String partitionKey, ByteBuffer data) {
        return put(stream, partitionKey, null, data == null ? null : UserRecords.copy(data), null);
    }

    @Override
    public CompletableFuture<RecordResult> putRecord(String stream, String partitionKey, String explicitHashKey,
            byte[] data) {
        return put(stream, partitionKey, explicitHashKey, data, null);
    }

    @Override
    public CompletableFuture<RecordResult> putRecord(String stream, String partitionKey, String explicitHashKey,
            ByteBuffer data) {
        return put(stream, partitionKey, explicitHashKey, data == null ? null : UserRecords.copy(data), null);
    }

    @Override
    public CompletableFuture<RecordResult> putRecord(UserRecord record) {
        Objects.requireNonNull(record, "record");
        return put(record.stream(), record.partitionKey(), record.explicitHashKey(), UserRecords.data(record), record);
    }

    /** As the real producer's put: the same checks in the same order, then into the pending queue. */
    private CompletableFuture<RecordResult> put(String stream, String partitionKey, String explicitHashKey,
            byte[] data, UserRecord given) {
        if (closed) {
            throw RecordValidator.closed();
        }
        int keyBytes = validator.validate(stream, partitionKey, data);
        HashKey hash = explicitHashKey != null ? HashKey.parseDecimal(explicitHashKey)
                : HashKey.ofPartitionKey(partitionKey);
        UserRecord record = given != null ? given : UserRecord.builder().stream(stream).partitionKey(partitionKey)
                .explicitHashKey(explicitHashKey).data(data).build();
        Pending p = new Pending(new CompletableFuture<>(), shards.shardFor(hash), keyBytes + data.length);
        lock.lock();
        try {
            awaitRoom();
            p.acceptedAt = clock.instant();
            pending.addLast(p);
            pendingBytes += p.size;
            history.add(record);
            unfinished.add(p.future);
        } finally {
            lock.unlock();
        }
        p.future.whenComplete((r, e) -> unfinished.remove(p.future));
        if (autoComplete) {
            complete(p, null, null);
        }
        return p.future;
    }

    /** Waits, holding the lock, until a record may be added; throws as the real producer does. */
    private void awaitRoom() {
        long deadline = System.nanoTime() + maxBlockTime.toNanos();
        while (true) {
            if (closed) {
                throw RecordValidator.closed();
            }
            if (pending.size() < maxOutstandingRecords) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new ProducerFullException("producer is full: " + pending.size()
                        + " records outstanding (maxOutstandingRecords=" + maxOutstandingRecords
                        + "); the record did not fit within maxBlockTime=" + maxBlockTime.toMillis() + " ms");
            }
            try {
                completed.awaitNanos(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProducerFullException("interrupted while waiting for room in the producer ("
                        + pending.size() + " records outstanding); the record was not accepted", e);
            }
        }
    }

    /**
     * Returns a future completed once every record accepted before this call has its result (its
     * own future completed). Nothing is buffered, so nothing is sent early: with
     * {@code autoComplete(false)} the future waits for the test to complete those records (or for
     * {@link #close()}). Never completes exceptionally.
     */
    @Override
    public CompletableFuture<Void> flush() {
        return CompletableFuture.allOf(unfinished.toArray(new CompletableFuture<?>[0]));
    }

    /** Records put and not completed yet (not counting futures completed late by an asynchronous callback executor). */
    @Override
    public long outstandingRecords() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    /** Partition key + data bytes of the records counted by {@link #outstandingRecords()}. */
    @Override
    public long outstandingBytes() {
        lock.lock();
        try {
            return pendingBytes;
        } finally {
            lock.unlock();
        }
    }

    /** How long, by the builder's clock, the oldest pending record has waited; zero when none is pending. */
    @Override
    public Duration oldestRecordAge() {
        Instant oldest;
        lock.lock();
        try {
            Pending first = pending.peekFirst();
            if (first == null) {
                return Duration.ZERO;
            }
            oldest = first.acceptedAt;
        } finally {
            lock.unlock();
        }
        Duration age = Duration.between(oldest, clock.instant());
        return age.isNegative() ? Duration.ZERO : age;
    }

    /** Metrics that measure nothing: {@code snapshots()} is empty, {@code flush()} completes at once. */
    @Override
    public MetricsManager metrics() {
        return NO_METRICS;
    }

    /** The configuration given to {@link Builder#config(Config)}; only its {@code maxRecordSize} is used. */
    @Override
    public Config config() {
        return config;
    }

    /**
     * Stops accepting records and fails every pending one with error code {@code Closed} (nothing
     * is sent, so nothing drains). Idempotent; a second concurrent call waits for the first to
     * finish, unless it is made by a callback the first one runs.
     */
    @Override
    public void close() {
        List<Pending> left;
        lock.lock();
        try {
            if (closed) {
                left = null;
            } else {
                closed = true;
                closing = Thread.currentThread();
                left = takeAll();
            }
        } finally {
            lock.unlock();
        }
        if (left == null) {
            if (closing != Thread.currentThread()) {
                closeDone.join();
            }
            return;
        }
        try {
            for (Pending p : left) {
                deliver(p, Engine.CLOSED, CLOSED_MESSAGE + " (MockProducer.close() fails what is pending)");
            }
        } finally {
            closeDone.complete(null);
        }
    }

    // ---------------------------------------------------------------- the test's controls

    /**
     * Completes the oldest pending record successfully.
     *
     * @return true if a record was pending, false if none was
     */
    public boolean completeNext() {
        return completeNext(null, null);
    }

    /**
     * Fails the oldest pending record with one failed attempt.
     *
     * @param errorCode    the error code, as Kinesis's ({@code ProvisionedThroughputExceededException},
     *                     {@code InternalFailure}) or the producer's ({@code Expired}); not null
     * @param errorMessage the error message; null is taken as empty
     * @return true if a record was pending, false if none was
     * @throws NullPointerException when {@code errorCode} is null
     */
    public boolean failNext(String errorCode, String errorMessage) {
        return completeNext(Objects.requireNonNull(errorCode, "errorCode"), errorMessage);
    }

    /**
     * Completes every pending record successfully, oldest first.
     *
     * @return how many records were completed
     */
    public int completeAll() {
        return completeAll(null, null);
    }

    /**
     * Fails every pending record, oldest first, each with one failed attempt.
     *
     * @param errorCode    the error code; not null
     * @param errorMessage the error message; null is taken as empty
     * @return how many records were failed
     * @throws NullPointerException when {@code errorCode} is null
     */
    public int failAll(String errorCode, String errorMessage) {
        return completeAll(Objects.requireNonNull(errorCode, "errorCode"), errorMessage);
    }

    /**
     * Every record accepted since creation or the last {@link #clear()}, in put order, completed or
     * not. Records put with data arrays are kept as {@link UserRecord}s sharing those arrays.
     *
     * @return an immutable copy
     */
    public List<UserRecord> history() {
        lock.lock();
        try {
            return List.copyOf(history);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets the {@link #history()}; pending records stay pending. */
    public void clear() {
        lock.lock();
        try {
            history.clear();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    public boolean closed() {
        return closed;
    }

    private boolean completeNext(String errorCode, String errorMessage) {
        Pending p;
        lock.lock();
        try {
            p = pending.pollFirst();
            if (p == null) {
                return false;
            }
            released(p);
        } finally {
            lock.unlock();
        }
        deliver(p, errorCode, errorMessage);
        return true;
    }

    private int completeAll(String errorCode, String errorMessage) {
        List<Pending> all;
        lock.lock();
        try {
            all = takeAll();
        } finally {
            lock.unlock();
        }
        for (Pending p : all) {
            deliver(p, errorCode, errorMessage);
        }
        return all.size();
    }

    /** Completes one given record (auto-complete) unless close() or the test took it first. */
    private void complete(Pending p, String errorCode, String errorMessage) {
        lock.lock();
        try {
            if (!pending.remove(p)) {
                return;
            }
            released(p);
        } finally {
            lock.unlock();
        }
        deliver(p, errorCode, errorMessage);
    }

    private List<Pending> takeAll() {
        List<Pending> all = new ArrayList<>(pending);
        pending.clear();
        pendingBytes = 0;
        completed.signalAll();
        return all;
    }

    private void released(Pending p) {
        pendingBytes -= p.size;
        completed.signalAll();
    }

    /** Builds the result (success when errorCode is null) and completes the future on the callback executor. */
    private void deliver(Pending p, String errorCode, String errorMessage) {
        Instant now = clock.instant();
        Duration waited = Duration.between(p.acceptedAt, now);
        Duration delay = waited.isNegative() ? Duration.ZERO : waited;
        RecordResult result;
        if (errorCode == null) {
            String sequenceNumber = String.format("49%054d", sequence.incrementAndGet());
            result = RecordResult.success(List.of(Attempt.success(now, now, delay, p.shardId, sequenceNumber)));
        } else {
            result = RecordResult.failure(List.of(Attempt.failure(now, now, delay, errorCode, errorMessage)));
        }
        try {
            callbackExecutor.execute(() -> p.future.complete(result));
        } catch (RejectedExecutionException e) {
            p.future.complete(result); // a shut-down executor must not leave the future hanging
        }
    }

    /** A record between put and completion. */
    private static final class Pending {
        final CompletableFuture<RecordResult> future;
        final String shardId;
        final int size;
        Instant acceptedAt;

        Pending(CompletableFuture<RecordResult> future, String shardId, int size) {
            this.future = future;
            this.shardId = shardId;
            this.size = size;
        }
    }

    /**
     * Builds a {@link MockProducer}: {@code MockProducer.builder().autoComplete(false).build()}.
     * {@link #build()} validates every field and names the bad one with its value.
     */
    public static final class Builder {
        private Config config;
        private boolean autoComplete = true;
        private int shardCount = 1;
        private long maxOutstandingRecords = Long.MAX_VALUE;
        private Duration maxBlockTime = Duration.ZERO;
        private Executor callbackExecutor = Runnable::run;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * Whether each record completes successfully as it is put (the default, true), or stays
         * pending until {@link MockProducer#completeNext()} and the like (false): turn it off to
         * test failures, timing or backpressure.
         *
         * @param autoComplete true to complete records as they are put
         * @return this builder
         */
        public Builder autoComplete(boolean autoComplete) {
            this.autoComplete = autoComplete;
            return this;
        }

        /**
         * How many evenly split shards each stream has, for the shard ids of successful results
         * (default 1, {@code shardId-000000000000}); in [1, 100000].
         *
         * @param shardCount the number of shards
         * @return this builder
         */
        public Builder shardCount(int shardCount) {
            this.shardCount = shardCount;
            return this;
        }

        /**
         * The configuration {@link MockProducer#config()} returns; its {@code maxRecordSize} limits
         * records as in the real producer. Its other settings (outstanding limits, executor, metrics)
         * are not used: set those on this builder. Default (and when null):
         * {@code Config.builder().region("us-east-1").build()}.
         *
         * @param config the configuration
         * @return this builder
         */
        public Builder config(Config config) {
            this.config = config;
            return this;
        }

        /**
         * The most records pending at once; beyond it {@code putRecord} waits up to
         * {@link #maxBlockTime(Duration)} and then throws {@link ProducerFullException}. Default: no
         * limit ({@code Long.MAX_VALUE}); at least 1. Only meaningful with {@code autoComplete(false)}.
         *
         * @param maxOutstandingRecords the limit
         * @return this builder
         */
        public Builder maxOutstandingRecords(long maxOutstandingRecords) {
            this.maxOutstandingRecords = maxOutstandingRecords;
            return this;
        }

        /**
         * How long {@code putRecord} waits for room when {@link #maxOutstandingRecords(long)} is
         * reached, in real time: another thread may complete a record meanwhile. Default
         * {@link Duration#ZERO} (fail at once, so tests never wait); in [0, 1 day].
         *
         * @param maxBlockTime the longest wait
         * @return this builder
         */
        public Builder maxBlockTime(Duration maxBlockTime) {
            this.maxBlockTime = maxBlockTime;
            return this;
        }

        /**
         * Where record futures are completed (and so where {@code thenAccept} callbacks run).
         * Default: directly on the thread that completes the record. A shut-down executor that
         * rejects the task gets it run on the completing thread instead.
         *
         * @param callbackExecutor the executor, not null
         * @return this builder
         */
        public Builder callbackExecutor(Executor callbackExecutor) {
            this.callbackExecutor = callbackExecutor;
            return this;
        }

        /**
         * The clock of attempt times and {@link MockProducer#oldestRecordAge()}; pass a fixed or
         * hand-advanced {@link Clock} to make them exact. Default: {@link Clock#systemUTC()}.
         *
         * @param clock the clock, not null
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Validates and builds the producer.
         *
         * @return a new, open producer
         * @throws IllegalArgumentException naming the first invalid field and its value
         */
        public MockProducer build() {
            if (shardCount < 1 || shardCount > 100_000) {
                throw new IllegalArgumentException("shardCount must be in [1, 100000] (got " + shardCount + ")");
            }
            if (maxOutstandingRecords < 1) {
                throw new IllegalArgumentException(
                        "maxOutstandingRecords must be at least 1 (got " + maxOutstandingRecords + ")");
            }
            if (maxBlockTime == null || maxBlockTime.isNegative() || maxBlockTime.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("maxBlockTime must be in [PT0S, PT24H] (got " + maxBlockTime + ")");
            }
            if (callbackExecutor == null) {
                throw new IllegalArgumentException("callbackExecutor must not be null");
            }
            if (clock == null) {
                throw new IllegalArgumentException("clock must not be null");
            }
            return new MockProducer(this);
        }
    }
}
