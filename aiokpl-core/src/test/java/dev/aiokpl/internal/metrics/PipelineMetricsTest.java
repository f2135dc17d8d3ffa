package dev.aiokpl.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.Config;
import dev.aiokpl.MetricsLevel;
import dev.aiokpl.Producer;
import dev.aiokpl.RecordResult;
import dev.aiokpl.sinks.InMemorySink;
import dev.aiokpl.sinks.MetricSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Known traffic through the real pipeline, with forced per-record errors from a scripted client:
 * every record is throttled once, then succeeds. The exported metrics must add up to the known counts.
 */
class PipelineMetricsTest {

    static final int RECORDS = 120;

    @Test
    void exportedMetricsMatchTheKnownTraffic() throws Exception {
        InMemorySink sink = new InMemorySink();
        ThrottleOnceClient client = new ThrottleOnceClient();
        Config config = Config.builder()
                .region("us-east-1")
                .aggregationEnabled(false)
                .metricsLevel(MetricsLevel.DETAILED)
                .metricsSink(sink)
                .metricsUploadInterval(Duration.ofSeconds(1))
                .build();
        List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
        try (Producer producer = Producer.create(config, client)) {
            for (int i = 0; i < RECORDS; i++) {
                futures.add(producer.putRecord("s", "k" + i, ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush().get(30, TimeUnit.SECONDS);
        }
        for (CompletableFuture<RecordResult> f : futures) {
            RecordResult r = f.get(1, TimeUnit.SECONDS);
            assertThat(r.successful()).isTrue();
            assertThat(r.attempts()).hasSize(2);
            assertThat(r.attempts().get(0).errorCode()).isEqualTo("ProvisionedThroughputExceededException");
        }
        assertThat(sink.closed()).isTrue();
        assertThat(sink.sum("UserRecordsReceived")).isEqualTo(RECORDS);
        assertThat(sink.sum("UserRecordsPut")).isEqualTo(RECORDS);
        assertThat(sink.sum("KinesisRecordsPut")).isEqualTo(RECORDS);
        assertThat(sink.sum("RetriesPerRecord")).isEqualTo(RECORDS);
        assertThat(sink.count("RetriesPerRecord")).isEqualTo(RECORDS);
        assertThat(sink.sum("AllErrors")).isEqualTo(RECORDS);
        List<MetricSnapshot> byCode = sink.snapshots("ErrorsByCode");
        assertThat(byCode).isNotEmpty().allSatisfy(s -> assertThat(s.dimensions())
                .containsEntry("stream", "s")
                .containsEntry("shard", "shardId-000000000000")
                .containsEntry("error_code", "ProvisionedThroughputExceededException"));
        assertThat(byCode.stream().mapToDouble(MetricSnapshot::sum).sum()).isEqualTo(RECORDS);
        assertThat(sink.sum("UserRecordsDataPut")).isEqualTo(futuresDataBytes());
    }

    private static double futuresDataBytes() {
        double total = 0;
        for (int i = 0; i < RECORDS; i++) {
            total += ("v" + i).length();
        }
        return total;
    }

    /** One shard over the whole range; each partition key is throttled the first time it is seen. */
    static final class ThrottleOnceClient implements KinesisAsyncClient {
        private final Set<String> seen = ConcurrentHashMap.newKeySet();
        private long sequence;

        @Override
        public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
            return CompletableFuture.completedFuture(ListShardsResponse.builder().shards(Shard.builder()
                    .shardId("shardId-000000000000")
                    .hashKeyRange(HashKeyRange.builder().startingHashKey("0")
                            .endingHashKey("340282366920938463463374607431768211455").build())
                    .build()).build());
        }

        @Override
        public synchronized CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
            List<PutRecordsResultEntry> results = new ArrayList<>();
            int failed = 0;
            for (PutRecordsRequestEntry e : request.records()) {
                if (seen.add(e.partitionKey())) {
                    failed++;
                    results.add(PutRecordsResultEntry.builder().errorCode("ProvisionedThroughputExceededException")
                            .errorMessage("Rate exceeded for shard shardId-000000000000").build());
                } else {
                    results.add(PutRecordsResultEntry.builder().shardId("shardId-000000000000")
                            .sequenceNumber(Long.toString(++sequence)).build());
                }
            }
            return CompletableFuture.completedFuture(
                    PutRecordsResponse.builder().failedRecordCount(failed).records(results).build());
        }

        @Override
        public String serviceName() {
            return "kinesis";
        }

        @Override
        public void close() {
        }
    }
}
