package dev.aiokpl.internal.limiter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;

/**
 * The token bucket's budget: whatever the sequence of requests and clock advances, what passes in
 * any window of length T is at most capacity + rate × T (plus, for requests larger than the
 * capacity, the debt one such request may leave).
 */
class TokenBucketProperties {

    /** One step of a simulation: let time pass, then try {@code tries} requests of {@code fraction} × capacity. */
    record Step(long advanceNanos, double fraction, int tries) {
    }

    record Take(long atNanos, double amount) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Long> advance = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(0L)),
                net.jqwik.api.Tuple.of(5, Arbitraries.longs().between(1, 5_000_000L)),
                net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(5_000_000L, 400_000_000L)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(400_000_000L, 3_000_000_000L)));
        Arbitrary<Double> fraction = Arbitraries.doubles().between(0.0001, 1.0).ofScale(6);
        Arbitrary<Integer> tries = Arbitraries.integers().between(1, 20);
        return Combinators.combine(advance, fraction, tries).as(Step::new).list().ofMinSize(1).ofMaxSize(120);
    }

    @Property(tries = 300)
    void anyWindowPassesAtMostCapacityPlusRateTimesLength(
            @ForAll @DoubleRange(min = 1, max = 2_000_000) double rate, @ForAll("steps") List<Step> steps) {
        List<Take> takes = simulate(rate, steps, 1.0);
        assertBudget(takes, rate, 0);
    }

    @Property(tries = 200)
    void oversizeRequestsPassWhenFullAndTheirDebtKeepsTheLongRunRate(
            @ForAll @DoubleRange(min = 1, max = 2_000_000) double rate, @ForAll("steps") List<Step> steps,
            @ForAll @DoubleRange(min = 1, max = 5) double maxMultiple) {
        List<Take> takes = simulate(rate, steps, maxMultiple);
        double largest = takes.stream().mapToDouble(Take::amount).max().orElse(0);
        assertBudget(takes, rate, Math.max(0, largest - rate));
    }

    @Property(tries = 300)
    void nanosUntilIsAlwaysEnough(@ForAll @DoubleRange(min = 1, max = 2_000_000) double rate,
            @ForAll("steps") List<Step> steps) {
        long now = 0;
        TokenBucket bucket = new TokenBucket(rate, now);
        for (Step s : steps) {
            now += s.advanceNanos();
            double n = Math.max(s.fraction() * rate, Math.min(1, rate));
            while (bucket.canTake(n, now)) {
                bucket.take(n);
            }
            long wait = bucket.nanosUntil(n, now);
            assertThat(wait).as("a request that cannot pass must wait").isPositive();
            now += wait;
            assertThat(bucket.canTake(n, now)).as("after waiting nanosUntil=%d ns for %s of rate %s", wait, n, rate)
                    .isTrue();
            bucket.take(n);
        }
    }

    @Property(tries = 100)
    void aFullBucketHoldsOneSecondOfTokens(@ForAll @DoubleRange(min = 1, max = 2_000_000) double rate,
            @ForAll @Size(max = 5) List<@net.jqwik.api.constraints.LongRange(min = 0, max = 10_000_000_000L) Long> idle) {
        long now = 0;
        TokenBucket bucket = new TokenBucket(rate, now);
        for (long i : idle) {
            now += i;
            assertThat(bucket.tokens(now)).isLessThanOrEqualTo(rate);
        }
        assertThat(bucket.tokens(now)).isEqualTo(rate);
    }

    @net.jqwik.api.Example
    void theBudgetCheckCatchesOverspending() {
        double rate = 100;
        assertBudget(List.of(new Take(0, 100), new Take(500_000_000L, 50)), rate, 0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                assertBudget(List.of(new Take(0, 100), new Take(500_000_000L, 51)), rate, 0))
                .isInstanceOf(AssertionError.class).hasMessageContaining("passed 151");
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                assertBudget(List.of(new Take(0, 1), new Take(7, 60), new Take(9, 41), new Take(2_000_000_000L, 1)),
                        rate, 0))
                .isInstanceOf(AssertionError.class);
    }

    private static List<Take> simulate(double rate, List<Step> steps, double maxMultiple) {
        long now = 0;
        TokenBucket bucket = new TokenBucket(rate, now);
        List<Take> takes = new ArrayList<>();
        for (Step s : steps) {
            now += s.advanceNanos();
            double n = s.fraction() * rate * maxMultiple;
            for (int i = 0; i < s.tries(); i++) {
                if (bucket.canTake(n, now)) {
                    bucket.take(n);
                    takes.add(new Take(now, n));
                }
            }
        }
        return takes;
    }

    /**
     * Every window [t_i, t_j] between two takes passes at most capacity + rate × (t_j - t_i) + slack.
     * Linear: for each i, the worst j maximises prefix(j) - rate × t_j, kept as a suffix maximum.
     */
    static void assertBudget(List<Take> takes, double rate, double slack) {
        int n = takes.size();
        double[] prefix = new double[n + 1];
        for (int i = 0; i < n; i++) {
            prefix[i + 1] = prefix[i] + takes.get(i).amount();
        }
        double best = Double.NEGATIVE_INFINITY;
        int bestJ = -1;
        for (int i = n - 1; i >= 0; i--) {
            double v = prefix[i + 1] - rate * takes.get(i).atNanos() / 1e9;
            if (v > best) {
                best = v;
                bestJ = i;
            }
            double passed = prefix[bestJ + 1] - prefix[i];
            double seconds = (takes.get(bestJ).atNanos() - takes.get(i).atNanos()) / 1e9;
            double budget = rate + rate * seconds + slack;
            double tolerance = 1e-9 * (prefix[bestJ + 1] + rate * takes.get(bestJ).atNanos() / 1e9) + 1e-9;
            if (passed > budget + tolerance) {
                throw new AssertionError("window [" + takes.get(i).atNanos() + ", " + takes.get(bestJ).atNanos()
                        + "] ns passed " + passed + " > capacity " + rate + " + rate × " + seconds + " s + " + slack);
            }
        }
    }
}
