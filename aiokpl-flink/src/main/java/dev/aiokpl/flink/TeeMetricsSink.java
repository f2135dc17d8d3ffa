package dev.aiokpl.flink;

import dev.aiokpl.sinks.EventfulMetricsSink;
import dev.aiokpl.sinks.MetricEvent;
import dev.aiokpl.sinks.MetricSnapshot;
import dev.aiokpl.sinks.MetricsSink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends the producer's metrics to Flink's metric group and to the sink the user configured as well. */
final class TeeMetricsSink implements EventfulMetricsSink {

    private static final Logger LOG = LoggerFactory.getLogger(TeeMetricsSink.class);

    private final FlinkMetricsSink flink;
    private final MetricsSink user;

    TeeMetricsSink(FlinkMetricsSink flink, MetricsSink user) {
        this.flink = flink;
        this.user = user;
    }

    @Override
    public void start() {
        flink.start();
        user.start();
    }

    @Override
    public void record(MetricEvent event) {
        flink.record(event);
        if (user instanceof EventfulMetricsSink eventful) {
            eventful.record(event);
        }
    }

    @Override
    public CompletableFuture<Void> export(List<MetricSnapshot> snapshots) {
        return CompletableFuture.allOf(flink.export(snapshots), user.export(snapshots));
    }

    @Override
    public void close() {
        try {
            user.close();
        } finally {
            flink.close();
        }
    }

    @Override
    public String toString() {
        return "TeeMetricsSink[flink, " + user + "]";
    }
}
