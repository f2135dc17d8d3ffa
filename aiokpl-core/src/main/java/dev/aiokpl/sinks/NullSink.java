package dev.aiokpl.sinks;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A sink that discards every export. Use it to keep metrics in process only (read them through
 * {@code producer.metrics().snapshots()}) without sending them anywhere.
 */
public final class NullSink implements MetricsSink {

    /** Creates a sink that discards everything. */
    public NullSink() {
    }

    /** Discards {@code snapshots}; returns an already completed future. */
    @Override
    public CompletableFuture<Void> export(List<MetricSnapshot> snapshots) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public String toString() {
        return "NullSink";
    }
}
