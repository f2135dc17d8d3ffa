package dev.aiokpl.internal.metrics;

/**
 * What the pipeline calls to observe a metric. Callers guard every call with
 * {@code if (recorder.enabled())}, so a disabled recorder costs one predictable branch and
 * builds no arguments.
 */
public interface MetricsRecorder {

    /** A recorder that records nothing; {@link #enabled()} is false. */
    MetricsRecorder NOOP = new MetricsRecorder() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void record(String name, double value, String stream, String shard, String errorCode) {
        }

        @Override
        public String toString() {
            return "MetricsRecorder.NOOP";
        }
    };

    /** Whether observations are kept; when false, {@link #record} does nothing. Never changes. */
    boolean enabled();

    /**
     * Observes one value. Thread-safe and non-blocking apart from brief lock hand-offs; never
     * throws because of a sink.
     *
     * @param name      a metric name from {@link MetricNames}, not null
     * @param value     the value in the metric's unit ({@link dev.aiokpl.sinks.MetricUnit#of})
     * @param stream    the stream name, or null when the observation has none
     * @param shard     the shard id, or null when unknown or not meaningful
     * @param errorCode the error code, or null unless the metric is {@link MetricNames#ERRORS_BY_CODE}
     */
    void record(String name, double value, String stream, String shard, String errorCode);
}
