package dev.aiokpl.sinks.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aiokpl.sinks.MetricEvent;
import dev.aiokpl.sinks.MetricSnapshot;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenTelemetrySinkTest {

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:00Z");
    private static final Map<String, String> STREAM_A = dims("stream", "a");
    private static final Map<String, String> SHARD_1 = dims("stream", "a", "shard", "shardId-000000000001");

    private InMemoryMetricReader reader;
    private SdkMeterProvider provider;
    private OpenTelemetrySink sink;

    @BeforeEach
    void setUp() {
        reader = InMemoryMetricReader.create();
        provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
        sink = OpenTelemetrySink.builder().meter(provider.get("test")).build();
    }

    @AfterEach
    void tearDown() {
        sink.close();
        provider.shutdown().join(10, TimeUnit.SECONDS);
    }

    private static Map<String, String> dims(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static MetricSnapshot snapshot(String name, long count, double sum, Map<String, String> dims, int window) {
        return new MetricSnapshot(name, count, sum, count == 0 ? 0 : sum / count, count == 0 ? 0 : sum / count,
                dims, T0.plusSeconds(60L * window), T0.plusSeconds(60L * (window + 1)));
    }

    private static MetricEvent event(String name, double value, Map<String, String> dims) {
        return new MetricEvent(name, value, T0, dims);
    }

    private static Attributes attrs(Map<String, String> dims) {
        var b = Attributes.builder();
        dims.forEach(b::put);
        return b.build();
    }

    private static Optional<MetricData> metric(Collection<MetricData> all, String name) {
        return all.stream().filter(m -> m.getName().equals(name)).findFirst();
    }

    private static long counterValue(Collection<MetricData> all, String name, Map<String, String> dims) {
        MetricData m = metric(all, name).orElseThrow(() -> new AssertionError("no metric " + name));
        assertThat(m.getType()).isEqualTo(MetricDataType.LONG_SUM);
        assertThat(m.getLongSumData().isMonotonic()).isTrue();
        return m.getLongSumData().getPoints().stream()
                .filter(p -> p.getAttributes().equals(attrs(dims)))
                .mapToLong(LongPointData::getValue)
                .findFirst().orElseThrow(() -> new AssertionError("no point " + dims + " in " + m));
    }

    private static HistogramPointData histogramPoint(Collection<MetricData> all, String name, Map<String, String> dims) {
        MetricData m = metric(all, name).orElseThrow(() -> new AssertionError("no metric " + name));
        assertThat(m.getType()).isEqualTo(MetricDataType.HISTOGRAM);
        return m.getHistogramData().getPoints().stream()
                .filter(p -> p.getAttributes().equals(attrs(dims)))
                .findFirst().orElseThrow(() -> new AssertionError("no point " + dims + " in " + m));
    }

    @Test
    void countersAddEachWindowOnceAndNeverGoBack() {
        sink.export(List.of(
                snapshot("UserRecordsPut", 3, 3, STREAM_A, 0),
                snapshot("UserRecordsDataPut", 3, 3000, STREAM_A, 0),
                snapshot("ErrorsByCode", 2, 2, dims("stream", "a", "error_code", "InternalFailure"), 0))).join();
        assertThat(counterValue(reader.collectAllMetrics(), "aiokpl.UserRecordsPut", STREAM_A)).isEqualTo(3);

        sink.export(List.of(
                snapshot("UserRecordsPut", 4, 4, STREAM_A, 1),
                snapshot("UserRecordsPut", 0, 0, STREAM_A, 1),
                snapshot("UserRecordsPut", 1, -5, STREAM_A, 1),
                snapshot("UserRecordsDataPut", 1, 24, STREAM_A, 1))).join();
        sink.export(List.of()).join();
        sink.export(List.of(snapshot("UserRecordsPut", 1, 1, STREAM_A, 3))).join();

        Collection<MetricData> all = reader.collectAllMetrics();
        assertThat(counterValue(all, "aiokpl.UserRecordsPut", STREAM_A)).isEqualTo(8);
        assertThat(counterValue(all, "aiokpl.UserRecordsDataPut", STREAM_A)).isEqualTo(3024);
        assertThat(counterValue(all, "aiokpl.ErrorsByCode", dims("stream", "a", "error_code", "InternalFailure")))
                .isEqualTo(2);
        assertThat(metric(all, "aiokpl.UserRecordsPut").orElseThrow().getUnit()).isEqualTo("{record}");
        assertThat(metric(all, "aiokpl.UserRecordsDataPut").orElseThrow().getUnit()).isEqualTo("By");
        assertThat(metric(all, "aiokpl.ErrorsByCode").orElseThrow().getUnit()).isEqualTo("{error}");
    }

    @Test
    void countEventsAreLeftToTheSnapshots() {
        sink.record(event("UserRecordsPut", 1, STREAM_A));
        sink.record(event("UserRecordsPut", 1, STREAM_A));
        sink.export(List.of(snapshot("UserRecordsPut", 2, 2, STREAM_A, 0))).join();

        assertThat(counterValue(reader.collectAllMetrics(), "aiokpl.UserRecordsPut", STREAM_A)).isEqualTo(2);
    }

    @Test
    void latenciesAreHistogramsOfEveryEventAndTheirSnapshotsAreIgnored() {
        sink.record(event("RequestTime", 12.5, SHARD_1));
        sink.record(event("RequestTime", 30, SHARD_1));
        sink.export(List.of(snapshot("RequestTime", 2, 42.5, SHARD_1, 0))).join();
        sink.record(event("RequestTime", 7.25, SHARD_1));
        sink.record(event("RequestTime", -1, SHARD_1));
        sink.record(event("RequestTime", Double.NaN, SHARD_1));
        sink.export(List.of(snapshot("RequestTime", 1, 7.25, SHARD_1, 1))).join();
        sink.record(event("UserRecordsPerKinesisRecord", 4, STREAM_A));
        sink.record(event("RetriesPerRecord", 0, STREAM_A));
        sink.record(event("BufferingTime", 100, dims()));

        Collection<MetricData> all = reader.collectAllMetrics();
        HistogramPointData requestTime = histogramPoint(all, "aiokpl.RequestTime", SHARD_1);
        assertThat(requestTime.getCount()).isEqualTo(3);
        assertThat(requestTime.getSum()).isEqualTo(49.75);
        assertThat(requestTime.getMin()).isEqualTo(7.25);
        assertThat(requestTime.getMax()).isEqualTo(30);
        assertThat(metric(all, "aiokpl.RequestTime").orElseThrow().getUnit()).isEqualTo("ms");

        assertThat(histogramPoint(all, "aiokpl.UserRecordsPerKinesisRecord", STREAM_A).getSum()).isEqualTo(4);
        assertThat(metric(all, "aiokpl.UserRecordsPerKinesisRecord").orElseThrow().getUnit()).isEqualTo("{record}");
        assertThat(histogramPoint(all, "aiokpl.RetriesPerRecord", STREAM_A).getCount()).isEqualTo(1);
        assertThat(metric(all, "aiokpl.RetriesPerRecord").orElseThrow().getUnit()).isEqualTo("{retry}");
        assertThat(histogramPoint(all, "aiokpl.BufferingTime", dims()).getCount()).isEqualTo(1);
    }

    @Test
    void pendingIsAGaugeOfTheLatestValuePerAttributeSet() {
        sink.record(event("UserRecordsPending", 5, STREAM_A));
        sink.record(event("UserRecordsPending", 9, STREAM_A));
        sink.record(event("UserRecordsPending", 2, dims("stream", "b")));
        sink.export(List.of(snapshot("UserRecordsPending", 2, 14, STREAM_A, 0))).join();

        MetricData pending = metric(reader.collectAllMetrics(), "aiokpl.UserRecordsPending").orElseThrow();
        assertThat(pending.getType()).isEqualTo(MetricDataType.LONG_GAUGE);
        assertThat(pending.getUnit()).isEqualTo("{record}");
        assertThat(pending.getLongGaugeData().getPoints())
                .extracting(p -> Map.entry(p.getAttributes(), p.getValue()))
                .containsExactlyInAnyOrder(
                        Map.entry(attrs(STREAM_A), 9L),
                        Map.entry(attrs(dims("stream", "b")), 2L));

        sink.record(event("UserRecordsPending", 0, STREAM_A));
        assertThat(metric(reader.collectAllMetrics(), "aiokpl.UserRecordsPending").orElseThrow()
                .getLongGaugeData().getPoints())
                .anySatisfy(p -> {
                    assertThat(p.getAttributes()).isEqualTo(attrs(STREAM_A));
                    assertThat(p.getValue()).isZero();
                });
    }

    @Test
    void unknownDimensionKeysAndMetricNamesPassThrough() {
        Map<String, String> custom = dims("stream", "a", "deployment_ring", "canary");
        sink.export(List.of(snapshot("KinesisRecordsPut", 2, 2, custom, 0))).join();
        sink.record(event("SomeFutureMetric", 3, custom));

        Collection<MetricData> all = reader.collectAllMetrics();
        assertThat(counterValue(all, "aiokpl.KinesisRecordsPut", custom)).isEqualTo(2);
        assertThat(metric(all, "aiokpl.KinesisRecordsPut").orElseThrow().getLongSumData().getPoints())
                .singleElement()
                .satisfies(p -> assertThat(p.getAttributes().get(AttributeKey.stringKey("deployment_ring")))
                        .isEqualTo("canary"));
        assertThat(histogramPoint(all, "aiokpl.SomeFutureMetric", custom).getSum()).isEqualTo(3);
    }

    @Test
    void closeStopsRecordingAndUnregistersTheGauge() {
        sink.record(event("UserRecordsPending", 5, STREAM_A));
        sink.close();
        sink.close();
        sink.record(event("RequestTime", 5, STREAM_A));
        sink.export(List.of(snapshot("UserRecordsPut", 1, 1, STREAM_A, 0))).join();

        Collection<MetricData> all = reader.collectAllMetrics();
        assertThat(metric(all, "aiokpl.UserRecordsPending")).isEmpty();
        assertThat(metric(all, "aiokpl.RequestTime")).isEmpty();
        assertThat(metric(all, "aiokpl.UserRecordsPut")).isEmpty();
    }

    @Test
    void buildsFromAnOpenTelemetryWithACustomPrefix() {
        try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setMeterProvider(provider).build()) {
            OpenTelemetrySink fromOtel = OpenTelemetrySink.builder().openTelemetry(otel).prefix("").build();
            fromOtel.export(List.of(snapshot("AllErrors", 1, 1, dims(), 0))).join();

            MetricData allErrors = metric(reader.collectAllMetrics(), "AllErrors").orElseThrow();
            assertThat(allErrors.getInstrumentationScopeInfo().getName())
                    .isEqualTo(OpenTelemetrySink.INSTRUMENTATION_SCOPE);
            assertThat(allErrors.getLongSumData().getPoints()).singleElement()
                    .satisfies(p -> assertThat(p.getValue()).isEqualTo(1));
            fromOtel.close();
        }
    }

    @Test
    void builderValidatesItsSettings() {
        assertThatThrownBy(() -> OpenTelemetrySink.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("neither");
        assertThatThrownBy(() -> OpenTelemetrySink.builder()
                .meter(provider.get("x")).openTelemetry(io.opentelemetry.api.OpenTelemetry.noop()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("both");
        assertThatThrownBy(() -> OpenTelemetrySink.builder().meter(provider.get("x")).prefix("1bad").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix");
    }
}
