package dev.aiokpl;

import dev.aiokpl.sinks.MetricSnapshot;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The producer's metrics, as returned by {@code producer.metrics()}.
 *
 * <p>The producer aggregates its observations (see {@code docs/metrics.md} for the list) into
 * tumbling windows of {@code metricsUploadInterval} and exports each window to the configured
 * {@link dev.aiokpl.sinks.MetricsSink}. This interface gives in-process access to the same data,
 * whatever the sink, and lets you export the current window early.
 *
 * <p>With {@link MetricsLevel#NONE} (the default) nothing is measured: {@link #snapshots()} is
 * empty and {@link #flush()} completes at once.
 *
 * <p>Implementations are thread-safe.
 */
public interface MetricsManager {

    /**
     * The metrics of roughly the last 60 seconds, read in process: the windows exported within
     * the last 60 s (whether or not the sink accepted them), oldest first, followed by the
     * current open window up to now. Reading does not reset or export the open window, so it can
     * be called as often as you like.
     *
     * <p>The open window is read while other threads keep recording, so its snapshots may miss,
     * or only partly include, observations made during the call.
     *
     * @return an immutable list of snapshots, one per metric name, kept dimension set and window;
     *         empty when the metrics level is {@code NONE} or nothing was observed
     */
    List<MetricSnapshot> snapshots();

    /**
     * Closes the current window now and exports it to the sink, without waiting for the next
     * upload interval; the next window starts at once.
     *
     * <p>The returned future completes when the sink's export completed, failed, or timed out; it
     * never completes exceptionally because of the sink (sink failures are logged). When the
     * window is empty the sink is not called and the future completes as soon as the window is
     * closed; when the metrics level is {@code NONE} or the manager is not running (not started
     * yet, or closed) it completes at once and nothing is exported.
     *
     * @return a future completed, with {@code null}, when the export is over
     */
    CompletableFuture<Void> flush();
}
