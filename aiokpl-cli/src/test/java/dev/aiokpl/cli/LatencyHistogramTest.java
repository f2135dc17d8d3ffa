package dev.aiokpl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void emptyIsZero() {
        LatencyHistogram h = new LatencyHistogram();
        assertThat(h.count()).isZero();
        assertThat(h.percentileMicros(50)).isZero();
        assertThat(h.maxMicros()).isZero();
    }

    @Test
    void percentilesAreWithinTheBucketPrecision() {
        LatencyHistogram h = new LatencyHistogram();
        for (long v = 1; v <= 100_000; v++) {
            h.record(v * 10);
        }
        assertThat(h.count()).isEqualTo(100_000);
        assertThat((double) h.percentileMicros(50)).isCloseTo(500_000, within(500_000 * 0.016));
        assertThat((double) h.percentileMicros(99)).isCloseTo(990_000, within(990_000 * 0.016));
        assertThat(h.maxMicros()).isEqualTo(1_000_000);
        assertThat(h.percentileMicros(100)).isLessThanOrEqualTo(1_000_000);
    }

    @Test
    void smallValuesAreExactAndNegativesCountAsZero() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(-5);
        h.record(3);
        h.record(3);
        h.record(7);
        assertThat(h.percentileMicros(25)).isZero();
        assertThat(h.percentileMicros(50)).isEqualTo(3);
        assertThat(h.percentileMicros(100)).isEqualTo(7);
    }

    @Test
    void bucketsCoverTheWholeLongRangeInOrder() {
        long previous = -1;
        for (long v : new long[] {0, 1, 127, 128, 129, 255, 256, 1_000, 1L << 40, Long.MAX_VALUE}) {
            int index = LatencyHistogram.index(v);
            assertThat(index).isGreaterThanOrEqualTo((int) previous);
            previous = index;
            long middle = LatencyHistogram.middle(index);
            assertThat((double) middle).isCloseTo((double) v, within(Math.max(1.0, v * 0.016)));
        }
    }
}
