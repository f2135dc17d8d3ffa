package dev.aiokpl.internal.testing;

import dev.aiokpl.internal.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A ticker that moves only when the test says so. Thread-safe. */
public final class ManualTicker implements Ticker {

    /** Where a new ticker starts: arbitrary and non-zero, so code that treats 0 as special is caught. */
    public static final long ORIGIN = 1_000_000_000_000L;

    private final AtomicLong nanos;

    public ManualTicker() {
        this(ORIGIN);
    }

    public ManualTicker(long startNanos) {
        this.nanos = new AtomicLong(startNanos);
    }

    @Override
    public long read() {
        return nanos.get();
    }

    /** Moves time forward; returns the new reading. */
    public long advance(Duration d) {
        return advanceNanos(d.toNanos());
    }

    /** Moves time forward by {@code n} nanoseconds (not negative); returns the new reading. */
    public long advanceNanos(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("a monotonic ticker cannot go back (" + n + " ns)");
        }
        return nanos.addAndGet(n);
    }

    /** Moves time forward to {@code t} if it is later than now; returns the new reading. */
    public long advanceTo(long t) {
        return nanos.accumulateAndGet(t, Math::max);
    }
}
