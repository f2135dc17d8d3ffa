package dev.aiokpl;

/**
 * The finest dimension a metric keeps, as the KPL's {@code MetricsGranularity}: it further limits
 * what {@link MetricsLevel} allows. The default is {@link #SHARD}.
 */
public enum MetricsGranularity {
    /** No stream or shard dimension: one series per metric (and error code). */
    GLOBAL,
    /** Keeps the {@code stream} dimension, drops {@code shard}. */
    STREAM,
    /** Keeps {@code stream} and {@code shard}. */
    SHARD
}
