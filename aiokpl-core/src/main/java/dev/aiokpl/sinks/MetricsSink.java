package dev.aiokpl.sinks;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where the producer's metrics go: the extension point for any metrics backend.
 *
 * <p>The producer's {@code MetricsManager} aggregates observations into tumbling windows and, every
 * {@code metricsUploadInterval}, calls {@link #export(List)} with one {@link MetricSnapshot} per
 * metric name and kept dimension set. A snapshot covers only the observations made since the
 * previous export, so summing every export never counts an observation twice.
 *
 * <p>Lifecycle: {@link #start()} is called once before the first export (never when the metrics
 * level is {@code NONE}); {@link #close()} is called once after the final export, when the
 * producer closes. Sinks release their transports in {@code close()}.
 *
 * <p>Failures are contained: an exception thrown by any method, or an export future that fails or
 * does not complete within the manager's timeout, is logged and never breaks the pipeline; the
 * next window is exported as usual.
 *
 * <p>A minimal sink:
 * <pre>{@code
 * class StdoutSink implements MetricsSink {
 *     public CompletableFuture<Void> export(List<MetricSnapshot> snapshots) {
 *         for (MetricSnapshot s : snapshots) {
 *             System.out.println(s.name() + " count=" + s.count() + " sum=" + s.sum() + " dims=" + s.dimensions());
 *         }
 *         return CompletableFuture.completedFuture(null);
 *     }
 * }
 * }</pre>
 */
public interface MetricsSink extends AutoCloseable {

    /**
     * Exports one window of snapshots. Called from the metrics upload thread, never from the
     * record pipeline; it may do I/O, but should return quickly and complete the future when the
     * upload is done.
     *
     * @param snapshots the window's snapshots, never null, possibly empty
     * @return a future completed when the export is done (or failed)
     */
    CompletableFuture<Void> export(List<MetricSnapshot> snapshots);

    /** Called once before the first export. The default does nothing. */
    default void start() {
    }

    /** Called once after the final export; releases the sink's transports. The default does nothing. */
    @Override
    default void close() {
    }
}
