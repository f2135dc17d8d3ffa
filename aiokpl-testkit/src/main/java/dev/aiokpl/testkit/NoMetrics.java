package dev.aiokpl.testkit;

import dev.aiokpl.MetricsManager;
import dev.aiokpl.sinks.MetricSnapshot;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The metrics of a {@link MockProducer}: they measure nothing; {@code flush()} completes at once. */
enum NoMetrics implements MetricsManager {
    INSTANCE;

    @Override
    public List<MetricSnapshot> snapshots() {
        return List.of();
    }

    @Override
    public CompletableFuture<Void> flush() {
        return CompletableFuture.completedFuture(null);
    }
}
