package dev.aiokpl.sinks;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sink that writes each snapshot as one INFO line to the SLF4J logger {@code dev.aiokpl.metrics}.
 *
 * <p>Useful while developing, or where logs are the only telemetry channel. A line looks like
 * <pre>
 * UserRecordsPut count=120 sum=120.0 min=1.0 max=1.0 avg=1.0 dims={stream=orders, shard=shardId-000000000001} window=[2024-05-01T10:00:00Z, 2024-05-01T10:01:00Z)
 * </pre>
 * Nothing is formatted when the logger's INFO level is off.
 */
public final class LoggingSink implements MetricsSink {

    /** The logger name, so it can be routed or silenced on its own. */
    public static final String LOGGER_NAME = "dev.aiokpl.metrics";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);

    /** Creates a sink that logs to {@value #LOGGER_NAME}. */
    public LoggingSink() {
    }

    /** Logs one INFO line per snapshot; returns an already completed future. */
    @Override
    public CompletableFuture<Void> export(List<MetricSnapshot> snapshots) {
        if (LOG.isInfoEnabled()) {
            for (MetricSnapshot s : snapshots) {
                LOG.info("{} count={} sum={} min={} max={} avg={} dims={} window=[{}, {})",
                        s.name(), s.count(), s.sum(), s.min(), s.max(), s.average(),
                        s.dimensions(), s.windowStart(), s.windowEnd());
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public String toString() {
        return "LoggingSink[" + LOGGER_NAME + "]";
    }
}
