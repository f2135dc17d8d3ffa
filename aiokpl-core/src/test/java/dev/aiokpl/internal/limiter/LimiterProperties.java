package dev.aiokpl.internal.limiter;

import static dev.aiokpl.internal.testing.TestRecords.kinesisRecord;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.internal.limiter.TokenBucketProperties.Take;
import dev.aiokpl.internal.record.KinesisRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * The limiter's per-shard budget over any window, for records and for bytes, under random offers
 * and clock advances; and that it never stalls: a queued record always has a wake time in the
 * future at which something passes.
 */
class LimiterProperties {

    record Step(long advanceNanos, int offers, int maxSize, int shard, boolean jumpToWake) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Long> advance = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(0L)),
                Tuple.of(5, Arbitraries.longs().between(1, 20_000_000L)),
                Tuple.of(2, Arbitraries.longs().between(20_000_000L, 1_500_000_000L)));
        Arbitrary<Integer> offers = Arbitraries.integers().between(0, 40);
        Arbitrary<Integer> maxSize = Arbitraries.of(50, 5_000, 100_000, 400_000);
        Arbitrary<Integer> shard = Arbitraries.integers().between(0, 2);
        Arbitrary<Boolean> jump = Arbitraries.of(true, false);
        return Combinators.combine(advance, offers, maxSize, shard, jump).as(Step::new).list().ofMaxSize(60);
    }

    @Property(tries = 100)
    void perShardRecordsAndBytesStayWithinBudgetOverAnyWindow(@ForAll @IntRange(min = 1, max = 300) int rateLimit,
            @ForAll("steps") List<Step> steps, @ForAll long seed) {
        java.util.Random random = new java.util.Random(seed);
        Limiter limiter = new Limiter(rateLimit);
        double recordRate = Limiter.SHARD_RECORDS_PER_SECOND * rateLimit / 100.0;
        double byteRate = Limiter.SHARD_BYTES_PER_SECOND * rateLimit / 100.0;
        Map<String, List<Take>> recordTakes = new HashMap<>();
        Map<String, List<Take>> byteTakes = new HashMap<>();
        long[] now = {0};
        int offered = 0;
        int passed = 0;
        int largest = 0;
        for (Step s : steps) {
            now[0] += s.advanceNanos();
            for (int i = 0; i < s.offers(); i++) {
                int size = 1 + random.nextInt(s.maxSize());
                largest = Math.max(largest, size);
                String shard = "shard-" + ((s.shard() + i) % 3);
                limiter.offer(kinesisRecord(shard, Math.max(2, size), now[0] + random.nextInt(1_000_000_000), now[0]),
                        now[0]);
                offered++;
            }
            List<KinesisRecord> out = new ArrayList<>();
            java.util.function.Consumer<KinesisRecord> log = kr -> {
                out.add(kr);
                recordTakes.computeIfAbsent(kr.predictedShard(), k -> new ArrayList<>()).add(new Take(now[0], 1));
                byteTakes.computeIfAbsent(kr.predictedShard(), k -> new ArrayList<>()).add(new Take(now[0], kr.size()));
            };
            limiter.drain(now[0], Long.MIN_VALUE, log, kr -> {
                throw new AssertionError("nothing expires here");
            });
            if (limiter.queued() > 0) {
                long wake = limiter.nextWakeNanos(now[0]);
                assertThat(wake).as("a queued record that could not pass must wake later").isGreaterThan(now[0]);
                if (s.jumpToWake()) {
                    assertThat(wake - now[0]).as("wait at most the time to fill the bucket for the largest record")
                            .isLessThanOrEqualTo(1_000_000_000L * Math.max(1, (long) Math.ceil(
                                    Math.max(largest, 2) / byteRate)) + 1_000_000_000L);
                    now[0] = wake;
                    int before = out.size();
                    limiter.drain(now[0], Long.MIN_VALUE, log, kr -> {
                        throw new AssertionError("nothing expires here");
                    });
                    assertThat(out.size()).as("at the wake time something passes").isGreaterThan(before);
                }
            }
            passed += out.size();
        }
        assertThat(passed + limiter.queued()).isEqualTo(offered);
        for (List<Take> t : recordTakes.values()) {
            TokenBucketProperties.assertBudget(t, recordRate, 0);
        }
        for (List<Take> t : byteTakes.values()) {
            TokenBucketProperties.assertBudget(t, byteRate, Math.max(0, largest - byteRate));
        }
    }

    @Property(tries = 100)
    void eachShardDrainsInDeadlineOrder(@ForAll("deadlines") List<Long> deadlines) {
        Limiter limiter = new Limiter(1); // 10 records/s: most records queue
        long now = 0;
        for (long d : deadlines) {
            limiter.offer(kinesisRecord("s", 10, d, now), now);
        }
        List<Long> order = new ArrayList<>();
        for (int i = 0; i < 200 && limiter.queued() > 0; i++) {
            limiter.drain(now, Long.MIN_VALUE, kr -> order.add(kr.deadlineNanos()), kr -> { });
            now = Math.max(now + 1, limiter.nextWakeNanos(now));
        }
        assertThat(order).hasSize(deadlines.size()).isSorted();
    }

    @Provide
    Arbitrary<List<Long>> deadlines() {
        return Arbitraries.longs().between(0, 1_000_000_000L).list().ofMaxSize(60);
    }
}
