package dev.aiokpl.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Each delay lies in [50 %, 100 %] of min(base × 2^(failures-1), max), for any base, max and attempt. */
class BackoffProperties {

    @Property(tries = 2000)
    void delaysStayWithinTheJitterBounds(@ForAll @LongRange(min = 1, max = 3_600_000_000_000L) long maxNanos,
            @ForAll @LongRange(min = 1, max = 3_600_000_000_000L) long base,
            @ForAll @IntRange(min = -1, max = 200) int failedAttempts,
            @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double random) {
        long baseNanos = Math.min(base, maxNanos);
        Backoff backoff = new Backoff(baseNanos, maxNanos, () -> random);
        int shift = Math.max(0, failedAttempts - 1);
        long exp = BigInteger.valueOf(baseNanos).shiftLeft(shift).min(BigInteger.valueOf(maxNanos)).longValueExact();
        long delay = backoff.delayNanos(failedAttempts);
        assertThat(delay).as("base %d, max %d, after %d failures", baseNanos, maxNanos, failedAttempts)
                .isBetween(exp / 2, exp);
    }

    @Property(tries = 500)
    void delaysNeverShrinkAsFailuresGrow(@ForAll @LongRange(min = 1, max = 3_600_000_000_000L) long maxNanos,
            @ForAll @LongRange(min = 1, max = 3_600_000_000_000L) long base) {
        long baseNanos = Math.min(base, maxNanos);
        Backoff backoff = new Backoff(baseNanos, maxNanos, () -> 0.0);
        long previous = 0;
        for (int n = 1; n <= 100; n++) {
            long delay = backoff.delayNanos(n);
            assertThat(delay).as("after %d failures", n).isGreaterThanOrEqualTo(previous);
            previous = delay;
        }
    }
}
