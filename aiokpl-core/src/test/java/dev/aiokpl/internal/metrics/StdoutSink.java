package dev.aiokpl.internal.metrics;

import dev.aiokpl.sinks.MetricSnapshot;
import dev.aiokpl.sinks.MetricsSink;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The minimal sink of docs/metrics.md, kept here so the page's code compiles and runs. */
public class StdoutSink implements MetricsSink {

    @Override
    public CompletableFuture<Void> export(List<MetricSnapshot> snapshots) {
        for (MetricSnapshot s : snapshots) {
            System.out.println(s.name() + " count=" + s.count() + " sum=" + s.sum() + " dims=" + s.dimensions());
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        System.out.flush(); // a real sink releases its transport (client, socket) here
    }
}
