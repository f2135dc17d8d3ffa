package dev.aiokpl.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.internal.collector.PutBatch;
import dev.aiokpl.internal.metrics.MetricNames;
import dev.aiokpl.internal.metrics.MetricsRecorder;
import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.sender.SendWindow;
import dev.aiokpl.internal.testing.TestRecords;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/** What one request and one terminal record add to the metrics, without a pipeline around them. */
class RecordMetricsTest {

    record Observation(String name, double value, String shard, String code) {
    }

    private final List<Observation> seen = new ArrayList<>();
    private final RecordMetrics metrics = new RecordMetrics(new MetricsRecorder() {
        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public void record(String name, double value, String stream, String shard, String errorCode) {
            seen.add(new Observation(name, value, shard, errorCode));
        }
    });
    private final SendWindow window = new SendWindow(5_000_000, 500, 24, 6_000_000_000L, true);

    @Test
    void aResponseCountsTheRequestTheWindowAndEachEntry() {
        KinesisRecord ok = TestRecords.aggregate("shardId-0", 3, 100, 0, 0);
        KinesisRecord throttled = TestRecords.kinesisRecord("shardId-1", 50, 0, 0);
        PutBatch batch = new PutBatch(TestRecords.STREAM, List.of(ok, throttled), 150);
        PutRecordsResponse response = PutRecordsResponse.builder().failedRecordCount(1).records(
                PutRecordsResultEntry.builder().shardId("shardId-0").sequenceNumber("1").build(),
                PutRecordsResultEntry.builder().errorCode("ProvisionedThroughputExceededException").build()).build();

        metrics.response(batch, 0, 2_000_000, response, null, window);

        assertThat(values()).containsEntry(MetricNames.REQUEST_TIME, 2.0)
                .containsEntry(MetricNames.KINESIS_RECORDS_PER_PUT_RECORDS_REQUEST, 2.0)
                .containsEntry(MetricNames.USER_RECORDS_PER_PUT_RECORDS_REQUEST, 4.0)
                .containsEntry(MetricNames.REQUEST_SIZE_LIMIT, (double) window.requestBytes())
                .containsEntry(MetricNames.REQUESTS_IN_FLIGHT_LIMIT, 1.0)
                .containsEntry(MetricNames.KINESIS_RECORDS_PUT, 1.0)
                .containsEntry(MetricNames.USER_RECORDS_PER_KINESIS_RECORD, 3.0);
        assertThat(seen).contains(new Observation(MetricNames.ERRORS_BY_CODE, 1, "shardId-1",
                "ProvisionedThroughputExceededException"));
    }

    @Test
    void aFailedRequestCountsAnErrorPerKinesisRecord() {
        PutBatch batch = new PutBatch(TestRecords.STREAM, List.of(TestRecords.kinesisRecord("shardId-0", 10, 0, 0),
                TestRecords.kinesisRecord("shardId-1", 10, 0, 0)), 20);

        metrics.response(batch, 0, 6_000_000_000L, null, ApiCallTimeoutException.create(6000), window);

        assertThat(seen.stream().filter(o -> o.name().equals(MetricNames.ERRORS_BY_CODE)))
                .extracting(Observation::code).containsExactly("ApiCallTimeoutException", "ApiCallTimeoutException");
    }

    @Test
    void anExpiredRecordIsAnErrorAndNotARetry() {
        metrics.terminal(TestRecords.pending("k", new byte[4], 0), false, 2, null, 0, Engine.EXPIRED);

        assertThat(values()).containsEntry(MetricNames.RETRIES_PER_RECORD, 0.0)
                .containsEntry(MetricNames.USER_RECORD_EXPIRED, 1.0)
                .doesNotContainKey(MetricNames.USER_RECORDS_PUT);
        assertThat(seen).contains(new Observation(MetricNames.ERRORS_BY_CODE, 1, null, Engine.EXPIRED));
    }

    @Test
    void pendingIsSampledOncePerPeriod() {
        assertThat(metrics.samplePending(10, List.of())).isEqualTo(10 + RecordMetrics.PENDING_SAMPLE_NANOS);
        assertThat(metrics.samplePending(20, List.of())).isEqualTo(10 + RecordMetrics.PENDING_SAMPLE_NANOS);
        assertThat(new RecordMetrics(MetricsRecorder.NOOP).samplePending(10, List.of())).isEqualTo(Long.MAX_VALUE);
    }

    private Map<String, Double> values() {
        Map<String, Double> last = new HashMap<>();
        for (Observation o : seen) {
            last.put(o.name(), o.value());
        }
        return last;
    }
}
