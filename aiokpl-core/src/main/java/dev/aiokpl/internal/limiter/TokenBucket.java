package dev.aiokpl.internal.limiter;

/**
 * A token bucket: {@code rate} tokens per second, holding at most one second's worth.
 *
 * <p>A request larger than the capacity is let through once the bucket is full, leaving it in
 * debt, so the long-run rate still holds. Not thread-safe.
 */
public final class TokenBucket {

    private static final double NANOS_PER_SECOND = 1e9;

    private double ratePerSecond;
    private double tokens;
    private long lastNanos;

    public TokenBucket(double ratePerSecond, long nowNanos) {
        this.ratePerSecond = ratePerSecond;
        this.tokens = ratePerSecond;
        this.lastNanos = nowNanos;
    }

    /** Tokens per second (and the capacity). */
    public double rate() {
        return ratePerSecond;
    }

    /** Changes the rate; tokens above the new capacity are dropped. */
    public void setRate(double ratePerSecond, long nowNanos) {
        refill(nowNanos);
        this.ratePerSecond = ratePerSecond;
        if (tokens > ratePerSecond) {
            tokens = ratePerSecond;
        }
    }

    /** Whether {@code n} tokens could be taken now. */
    public boolean canTake(double n, long nowNanos) {
        refill(nowNanos);
        return tokens >= Math.min(n, ratePerSecond);
    }

    /** Takes {@code n} tokens; call after {@link #canTake}. */
    public void take(double n) {
        tokens -= n;
    }

    /** Nanoseconds until {@code n} tokens can be taken (0 if now): {@link #canTake} is true then. */
    public long nanosUntil(double n, long nowNanos) {
        refill(nowNanos);
        double need = Math.min(n, ratePerSecond) - tokens;
        if (need <= 0) {
            return 0;
        }
        // One nanosecond more absorbs the rounding of the refills on the way, which could otherwise
        // leave the bucket a hair short at the returned time and wake the pipeline for nothing.
        return (long) Math.ceil(need / ratePerSecond * NANOS_PER_SECOND) + 1;
    }

    /** Current tokens (after refill). */
    public double tokens(long nowNanos) {
        refill(nowNanos);
        return tokens;
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(ratePerSecond, tokens + elapsed * ratePerSecond / NANOS_PER_SECOND);
            lastNanos = nowNanos;
        }
    }
}
