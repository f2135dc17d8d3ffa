package dev.aiokpl.sinks.cloudwatch;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;

/** Cuts a list of datums into PutMetricData requests that each stay within the request limits. */
final class RequestSplitter {

    /** PutMetricData accepts at most this many datums in one request. */
    static final int MAX_DATUMS_PER_REQUEST = 1000;
    /** PutMetricData accepts at most 1 MB of HTTP POST payload. */
    static final int MAX_REQUEST_BYTES = 1_000_000;
    /** Room kept for the request's own fields (namespace, action, version). */
    static final int REQUEST_OVERHEAD_BYTES = 4096;

    private RequestSplitter() {
    }

    /**
     * Splits {@code datums}, in order, into batches of at most {@code maxDatums} whose estimated
     * size stays within {@code maxBytes}. A datum larger than the budget on its own still gets a
     * batch of its own rather than being lost here.
     */
    static List<List<MetricDatum>> split(List<MetricDatum> datums, int maxDatums, int maxBytes) {
        List<List<MetricDatum>> batches = new ArrayList<>();
        List<MetricDatum> current = new ArrayList<>();
        int currentBytes = REQUEST_OVERHEAD_BYTES;
        for (MetricDatum datum : datums) {
            int size = DatumMapper.estimatedSize(datum);
            if (!current.isEmpty() && (current.size() == maxDatums || currentBytes + size > maxBytes)) {
                batches.add(current);
                current = new ArrayList<>();
                currentBytes = REQUEST_OVERHEAD_BYTES;
            }
            current.add(datum);
            currentBytes += size;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }
}
