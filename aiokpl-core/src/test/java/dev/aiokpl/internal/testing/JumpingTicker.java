package dev.aiokpl.internal.testing;

import dev.aiokpl.internal.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The system ticker plus a jump the test sets: a running pipeline thread keeps its short real-time
 * deadlines, while a test can move past a long one (a closeTimeout) at once instead of waiting for it.
 */
public final class JumpingTicker implements Ticker {

    private final AtomicLong jumpedNanos = new AtomicLong();

    @Override
    public long read() {
        return System.nanoTime() + jumpedNanos.get();
    }

    /** Moves the ticker forward by {@code d} on top of real time. */
    public void jump(Duration d) {
        jumpedNanos.addAndGet(d.toNanos());
    }
}
