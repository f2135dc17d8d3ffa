package dev.aiokpl.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aiokpl.Attempt;
import dev.aiokpl.Config;
import dev.aiokpl.Producer;
import dev.aiokpl.RecordResult;
import dev.aiokpl.testkit.FaultProxy;
import dev.aiokpl.testkit.HashKeys;
import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Issue 12, defect 1 (SPEC section 3, Backpressure): the heap the producer retains is what it reports
 * outstanding plus a small per-record overhead, whatever one throttled shard does; a completed record
 * is never retained.
 *
 * <p>The user's scenario, kept short: 4 shards on kinesalite, a client interceptor answers every entry
 * that lands on {@value #HOT_SHARD} with {@code ProvisionedThroughputExceededException} (so those records
 * are retried until {@code recordTtl}, 30 s, longer than this test), and 2 KiB records with random
 * partition keys go in at 3 000/s. One record in {@value #HOT_ONE_IN} goes to the hot shard (keys drawn
 * until one hashes where wanted) rather than a quarter: what a throttled record legitimately costs (its
 * data, the aggregate it is encoded into, the SDK's copies while it is retried) is about 3 bytes of
 * heap per byte, and with a quarter of the records outstanding that is about as much as the defect adds
 * for the three quarters that completed, so the test could not tell a fixed producer from a broken one.
 *
 * <p>Once the other shards' records are complete and the client's idle connections closed (so what the
 * SDK keeps of their requests does not blur the figure), with the throttled records still outstanding,
 * the heap grown since the start (after GC) must stay within the bound docs/reliability.md states:
 * {@link #HEAP_PER_BYTE} × {@code outstandingBytes()} + {@link #PER_RECORD_OVERHEAD} ×
 * {@code outstandingRecords()} + {@link #SLACK}. A producer that keeps completed records behind a
 * long-lived one grows by about every record ever accepted instead (2.6 KiB each here).
 * {@code oldestRecordAge()} must stay exact meanwhile, and {@code close()} with a short
 * {@code closeTimeout} must complete every future.
 */
@IntegrationTest
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HotShardMemoryIT {

    static final Duration PUT_PHASE = Duration.ofSeconds(Long.getLong("aiokpl.faults.hotShardMemorySeconds", 8));
    static final double PER_SECOND = 3_000;
    static final int DATA_SIZE = 2048;
    static final int SHARDS = 4;
    static final String HOT_SHARD = "shardId-000000000000";
    /** One record in this many goes to the hot shard. */
    static final int HOT_ONE_IN = 50;
    static final long MIB = 1024 * 1024;
    /**
     * Heap per outstanding byte, as docs/reliability.md states it (BackpressureIT): the data, the
     * aggregate it was encoded into, and the SDK's serialized request (JSON, so base64) while in flight.
     */
    static final double HEAP_PER_BYTE = 4;
    /**
     * Heap per outstanding record beyond its bytes: the pending record, its partition key, future, attempt
     * history and aggregation bookkeeping, plus this test's entry for it. Generous: JMH measures about
     * 300 bytes for a record on the hot path.
     */
    static final long PER_RECORD_OVERHEAD = 1024;
    /**
     * Fixed: the idle producer (about 1 MiB), the jars and classes the SDK opens after the baseline (about
     * 6 MiB), Netty's and the SDK's buffers, what GC timing leaves around.
     */
    static final long SLACK = 24 * MIB;
    /** How far {@code oldestRecordAge()} may exceed the age of the oldest record this test knows outstanding. */
    static final Duration AGE_TOLERANCE = Duration.ofMillis(50);
    /** How long the records of the three other shards may take to complete after the put phase. */
    static final Duration COLD_DRAIN = Duration.ofSeconds(20);
    /**
     * The client's idle connections close after this. Each pooled Netty connection of the SDK keeps its
     * last request (the serialized body, the request's SdkBytes) until it is reused or closed: up to
     * maxConnections (24) requests of up to 768 KiB of data, more than the producer holds here.
     */
    static final Duration IDLE_CONNECTION = Duration.ofMillis(500);
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);
    /** After close() returns, futures complete on the callback executor. */
    static final Duration COMPLETION_GRACE = Duration.ofSeconds(5);

    @Test
    void aThrottledShardDoesNotPinCompletedRecordsInTheHeap() throws InterruptedException {
        long testStart = System.nanoTime();
        KinesisEmulator kinesalite = KinesisEmulator.kinesalite();
        String stream = kinesalite.uniqueStreamName("faults-hot-shard-memory");
        kinesalite.createStream(stream, SHARDS);
        Shard hot = kinesalite.listShards(stream).stream().filter(s -> s.shardId().equals(HOT_SHARD)).findFirst()
                .orElseThrow();
        ThrottleShard throttle = new ThrottleShard(HOT_SHARD);
        Tracker tracker = new Tracker();
        SplittableRandom random = new SplittableRandom(12);
        try (KinesisAsyncClient client = KinesisEmulator.buildWithCborDisabled(() -> kinesalite
                .configure(KinesisAsyncClient.builder())
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1).maxConcurrency(64)
                        .connectionMaxIdleTime(IDLE_CONNECTION))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .addExecutionInterceptor(throttle))
                .build())) {
            Config config = Config.builder().region(kinesalite.region()).closeTimeout(CLOSE_TIMEOUT).build();
            long baseline = usedHeapAfterGc();
            long start = System.nanoTime();
            Producer producer = Producer.create(config, client);
            Snapshot at;
            try {
                long accepted = Scenarios.pace(PUT_PHASE, PER_SECOND, i -> {
                    boolean toHot = random.nextInt(HOT_ONE_IN) == 0;
                    String key;
                    do {
                        key = Long.toHexString(random.nextLong());
                    } while (HashKeys.inRange(hot, HashKeys.of(key)) != toHot);
                    String partitionKey = key;
                    byte[] data = new byte[DATA_SIZE];
                    ByteBuffer.wrap(data).putLong(i);
                    tracker.put(i, toHot, () -> producer.putRecord(stream, partitionKey, data));
                });
                long putNanos = System.nanoTime() - start;
                Duration coldDrain = tracker.awaitCold(COLD_DRAIN);
                // what the client's idle connections keep is the SDK's, not the producer's: let them close
                TimeUnit.MILLISECONDS.sleep(IDLE_CONNECTION.plus(IDLE_CONNECTION).toMillis());
                long heapGrowth = usedHeapAfterGc() - baseline;
                at = tracker.snapshot(producer, accepted, putNanos, coldDrain, heapGrowth);
            } finally {
                producer.close();
            }
            long unfinished = tracker.awaitAll(COMPLETION_GRACE);

            String report = String.format(Locale.ROOT, "hot shard memory: %d records of %d B accepted in %.1f s, %d "
                    + "to %s (%d entries throttled there); %d ms for the other shards' records to complete (%d "
                    + "left); then: heap grown %.1f MiB after GC, outstandingBytes %.1f MiB, outstandingRecords %d "
                    + "(bound %.1f MiB = %.0f x outstandingBytes + %d B x outstandingRecords + %d MiB); "
                    + "oldestRecordAge %d ms, oldest known outstanding %d..%d ms; after close: %s, %d unfinished; "
                    + "%.1f s in all",
                    at.accepted, DATA_SIZE, at.putNanos / 1e9, tracker.hotPuts.sum(), HOT_SHARD,
                    throttle.throttled.get(), at.coldDrain.toMillis(), at.coldLeft, at.heapGrowth / (double) MIB,
                    at.outstandingBytes / (double) MIB, at.outstandingRecords, at.bound() / (double) MIB,
                    HEAP_PER_BYTE, PER_RECORD_OVERHEAD, SLACK / MIB, at.age.toMillis(),
                    at.knownAgeAtLeast.toMillis(), at.knownAgeAtMost.toMillis(), tracker.outcomes(), unfinished,
                    (System.nanoTime() - testStart) / 1e9);
            System.out.println(report);

            assertThat(unfinished).as("futures not completed after close(): " + report).isZero();
            assertThat(tracker.exceptional.sum()).as("futures completed exceptionally: " + report).isZero();
            assertThat(throttle.throttled.get()).as("entries throttled: " + report).isPositive();
            assertThat(at.coldLeft).as("other shards' records not completed: " + report).isZero();
            assertThat(at.accepted).as("records ever accepted, against those outstanding: " + report)
                    .isGreaterThanOrEqualTo(10 * at.outstandingRecords);
            assertThat(at.age).as("oldestRecordAge() against the oldest record known outstanding: " + report)
                    .isBetween(at.knownAgeAtLeast, at.knownAgeAtMost.plus(AGE_TOLERANCE));
            assertThat(at.heapGrowth).as("heap grown, against what the producer reports outstanding: " + report)
                    .isLessThanOrEqualTo(at.bound());
        }
    }

    /** What the producer and the heap said once only the hot shard's records were outstanding. */
    record Snapshot(long accepted, long putNanos, Duration coldDrain, long coldLeft, long heapGrowth,
            long outstandingBytes, long outstandingRecords, Duration age, Duration knownAgeAtLeast,
            Duration knownAgeAtMost) {

        long bound() {
            return (long) (HEAP_PER_BYTE * outstandingBytes) + outstandingRecords * PER_RECORD_OVERHEAD + SLACK;
        }
    }

    /**
     * The records this test put whose futures are not done yet (only those: holding completed futures
     * would retain their results in the heap measured), and how the others ended.
     */
    static final class Tracker {
        /** Put order to {putRecord called, putRecord returned} (nanoTime), for futures not done. */
        private final ConcurrentSkipListMap<Long, long[]> notDone = new ConcurrentSkipListMap<>();
        private final LongAdder coldNotDone = new LongAdder();
        private final LongAdder hotPuts = new LongAdder();
        private final LongAdder succeeded = new LongAdder();
        private final LongAdder exceptional = new LongAdder();
        private final Map<String, LongAdder> failedByCode = new ConcurrentHashMap<>();

        void put(long index, boolean hot, Supplier<CompletableFuture<RecordResult>> put) {
            long before = System.nanoTime();
            CompletableFuture<RecordResult> future = put.get();
            notDone.put(index, new long[] {before, System.nanoTime()});
            if (hot) {
                hotPuts.increment();
            } else {
                coldNotDone.increment();
            }
            future.whenComplete((result, error) -> {
                if (error != null) {
                    exceptional.increment();
                } else if (result.successful()) {
                    succeeded.increment();
                } else {
                    List<Attempt> attempts = result.attempts();
                    String code = attempts.isEmpty() ? "none" : attempts.get(attempts.size() - 1).errorCode();
                    failedByCode.computeIfAbsent(code, k -> new LongAdder()).increment();
                }
                if (!hot) {
                    coldNotDone.decrement();
                }
                notDone.remove(index);
            });
        }

        /** Waits up to {@code limit} for every record of the other shards; returns how long it took. */
        Duration awaitCold(Duration limit) {
            long start = System.nanoTime();
            try {
                await().atMost(limit).pollInterval(Duration.ofMillis(20)).until(() -> coldNotDone.sum() == 0);
            } catch (ConditionTimeoutException e) {
                // reported by the snapshot's coldLeft
            }
            return Duration.ofNanos(System.nanoTime() - start);
        }

        Snapshot snapshot(Producer producer, long accepted, long putNanos, Duration coldDrain, long heapGrowth) {
            long bytes = producer.outstandingBytes();
            long records = producer.outstandingRecords();
            long readStart = System.nanoTime();
            Duration age = producer.oldestRecordAge();
            long readEnd = System.nanoTime();
            Map.Entry<Long, long[]> oldest = notDone.firstEntry();
            Duration atLeast = oldest == null ? Duration.ZERO : Duration.ofNanos(readStart - oldest.getValue()[1]);
            Duration atMost = oldest == null ? Duration.ZERO : Duration.ofNanos(readEnd - oldest.getValue()[0]);
            return new Snapshot(accepted, putNanos, coldDrain, coldNotDone.sum(), heapGrowth, bytes, records, age,
                    atLeast, atMost);
        }

        /** Waits up to {@code grace} for every future; returns how many are still not done. */
        long awaitAll(Duration grace) {
            try {
                await().atMost(grace).pollInterval(Duration.ofMillis(20)).until(notDone::isEmpty);
            } catch (ConditionTimeoutException e) {
                // reported as unfinished
            }
            return notDone.size();
        }

        String outcomes() {
            Map<String, Long> failed = new TreeMap<>();
            failedByCode.forEach((k, v) -> failed.put(k, v.sum()));
            return succeeded.sum() + " succeeded, failed " + failed;
        }
    }

    /**
     * Answers every PutRecords entry that landed on one shard with
     * {@code ProvisionedThroughputExceededException}, as the service does for a hot shard (the emulator
     * stored it; the producer is told otherwise and retries).
     */
    static final class ThrottleShard implements ExecutionInterceptor {
        private final String shardId;
        final AtomicLong throttled = new AtomicLong();

        ThrottleShard(String shardId) {
            this.shardId = shardId;
        }

        @Override
        public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
            if (!(context.response() instanceof PutRecordsResponse response)) {
                return context.response();
            }
            List<PutRecordsResultEntry> entries = new ArrayList<>(response.records().size());
            int failed = 0;
            for (PutRecordsResultEntry e : response.records()) {
                if (shardId.equals(e.shardId())) {
                    e = PutRecordsResultEntry.builder().errorCode(FaultProxy.THROTTLED)
                            .errorMessage("Rate exceeded for shard " + shardId + " under account "
                                    + FaultProxy.ACCOUNT + ".")
                            .build();
                    throttled.incrementAndGet();
                }
                if (e.errorCode() != null) {
                    failed++;
                }
                entries.add(e);
            }
            return response.toBuilder().records(entries).failedRecordCount(failed).build();
        }
    }

    /** Used heap after full collections, repeated until two readings agree within 1 MiB (at most 8). */
    static long usedHeapAfterGc() {
        long previous = Long.MAX_VALUE;
        long used = Long.MAX_VALUE;
        for (int round = 0; round < 8; round++) {
            System.gc();
            long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            used = Math.min(used, now);
            if (Math.abs(now - previous) < MIB) {
                break;
            }
            previous = now;
        }
        return used;
    }
}
