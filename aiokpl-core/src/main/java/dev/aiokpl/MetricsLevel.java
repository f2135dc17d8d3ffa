package dev.aiokpl;

/**
 * How much the producer measures and reports through its {@link dev.aiokpl.sinks.MetricsSink}.
 *
 * <p>Set with {@code Config.builder().metricsLevel(...)}; the default is {@link #NONE}.
 */
public enum MetricsLevel {
    /** No metrics: no work on the hot path, no upload thread, the sink is never started. The default. */
    NONE,
    /** Metrics are kept with the {@code stream} dimension only. */
    SUMMARY,
    /** Metrics are kept with the {@code stream}, {@code shard} and {@code error_code} dimensions. */
    DETAILED
}
