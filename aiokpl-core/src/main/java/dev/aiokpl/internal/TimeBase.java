package dev.aiokpl.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Converts ticker readings to wall-clock instants, anchored once so instants stay monotonic. */
public final class TimeBase {

    private final Ticker ticker;
    private final Instant wallAnchor;
    private final long tickerAnchor;

    public TimeBase(Ticker ticker, Clock clock) {
        this.ticker = ticker;
        this.tickerAnchor = ticker.read();
        this.wallAnchor = clock.instant();
    }

    public Ticker ticker() {
        return ticker;
    }

    /** The instant of a ticker reading. */
    public Instant instant(long nanos) {
        return wallAnchor.plusNanos(nanos - tickerAnchor);
    }

    /** Nanoseconds between two ticker readings (never negative). */
    public static long nanosBetween(long fromNanos, long toNanos) {
        return Math.max(0, toNanos - fromNanos);
    }

    /** The duration between two ticker readings (never negative). */
    public static Duration between(long fromNanos, long toNanos) {
        return Duration.ofNanos(Math.max(0, toNanos - fromNanos));
    }
}
