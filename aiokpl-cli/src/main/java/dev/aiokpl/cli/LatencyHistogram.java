package dev.aiokpl.cli;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * Put-to-confirm latencies in microseconds, recorded from any thread without locks: log-linear
 * buckets (64 per power of two, so a percentile is within 1.6 % of the true value) and the exact
 * maximum.
 */
final class LatencyHistogram {

    private static final int LINEAR = 128;
    private static final int SUB_BUCKETS = 64;
    private static final int BUCKETS = LINEAR + 57 * SUB_BUCKETS;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final LongAccumulator max = new LongAccumulator(Math::max, 0);

    /** Records one latency; negative values count as zero. */
    void record(long micros) {
        long v = Math.max(0, micros);
        counts.incrementAndGet(index(v));
        max.accumulate(v);
    }

    /** How many latencies were recorded. */
    long count() {
        long n = 0;
        for (int i = 0; i < BUCKETS; i++) {
            n += counts.get(i);
        }
        return n;
    }

    /** The largest latency recorded, exactly; 0 when empty. */
    long maxMicros() {
        return max.get();
    }

    /**
     * The latency at or below which {@code percent} percent of the recorded ones lie (the middle of
     * its bucket, never above the maximum); 0 when empty.
     */
    long percentileMicros(double percent) {
        long total = count();
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(total * Math.min(100.0, Math.max(0.0, percent)) / 100.0));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return Math.min(middle(i), maxMicros());
            }
        }
        return maxMicros();
    }

    static int index(long v) {
        if (v < LINEAR) {
            return (int) v;
        }
        int msb = 63 - Long.numberOfLeadingZeros(v);
        int shift = msb - 6;
        long top = v >>> shift;
        return LINEAR + (shift - 1) * SUB_BUCKETS + (int) (top - SUB_BUCKETS);
    }

    static long middle(int index) {
        if (index < LINEAR) {
            return index;
        }
        int shift = (index - LINEAR) / SUB_BUCKETS + 1;
        long top = (index - LINEAR) % SUB_BUCKETS + SUB_BUCKETS;
        return (top << shift) + (1L << shift) / 2;
    }
}
