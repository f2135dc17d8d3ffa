package dev.aiokpl.internal.metrics;

import dev.aiokpl.sinks.InMemorySink;
import dev.aiokpl.sinks.MetricSnapshot;
import dev.aiokpl.sinks.MetricsSink;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A sink whose {@code start()} and {@code close()} throw; exports go to {@link #kept}. */
final class FailingLifecycleSink implements MetricsSink {

    final InMemorySink kept = new InMemorySink();

    @Override
    public CompletableFuture<Void> export(List<MetricSnapshot> snapshots) {
        return kept.export(snapshots);
    }

    @Override
    public void start() {
        throw new IllegalStateException("no credentials");
    }

    @Override
    public void close() {
        throw new IllegalStateException("already gone");
    }
}
