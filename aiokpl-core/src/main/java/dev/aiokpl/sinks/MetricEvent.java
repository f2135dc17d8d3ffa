package dev.aiokpl.sinks;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One observation, as passed to {@link EventfulMetricsSink#record(MetricEvent)}.
 *
 * @param name       the metric name, one of the KPL's (for example {@code RequestTime})
 * @param value      the observed value, in the metric's unit (count, bytes or milliseconds)
 * @param timestamp  when it was observed
 * @param dimensions the kept dimensions in order ({@code stream}, {@code shard}, {@code error_code});
 *                   an unmodifiable map, empty for a global metric
 */
public record MetricEvent(String name, double value, Instant timestamp, Map<String, String> dimensions) {

    /** Validates the fields and makes {@code dimensions} an unmodifiable copy that keeps its order. */
    public MetricEvent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(dimensions, "dimensions");
        dimensions = Dimensions.copyOf(dimensions);
    }
}
