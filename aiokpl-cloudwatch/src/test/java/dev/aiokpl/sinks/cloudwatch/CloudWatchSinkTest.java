package dev.aiokpl.sinks.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import dev.aiokpl.sinks.MetricSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;

class CloudWatchSinkTest {

    private static final Instant START = Instant.parse("2026-01-02T03:04:00Z");
    private static final Instant END = Instant.parse("2026-01-02T03:05:00Z");
    private static final StaticCredentialsProvider FAKE_CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAFAKE", "fake-secret"));

    private static FakeCloudWatch server;
    /** A client the tests own, shared so that only the tests of the sink-built client pay for its shutdown. */
    private static CloudWatchAsyncClient client;

    @BeforeAll
    static void startServer() throws Exception {
        server = new FakeCloudWatch();
        client = CloudWatchAsyncClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(server.endpoint())
                .credentialsProvider(FAKE_CREDENTIALS)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    @AfterAll
    static void stopServer() {
        client.close();
        server.close();
    }

    @BeforeEach
    void resetServer() {
        server.reset();
    }

    @AfterEach
    void serverDecodedEverything() {
        assertThat(server.errors()).isEmpty();
    }

    private static CloudWatchSink userSink() {
        return CloudWatchSink.builder().client(client).build();
    }

    private CloudWatchSink builtSink(String namespace) {
        CloudWatchSink.Builder b = CloudWatchSink.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(server.endpoint())
                .credentialsProvider(FAKE_CREDENTIALS);
        if (namespace != null) {
            b.namespace(namespace);
        }
        return b.build();
    }

    private static MetricSnapshot snapshot(String name, long count, double sum, double min, double max,
                                           Map<String, String> dims) {
        return new MetricSnapshot(name, count, sum, min, max, dims, START, END);
    }

    private static Map<String, String> dims(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static void await(CompletableFuture<Void> export) throws Exception {
        export.get(30, TimeUnit.SECONDS);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> dimensionsOf(Map<String, Object> datum) {
        Map<String, String> out = new LinkedHashMap<>();
        List<Map<String, Object>> list = (List<Map<String, Object>>) datum.getOrDefault("Dimensions", List.of());
        for (Map<String, Object> d : list) {
            out.put((String) d.get("Name"), (String) d.get("Value"));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> statistics(Map<String, Object> datum) {
        return (Map<String, Object>) datum.get("StatisticValues");
    }

    private static double number(Object o) {
        return ((Number) o).doubleValue();
    }

    private static List<String> names(FakeCloudWatch.Request request) {
        return request.metricData().stream().map(d -> (String) d.get("MetricName")).collect(Collectors.toList());
    }

    @Test
    void publishesStatisticSetsWithUnitsAndRenamedDimensions() throws Exception {
        try (CloudWatchSink sink = builtSink(null)) {
            await(sink.export(List.of(
                    snapshot("UserRecordsPut", 3, 3, 1, 1, dims("stream", "orders", "shard", "shardId-000000000001")),
                    snapshot("BufferingTime", 4, 400, 50, 150, dims("stream", "orders")),
                    snapshot("UserRecordsDataPut", 2, 2048, 1000, 1048, dims()),
                    snapshot("ErrorsByCode", 5, 5, 1, 1,
                            dims("stream", "orders", "error_code", "ProvisionedThroughputExceededException")),
                    snapshot("UserRecordsPending", 1, 7, 7, 7, dims("stream", "orders", "app_tier", "blue")),
                    snapshot("UserRecordsPut", 0, 0, 0, 0, dims("stream", "idle")))));
        }

        assertThat(server.requests()).hasSize(1);
        FakeCloudWatch.Request request = server.requests().get(0);
        assertThat(request.path()).isEqualTo(FakeCloudWatch.PUT_METRIC_DATA_PATH);
        assertThat(request.header("smithy-protocol")).isEqualTo("rpc-v2-cbor");
        assertThat(request.header("Content-Type")).isEqualTo("application/cbor");
        assertThat(request.namespace()).isEqualTo("KinesisProducerLibrary");
        assertThat(names(request)).containsExactly(
                "UserRecordsPut", "BufferingTime", "UserRecordsDataPut", "ErrorsByCode", "UserRecordsPending");

        List<Map<String, Object>> data = request.metricData();
        Map<String, Object> put = data.get(0);
        assertThat(dimensionsOf(put)).containsExactly(
                Map.entry("StreamName", "orders"), Map.entry("ShardId", "shardId-000000000001"));
        assertThat(put.get("Unit")).isEqualTo("Count");
        assertThat(put).doesNotContainKey("Value");
        assertThat(put.get("Timestamp")).isInstanceOfSatisfying(Cbor.Tagged.class, t -> {
            assertThat(t.tag()).isEqualTo(1);
            assertThat(number(t.value())).isEqualTo((double) END.getEpochSecond());
        });
        assertThat(statistics(put)).containsOnlyKeys("SampleCount", "Sum", "Minimum", "Maximum");
        assertThat(number(statistics(put).get("SampleCount"))).isEqualTo(3.0);
        assertThat(number(statistics(put).get("Sum"))).isEqualTo(3.0);

        Map<String, Object> buffering = data.get(1);
        assertThat(buffering.get("Unit")).isEqualTo("Milliseconds");
        assertThat(dimensionsOf(buffering)).containsExactly(Map.entry("StreamName", "orders"));
        assertThat(number(statistics(buffering).get("SampleCount"))).isEqualTo(4.0);
        assertThat(number(statistics(buffering).get("Sum"))).isEqualTo(400.0);
        assertThat(number(statistics(buffering).get("Minimum"))).isEqualTo(50.0);
        assertThat(number(statistics(buffering).get("Maximum"))).isEqualTo(150.0);

        Map<String, Object> bytes = data.get(2);
        assertThat(bytes.get("Unit")).isEqualTo("Bytes");
        assertThat(dimensionsOf(bytes)).isEmpty();
        assertThat(number(statistics(bytes).get("Sum"))).isEqualTo(2048.0);

        assertThat(dimensionsOf(data.get(3))).containsExactly(
                Map.entry("StreamName", "orders"), Map.entry("ErrorCode", "ProvisionedThroughputExceededException"));
        assertThat(dimensionsOf(data.get(4))).containsExactly(
                Map.entry("StreamName", "orders"), Map.entry("app_tier", "blue"));
    }

    @Test
    void customNamespaceAndEmptyWindowsSendNothing() throws Exception {
        try (CloudWatchSink sink = CloudWatchSink.builder().client(client).namespace("MyApp/Producer").build()) {
            assertThat(sink.namespace()).isEqualTo("MyApp/Producer");
            await(sink.export(List.of()));
            await(sink.export(List.of(snapshot("UserRecordsPut", 0, 0, 0, 0, dims()))));
            assertThat(server.requests()).isEmpty();
            await(sink.export(List.of(snapshot("UserRecordsPut", 1, 1, 1, 1, dims()))));
        }
        assertThat(server.requests()).singleElement()
                .satisfies(r -> assertThat(r.namespace()).isEqualTo("MyApp/Producer"));
    }

    @Test
    void splitsMoreThanAThousandDatumsIntoSeveralRequests() throws Exception {
        List<MetricSnapshot> window = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            window.add(snapshot("UserRecordsPut", 1, i, i, i,
                    dims("stream", "orders", "shard", String.format("shardId-%012d", i))));
        }
        try (CloudWatchSink sink = userSink()) {
            await(sink.export(window));
        }

        List<FakeCloudWatch.Request> requests = server.requests();
        assertThat(requests).hasSize(3);
        assertThat(requests).allSatisfy(r -> assertThat(r.header("Content-Encoding")).isEqualTo("gzip"));
        assertThat(requests).allSatisfy(r -> assertThat(r.metricData()).hasSizeLessThanOrEqualTo(1000));
        List<String> shards = requests.stream()
                .flatMap(r -> r.metricData().stream())
                .map(d -> dimensionsOf(d).get("ShardId"))
                .sorted()
                .collect(Collectors.toList());
        assertThat(shards).hasSize(2500).doesNotHaveDuplicates();
        assertThat(shards.get(0)).isEqualTo("shardId-000000000000");
        assertThat(shards.get(2499)).isEqualTo("shardId-000000002499");
    }

    @Test
    void splitsLargeDatumsToStayUnderThePayloadLimit() throws Exception {
        String longValue = "v".repeat(1024);
        List<MetricSnapshot> window = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            window.add(snapshot("UserRecordsPut", 1, 1, 1, 1,
                    dims("stream", "orders-" + i, "label_a", longValue, "label_b", longValue, "label_c", longValue)));
        }
        try (CloudWatchSink sink = userSink()) {
            await(sink.export(window));
        }

        List<FakeCloudWatch.Request> requests = server.requests();
        assertThat(requests).hasSizeGreaterThan(1);
        assertThat(requests).allSatisfy(r -> assertThat(r.bodyBytes()).isLessThan(RequestSplitter.MAX_REQUEST_BYTES));
        assertThat(requests.stream().mapToInt(r -> r.metricData().size()).sum()).isEqualTo(300);
    }

    @Test
    void splitterKeepsEachBatchWithinCountAndEstimatedBytes() {
        List<MetricDatum> datums = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            datums.add(DatumMapper.toDatum(snapshot("RequestTime", 1, 1, 1, 1,
                    dims("stream", "s".repeat(i % 1024 + 1), "shard", "shardId-" + i))));
        }
        List<List<MetricDatum>> batches = RequestSplitter.split(
                datums, RequestSplitter.MAX_DATUMS_PER_REQUEST, RequestSplitter.MAX_REQUEST_BYTES);

        assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(5000);
        assertThat(batches.stream().flatMap(List::stream).collect(Collectors.toList())).isEqualTo(datums);
        for (List<MetricDatum> batch : batches) {
            assertThat(batch).hasSizeLessThanOrEqualTo(RequestSplitter.MAX_DATUMS_PER_REQUEST);
            int bytes = RequestSplitter.REQUEST_OVERHEAD_BYTES
                    + batch.stream().mapToInt(DatumMapper::estimatedSize).sum();
            assertThat(bytes).isLessThanOrEqualTo(RequestSplitter.MAX_REQUEST_BYTES);
        }
    }

    @Test
    void keepsDatumsWithinPerDatumLimits() {
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            many.put("k" + i, i == 3 ? "" : "x".repeat(2000));
        }
        MetricDatum datum = DatumMapper.toDatum(snapshot("Custom", 1, 1, 1, 1, many));
        assertThat(datum.dimensions()).hasSize(DatumMapper.MAX_DIMENSIONS_PER_DATUM);
        assertThat(datum.dimensions()).noneMatch(d -> d.name().equals("k3"));
        assertThat(datum.dimensions()).allMatch(d -> d.value().length() == DatumMapper.MAX_DIMENSION_VALUE_LENGTH);
        assertThat(datum.unitAsString()).isEqualTo("None");

        assertThat(DatumMapper.toDatum(snapshot("RequestTime", 1, Double.NaN, 1, 1, dims()))).isNull();
        assertThat(DatumMapper.toDatum(snapshot("RequestTime", 1, Double.POSITIVE_INFINITY, 1, 1, dims()))).isNull();
    }

    @Test
    void failedUploadIsRetriedWithTheNextWindowAndUserClientStaysOpen() throws Exception {
        CloudWatchSink sink = userSink();
        server.failNext(503, "ServiceUnavailable", "Receiver");

        await(sink.export(List.of(snapshot("UserRecordsPut", 2, 2, 1, 1, dims("stream", "first")))));
        assertThat(sink.bufferedDatums()).isEqualTo(1);

        await(sink.export(List.of(snapshot("UserRecordsPut", 5, 5, 1, 1, dims("stream", "second")))));
        assertThat(sink.bufferedDatums()).isZero();

        List<FakeCloudWatch.Request> requests = server.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).metricData()).extracting(CloudWatchSinkTest::dimensionsOf)
                .containsExactly(Map.of("StreamName", "first"), Map.of("StreamName", "second"));

