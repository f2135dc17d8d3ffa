package dev.aiokpl.testkit;

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
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

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

    private final Config config;
    private final boolean autoComplete;
    private final EvenShards shards;
    private final Clock clock;
    private final RecordValidator validator;
    private final PendingRecords pending;
    private final RecordHistory history = new RecordHistory();
    private final ResultDelivery delivery;
    /** The thread running {@link #close()}, so a callback it runs can call {@code close()} again. */
    private volatile Thread closing;
    private final CompletableFuture<Void> closeDone = new CompletableFuture<>();

    private MockProducer(Builder b) {
        this.config = b.config != null ? b.config : Config.builder().region("us-east-1").build();
        this.autoComplete = b.autoComplete;
        this.clock = b.clock;
        this.validator = new RecordValidator(config.maxRecordSize());
        this.shards = new EvenShards(b.shardCount);
        this.pending = new PendingRecords(b.maxOutstandingRecords, b.maxBlockTime, b.clock);
        this.delivery = new ResultDelivery(b.clock, b.callbackExecutor);
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
        if (pending.closed()) {
            throw RecordValidator.closed();
        }
        int keyBytes = validator.validate(stream, partitionKey, data);
        HashKey hash = explicitHashKey != null ? HashKey.parseDecimal(explicitHashKey)
                : HashKey.ofPartitionKey(partitionKey);
        UserRecord record = given != null ? given : UserRecord.builder().stream(stream).partitionKey(partitionKey)
                .explicitHashKey(explicitHashKey).data(data).build();
        PendingRecord p = new PendingRecord(shards.shardFor(hash), keyBytes + data.length);
        pending.admit(p, () -> history.add(record));
        if (autoComplete && pending.take(p)) { // unless close() took it first
            delivery.deliver(p, null, null);
        }
        return p.future;
    }

    /**
     * Returns a future completed once every record accepted before this call has its result (its
     * own future completed). Nothing is buffered, so nothing is sent early: with
     * {@code autoComplete(false)} the future waits for the test to complete those records (or for
     * {@link #close()}). Never completes exceptionally.
     */
    @Override
    public CompletableFuture<Void> flush() {
        return pending.flush();
    }

    /** Records put and not completed yet (not counting futures completed late by an asynchronous callback executor). */
    @Override
    public long outstandingRecords() {
        return pending.count();
    }

    /** Partition key + data bytes of the records counted by {@link #outstandingRecords()}. */
    @Override
    public long outstandingBytes() {
        return pending.bytes();
    }

    /** How long, by the builder's clock, the oldest pending record has waited; zero when none is pending. */
    @Override
    public Duration oldestRecordAge() {
        Instant oldest = pending.oldestAcceptedAt();
        if (oldest == null) {
            return Duration.ZERO;
        }
        Duration age = Duration.between(oldest, clock.instant());
        return age.isNegative() ? Duration.ZERO : age;
    }

    /** Metrics that measure nothing: {@code snapshots()} is empty, {@code flush()} completes at once. */
    @Override
    public MetricsManager metrics() {
        return NoMetrics.INSTANCE;
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
        List<PendingRecord> left = pending.close();
        if (left == null) {
            if (closing != Thread.currentThread()) {
                closeDone.join();
            }
            return;
        }
        closing = Thread.currentThread();
        try {
            for (PendingRecord p : left) {
                delivery.deliver(p, Engine.CLOSED, CLOSED_MESSAGE + " (MockProducer.close() fails what is pending)");
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
        return history.snapshot();
    }

    /** Forgets the {@link #history()}; pending records stay pending. */
    public void clear() {
        history.clear();
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    public boolean closed() {
        return pending.closed();
    }

    private boolean completeNext(String errorCode, String errorMessage) {
        PendingRecord p = pending.takeNext();
        if (p == null) {
            return false;
        }
        delivery.deliver(p, errorCode, errorMessage);
        return true;
    }

    private int completeAll(String errorCode, String errorMessage) {
        List<PendingRecord> all = pending.takeAll();
        for (PendingRecord p : all) {
            delivery.deliver(p, errorCode, errorMessage);
        }
        return all.size();
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
