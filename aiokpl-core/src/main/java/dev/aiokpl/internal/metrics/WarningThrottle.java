package dev.aiokpl.internal.metrics;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets one warning a minute through and counts the ones it holds back, so a sink that fails on
 * every call cannot flood the log. Thread-safe; time comes from the caller's ticker.
 */
final class WarningThrottle {

    static final long PERIOD_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final AtomicLong nextAllowedNanos;
    private final AtomicLong suppressed = new AtomicLong();

    /** @param now the ticker's reading; the first warning from then on goes through */
    WarningThrottle(long now) {
        this.nextAllowedNanos = new AtomicLong(now);
    }

    /** Returns -1 when the warning must be dropped, else how many were dropped since the last. */
    long tryAcquire(long now) {
        long next = nextAllowedNanos.get();
        if (now - next >= 0 && nextAllowedNanos.compareAndSet(next, now + PERIOD_NANOS)) {
            return suppressed.getAndSet(0);
        }
        suppressed.incrementAndGet();
        return -1;
    }
}