        sink.close();
        client.putMetricData(PutMetricDataRequest.builder().namespace("still-open")
                .metricData(MetricDatum.builder().metricName("x").value(1.0).build()).build())
                .get(30, TimeUnit.SECONDS);
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void datumsRejectedAsInvalidAreNotRetried() throws Exception {
        try (CloudWatchSink sink = userSink()) {
            server.failNext(400, "InvalidParameterValue", "Sender");
            await(sink.export(List.of(snapshot("UserRecordsPut", 1, 1, 1, 1, dims("stream", "bad")))));
            assertThat(sink.bufferedDatums()).isZero();

            await(sink.export(List.of(snapshot("UserRecordsPut", 1, 1, 1, 1, dims("stream", "good")))));
            assertThat(server.requests().get(1).metricData()).extracting(CloudWatchSinkTest::dimensionsOf)
                    .containsExactly(Map.of("StreamName", "good"));
        }
    }

    @Test
    void retryBufferDropsTheOldestWhenFull() {
        RetryBuffer buffer = new RetryBuffer(2);
        List<MetricDatum> datums = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            datums.add(MetricDatum.builder().metricName("m" + i).build());
        }
        assertThat(buffer.addAll(datums)).isEqualTo(1);
        assertThat(buffer.drain()).extracting(MetricDatum::metricName).containsExactly("m1", "m2");
        assertThat(buffer.size()).isZero();
        assertThat(new RetryBuffer(0).addAll(datums)).isEqualTo(3);
    }

    @Test
    void exportAfterCloseSendsNothing() throws Exception {
        CloudWatchSink sink = builtSink(null);
        sink.close();
        sink.close();
        await(sink.export(List.of(snapshot("UserRecordsPut", 1, 1, 1, 1, dims()))));
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void builderValidatesItsSettings() {
        assertThatThrownBy(() -> CloudWatchSink.builder().client(client).region(Region.US_EAST_1).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("client");
        assertThatThrownBy(() -> CloudWatchSink.builder().namespace("AWS/Kinesis").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AWS/");
        assertThatThrownBy(() -> CloudWatchSink.builder().namespace("").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namespace");
        assertThatThrownBy(() -> CloudWatchSink.builder().maxBufferedDatums(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBufferedDatums");
    }
}
