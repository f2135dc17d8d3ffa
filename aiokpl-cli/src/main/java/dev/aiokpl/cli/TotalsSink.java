package dev.aiokpl.cli;

import dev.aiokpl.sinks.MetricSnapshot;
import dev.aiokpl.sinks.MetricsSink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A metrics sink that only adds up, over the whole run, how many Kinesis records (aggregated or
 * not) the producer put: the denominator of the aggregation ratio. Each export holds only the
 * observations since the previous one, and the producer exports a final window on close.
 */
final class TotalsSink implements MetricsSink {

    static final String KINESIS_RECORDS_PUT = "KinesisRecordsPut";

    private final DoubleAdder kinesisRecordsPut = new DoubleAdder();

    @Override
    public CompletableFuture<Void> export(List<MetricSnapshot> snapshots) {
        for (MetricSnapshot s : snapshots) {
            if (KINESIS_RECORDS_PUT.equals(s.name())) {
                kinesisRecordsPut.add(s.sum());
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Kinesis records put so far (complete once the producer is closed). */
    long kinesisRecordsPut() {
        return Math.round(kinesisRecordsPut.sum());
    }
}
