package dev.aiokpl.sinks;

/**
 * A {@link MetricsSink} that also wants every single observation, not only windowed snapshots
 * (for example to feed histograms without losing precision).
 *
 * <p>The metrics manager checks {@code sink instanceof EventfulMetricsSink} and, when true, calls
 * {@link #record(MetricEvent)} synchronously for every observation, <strong>on the producer's
 * hot path</strong>: it must be cheap and must not block. I/O belongs in {@link #export}.
 * An exception thrown by {@code record} is caught and logged (rate-limited) by the manager.
 */
public interface EventfulMetricsSink extends MetricsSink {

    /**
     * Receives one observation, synchronously, on the thread that made it.
     *
     * @param event the observation, never null
     */
    void record(MetricEvent event);
}
