package dev.aiokpl.internal.retry;

import java.util.function.DoubleSupplier;

/**
 * Retry delays: exponential from {@code base} (doubling per attempt) up to {@code max}, with jitter
 * (each delay is drawn from [50 %, 100 %] of the exponential value) so retries of throttled shards
 * spread out instead of arriving together.
 */
public final class Backoff {

    private final long baseNanos;
    private final long maxNanos;
    private final DoubleSupplier random;

    /** @param random uniform doubles in [0, 1), injected so tests are deterministic */
    public Backoff(long baseNanos, long maxNanos, DoubleSupplier random) {
        this.baseNanos = baseNanos;
        this.maxNanos = maxNanos;
        this.random = random;
    }

    /** The delay before the retry that follows the given number of failed attempts (1 = first retry). */
    public long delayNanos(int failedAttempts) {
        int shift = Math.max(0, failedAttempts - 1);
        // base × 2^shift > max, decided without overflowing: a shifted base could wrap to a small delay
        long exp = shift >= Long.SIZE - 1 || baseNanos > (maxNanos >> shift) ? maxNanos : baseNanos << shift;
        return (long) (exp * (0.5 + 0.5 * random.getAsDouble()));
    }
}
