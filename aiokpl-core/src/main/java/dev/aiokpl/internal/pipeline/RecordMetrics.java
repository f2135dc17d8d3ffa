package dev.aiokpl.internal.pipeline;

import dev.aiokpl.internal.collector.PutBatch;
import dev.aiokpl.internal.metrics.MetricNames;
import dev.aiokpl.internal.metrics.MetricsRecorder;
import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.record.PendingRecord;
import dev.aiokpl.internal.retry.Retrier;
import dev.aiokpl.internal.sender.ErrorClassifier;
import dev.aiokpl.internal.sender.SendWindow;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * What the pipeline observes, as the KPL's metrics (and the send window's): per request, per
 * terminal user record, and the periodic pending sample. Every method is a no-op when metrics are off.
 *
 * <p>Owned by the pipeline thread, except {@link #received(String)} (user threads; the recorder is
 * thread-safe).
 */
final class RecordMetrics {

    /** How often UserRecordsPending is sampled. */
    static final long PENDING_SAMPLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final double NANOS_PER_MILLI = 1e6;

    private final MetricsRecorder metrics;
    private long nextPendingSampleNanos = Long.MIN_VALUE;

    RecordMetrics(MetricsRecorder metrics) {
        this.metrics = metrics;
    }

    boolean enabled() {
        return metrics.enabled();
    }

    /** A user record accepted by putRecord. */
    void received(String stream) {
        if (metrics.enabled()) {
            metrics.record(MetricNames.USER_RECORDS_RECEIVED, 1, stream, null, null);
        }
    }

    /**
     * Samples every stream's pending records once per {@link #PENDING_SAMPLE_NANOS}.
     *
     * @return when the next sample is due, or {@link Long#MAX_VALUE} when metrics are off
     */
    long samplePending(long now, List<StreamPipeline> streams) {
        if (!metrics.enabled()) {
            return Long.MAX_VALUE;
        }
        if (now >= nextPendingSampleNanos) {
            nextPendingSampleNanos = now + PENDING_SAMPLE_NANOS;
            for (StreamPipeline sp : streams) {
                metrics.record(MetricNames.USER_RECORDS_PENDING, sp.pending(), sp.stream, null, null);
            }
        }
        return nextPendingSampleNanos;
    }

    /** One request's outcome: its time and size, the send window after it, and each entry's success or error. */
    void response(PutBatch batch, long startNanos, long endNanos, PutRecordsResponse response, Throwable error,
            SendWindow window) {
        if (!metrics.enabled()) {
            return;
        }
        String stream = batch.stream();
        metrics.record(MetricNames.REQUEST_TIME, (endNanos - startNanos) / NANOS_PER_MILLI, stream, null, null);
        metrics.record(MetricNames.KINESIS_RECORDS_PER_PUT_RECORDS_REQUEST, batch.records().size(), stream, null, null);
        metrics.record(MetricNames.USER_RECORDS_PER_PUT_RECORDS_REQUEST, batch.userRecordCount(), stream, null, null);
        metrics.record(MetricNames.REQUEST_SIZE_LIMIT, window.requestBytes(), stream, null, null);
        metrics.record(MetricNames.REQUESTS_IN_FLIGHT_LIMIT, window.inFlight(), stream, null, null);
        List<PutRecordsResultEntry> entries = response == null ? null : response.records();
        boolean whole = error != null || entries.size() != batch.records().size();
        String requestCode = error != null ? ErrorClassifier.code(error)
                : whole ? Retrier.COUNT_MISMATCH : null;
        for (int i = 0; i < batch.records().size(); i++) {
            KinesisRecord kr = batch.records().get(i);
            String code = whole ? requestCode : entries.get(i).errorCode();
            if (code != null) {
                error(stream, kr.predictedShard(), code);
            } else {
                String shard = entries.get(i).shardId();
                metrics.record(MetricNames.KINESIS_RECORDS_PUT, 1, stream, shard, null);
                metrics.record(MetricNames.KINESIS_RECORDS_DATA_PUT, kr.data().length, stream, shard, null);
                metrics.record(MetricNames.USER_RECORDS_PER_KINESIS_RECORD, kr.records().size(), stream, shard, null);
            }
        }
    }

    /** A success the retrier found on the wrong shard (counted per user record). */
    void wrongShard(String stream, String shard) {
        if (metrics.enabled()) {
            error(stream, shard, Retrier.WRONG_SHARD);
        }
    }

    /**
     * A user record became terminal.
     *
     * @param attempts        how many attempts the record had
     * @param shard           where it was put, or null
     * @param firstDelayNanos how long it waited before its first attempt
     * @param lastCode        its last attempt's error code, or null
     */
    void terminal(PendingRecord r, boolean success, int attempts, String shard, long firstDelayNanos, String lastCode) {
        if (!metrics.enabled()) {
            return;
        }
        // Expired and Closed are attempts the producer adds, not requests: neither is a retry.
        boolean synthetic = !success && (Engine.EXPIRED.equals(lastCode) || Engine.CLOSED.equals(lastCode));
        int requests = synthetic ? attempts - 1 : attempts;
        metrics.record(MetricNames.RETRIES_PER_RECORD, Math.max(0, requests - 1), r.stream, shard, null);
        if (synthetic) {
            // No response carried these codes, so response() never counted them (the KPL reports them).
            error(r.stream, null, lastCode);
        }
        if (success) {
            metrics.record(MetricNames.USER_RECORDS_PUT, 1, r.stream, shard, null);
            metrics.record(MetricNames.USER_RECORDS_DATA_PUT, r.data.length, r.stream, shard, null);
            metrics.record(MetricNames.BUFFERING_TIME, Math.max(0, firstDelayNanos) / NANOS_PER_MILLI, r.stream, shard,
                    null);
        } else if (Engine.EXPIRED.equals(lastCode)) {
            metrics.record(MetricNames.USER_RECORD_EXPIRED, 1, r.stream, null, null);
        }
    }

    private void error(String stream, String shard, String code) {
        metrics.record(MetricNames.ERRORS_BY_CODE, 1, stream, shard, code);
        metrics.record(MetricNames.ALL_ERRORS, 1, stream, shard, null);
    }
}
