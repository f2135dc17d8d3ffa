package dev.aiokpl.internal.limiter;

import static dev.aiokpl.internal.testing.TestRecords.aggregate;
import static dev.aiokpl.internal.testing.TestRecords.STREAM;
import static dev.aiokpl.internal.testing.TestRecords.bytes;
import static dev.aiokpl.internal.testing.TestRecords.kinesisRecord;
import static dev.aiokpl.internal.testing.TestRecords.pending;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.record.PendingRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LimiterTest {

    private static final long T0 = 1_000_000_000_000L;
    private static final long SECOND = 1_000_000_000L;
    private static final Consumer<KinesisRecord> NO_EXPIRY = kr -> {
        throw new AssertionError("unexpected expiry of " + kr);
    };

    private final List<KinesisRecord> out = new ArrayList<>();
    private final List<KinesisRecord> expired = new ArrayList<>();

    @ParameterizedTest(name = "rateLimit={0}% lets {1} records through a fresh shard")
    @CsvSource({"100, 1000", "150, 1500", "50, 500", "1, 10", "300, 3000"})
    void rateLimitScalesTheRecordBudget(long rateLimit, int expected) {
        Limiter limiter = new Limiter(rateLimit);
        for (int i = 0; i < 7000; i++) {
            limiter.offer(kinesisRecord("s1", 10, T0 + i, T0), T0);
        }
        limiter.drain(T0, Long.MIN_VALUE, out::add, NO_EXPIRY);
        assertThat(out).hasSize(expected);

        out.clear();
        limiter.drain(T0 + SECOND, Long.MIN_VALUE, out::add, NO_EXPIRY);
        assertThat(out).as("one second later, one second's worth more").hasSize(expected);
    }

    @ParameterizedTest(name = "rateLimit={0}% lets {1} records of 100 KiB through a fresh shard")
    @CsvSource({"100, 10", "150, 15", "50, 5"})
    void rateLimitScalesTheByteBudget(long rateLimit, int expected) {
        Limiter limiter = new Limiter(rateLimit);
        for (int i = 0; i < 40; i++) {
            limiter.offer(kinesisRecord("s1", 100 * 1024, T0 + i, T0), T0);
        }
        limiter.drain(T0, Long.MIN_VALUE, out::add, NO_EXPIRY);
        assertThat(out).hasSize(expected);
    }

    @Test
    void oneTokenPerKinesisRecordHoweverManyUserRecordsItCarries() {
        Limiter limiter = new Limiter(100);
        for (int i = 0; i < 1001; i++) {
            limiter.offer(aggregate("s1", 10, 20, T0 + i, T0), T0);
        }
        limiter.drain(T0, Long.MIN_VALUE, out::add, NO_EXPIRY);
        assertThat(out).hasSize(1000);
        assertThat(out.stream().mapToInt(kr -> kr.records().size()).sum()).isEqualTo(10_000);
        assertThat(limiter.queued()).isEqualTo(1);
    }

    @Test
    void shardsHaveSeparateBudgets() {
        Limiter limiter = new Limiter(100);
        for (int i = 0; i < 1500; i++) {
            limiter.offer(kinesisRecord("s1", 10, T0 + i, T0), T0);
            limiter.offer(kinesisRecord("s2", 10, T0 + i, T0), T0);
        }
        limiter.drain(T0, Long.MIN_VALUE, out::add, NO_EXPIRY);
        assertThat(out).filteredOn(kr -> kr.predictedShard().equals("s1")).hasSize(1000);
        assertThat(out).filteredOn(kr -> kr.predictedShard().equals("s2")).hasSize(1000);
    }

    @Test
    void queuedRecordsLeaveInDeadlineOrder() {
        Limiter limiter = new Limiter(1); // 10 records/s, bucket of 10
        for (int i = 0; i < 10; i++) {
            limiter.offer(kinesisRecord("s1", 10, T0, T0), T0);
        }
        limiter.drain(T0, Long.MIN_VALUE, out::add, NO_EXPIRY);
        assertThat(out).hasSize(10);
        out.clear();

        limiter.offer(kinesisRecord("s1", 10, T0 + 30, T0), T0);
        limiter.offer(kinesisRecord("s1", 10, T0 + 10, T0), T0);
        limiter.offer(kinesisRecord("s1", 10, T0 + 20, T0), T0);
        limiter.drain(T0, Long.MIN_VALUE, out::add, NO_EXPIRY);
        assertThat(out).isEmpty();

        long wake = limiter.nextWakeNanos(T0);
        assertThat(wake - T0).as("one token at 10/s (and a nanosecond against rounding)").isEqualTo(SECOND / 10 + 1);
        limiter.drain(T0 + SECOND / 10 - 1, Long.MIN_VALUE, out::add, NO_EXPIRY);
        assertThat(out).as("not early").isEmpty();
        long now = T0 + SECOND / 10 - 1;
        for (int i = 1; i <= 3; i++) {
            now = limiter.nextWakeNanos(now);
            limiter.drain(now, Long.MIN_VALUE, out::add, NO_EXPIRY);
            assertThat(out).as("one record at each wake").hasSize(i);
        }
        assertThat(out).extracting(KinesisRecord::deadlineNanos).containsExactly(T0 + 10, T0 + 20, T0 + 30);
        assertThat(limiter.nextWakeNanos(T0 + SECOND)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void recordsThatExpireWhileWaitingGoToExpired() {
        Limiter limiter = new Limiter(1);
        for (int i = 0; i < 10; i++) {
            limiter.offer(kinesisRecord("s1", 10, T0, T0), T0);
        }
        limiter.drain(T0, Long.MIN_VALUE, out::add, NO_EXPIRY);
        out.clear();
        KinesisRecord old = kinesisRecord("s1", 10, T0 + 1, T0);
        KinesisRecord young = kinesisRecord("s1", 10, T0 + 2, T0 + 5 * SECOND);
        limiter.offer(old, T0);
        limiter.offer(young, T0 + 5 * SECOND);

        // oldest allowed arrival T0 + 1: "old" (arrived at T0) has outlived its TTL, "young" has not
        limiter.drain(T0 + 5 * SECOND, T0 + 1, out::add, expired::add);
        assertThat(expired).containsExactly(old);
        assertThat(out).containsExactly(young);
        assertThat(limiter.queued()).isZero();
    }

    @Test
    void anAggregateExpiresByItsOldestUserRecord() {
        Limiter limiter = new Limiter(1);
        for (int i = 0; i < 10; i++) {
            limiter.offer(kinesisRecord("s1", 10, T0, T0), T0);
        }
        limiter.drain(T0, Long.MIN_VALUE, out::add, NO_EXPIRY);
        out.clear();
        PendingRecord young = pending("young", bytes("y"), T0 + 5 * SECOND);
        PendingRecord old = pending("old", bytes("o"), T0);
        KinesisRecord agg = new KinesisRecord(STREAM, "a", young.hashKey().toDecimalString(), new byte[40],
                List.of(young, old), "s1", T0 + 5 * SECOND);
        limiter.offer(agg, T0 + 5 * SECOND);
        limiter.drain(T0 + 5 * SECOND, T0 + 1, out::add, expired::add);
        assertThat(expired).containsExactly(agg);
        assertThat(out).isEmpty();
    }

    @Test
    void offeringFromTheExpiryCallbackKeepsTheQueuesConsistent() {
        // StreamPipeline re-aggregates the younger user records of an expired aggregate from the
        // expiry callback, which may offer a new Kinesis record to the same shard. Before the fix the
        // shard was listed twice and nextWakeNanos threw a NullPointerException.
        Limiter limiter = new Limiter(100);
        long now = T0 + 10 * SECOND;
        limiter.offer(kinesisRecord("s1", 10, T0, T0), T0);
        limiter.drain(now, T0 + 1, out::add, kr -> {
            expired.add(kr);
            limiter.offer(kinesisRecord("s1", 10, now, now), now);
        });
        assertThat(expired).hasSize(1);
        assertThat(limiter.queued()).isEqualTo(1);
        assertThat(limiter.nextWakeNanos(now)).as("the re-offered record can go at once").isEqualTo(now);

        limiter.drain(now, T0 + 1, out::add, NO_EXPIRY);
        assertThat(out).hasSize(1);
        assertThat(limiter.queued()).isZero();
        assertThat(limiter.nextWakeNanos(now)).isEqualTo(Long.MAX_VALUE);
        assertThat(limiter.drainAll()).isEmpty();
    }

    @Test
    void throttlingCutsTheShardRateInHalfAndItRecoversAdditively() {
        Limiter limiter = new Limiter(100);
        limiter.throttled("s1", T0);
        assertThat(limiter.factor("s1")).isEqualTo(0.5);
        assertThat(limiter.factor("s2")).isEqualTo(1.0);

        // the bucket is capped at the new rate at once
        for (int i = 0; i < 1000; i++) {
            limiter.offer(kinesisRecord("s1", 10, T0 + i, T0), T0);
        }
        limiter.drain(T0, Long.MIN_VALUE, out::add, NO_EXPIRY);
        assertThat(out).hasSize(500);

        // a second report within half a second does not cut again
        limiter.throttled("s1", T0 + SECOND / 4);
        assertThat(limiter.factor("s1")).isCloseTo(0.5 + 0.025, within(1e-9));

        // one second later the factor has recovered by 10 % of the base rate
        limiter.drain(T0 + SECOND + SECOND / 4, Long.MIN_VALUE, out::add, NO_EXPIRY);
        assertThat(limiter.factor("s1")).isCloseTo(0.625, within(1e-9));

        // and it never exceeds the configured rate
        limiter.offer(kinesisRecord("s1", 10, T0, T0), T0 + 60 * SECOND);
        limiter.drain(T0 + 60 * SECOND, Long.MIN_VALUE, out::add, NO_EXPIRY);
        assertThat(limiter.factor("s1")).isEqualTo(1.0);
    }

    @Test
    void repeatedThrottlingBottomsOutAtTenPercent() {
        Limiter limiter = new Limiter(100);
        long now = T0;
        for (int i = 0; i < 10; i++) {
            limiter.throttled("s1", now);
            now += Limiter.CUT_SPACING_NANOS;
        }
        assertThat(limiter.factor("s1")).isCloseTo(Limiter.MIN_FACTOR, within(0.01));
        assertThat(limiter.factor("s1")).isGreaterThanOrEqualTo(Limiter.MIN_FACTOR);
        limiter.throttled(null, now); // no prediction: nothing to slow down
    }

    @Test
    void aThrottledShardRecoversWhileIdle() {
        Limiter limiter = new Limiter(100);
        limiter.throttled("s1", T0);
        limiter.offer(kinesisRecord("s1", 10, T0, T0), T0 + 3 * SECOND);
        limiter.drain(T0 + 3 * SECOND, Long.MIN_VALUE, out::add, NO_EXPIRY);
        assertThat(limiter.factor("s1")).isCloseTo(0.8, within(1e-9));
    }

    @Test
    void unpredictedRecordsPassStraightThrough() {
        Limiter limiter = new Limiter(1);
        for (int i = 0; i < 5000; i++) {
            limiter.offer(kinesisRecord(null, 1000, T0, T0), T0);
        }
        assertThat(limiter.queued()).isEqualTo(5000);
        assertThat(limiter.nextWakeNanos(T0)).as("due now").isEqualTo(T0);
        limiter.drain(T0, Long.MIN_VALUE, out::add, NO_EXPIRY);
        assertThat(out).hasSize(5000);
        assertThat(limiter.queued()).isZero();
        assertThat(limiter.nextWakeNanos(T0)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void drainAllEmptiesEveryQueue() {
        Limiter limiter = new Limiter(1);
        for (int i = 0; i < 30; i++) {
            limiter.offer(kinesisRecord("s" + (i % 3), 10, T0, T0), T0);
        }
        limiter.offer(kinesisRecord(null, 10, T0, T0), T0);
        assertThat(limiter.drainAll()).hasSize(31);
        assertThat(limiter.queued()).isZero();
        assertThat(limiter.nextWakeNanos(T0)).isEqualTo(Long.MAX_VALUE);
    }
}
