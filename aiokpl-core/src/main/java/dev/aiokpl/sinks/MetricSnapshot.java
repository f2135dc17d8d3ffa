package dev.aiokpl.sinks;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The aggregate of one metric, for one set of dimensions, over one export window.
 *
 * @param name        the metric name, one of the KPL's (for example {@code UserRecordsPut})
 * @param count       how many observations the window holds
 * @param sum         the sum of the observed values
 * @param min         the smallest observed value (0 when {@code count} is 0)
 * @param max         the largest observed value (0 when {@code count} is 0)
 * @param dimensions  the kept dimensions in order ({@code stream}, {@code shard}, {@code error_code});
 *                    an unmodifiable map, empty for a global metric
 * @param windowStart the start of the window (inclusive)
 * @param windowEnd   the end of the window (exclusive)
 */
public record MetricSnapshot(
        String name,
        long count,
        double sum,
        double min,
        double max,
        Map<String, String> dimensions,
        Instant windowStart,
        Instant windowEnd) {

    /** Validates the fields and makes {@code dimensions} an unmodifiable copy that keeps its order. */
    public MetricSnapshot {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dimensions, "dimensions");
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(windowEnd, "windowEnd");
        dimensions = Dimensions.copyOf(dimensions);
    }

    /** The mean of the observed values, or 0 when the window is empty. */
    public double average() {
        return count == 0 ? 0.0 : sum / count;
    }
}
