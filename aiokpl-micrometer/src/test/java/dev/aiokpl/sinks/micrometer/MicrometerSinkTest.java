package dev.aiokpl.sinks.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aiokpl.sinks.MetricEvent;
import dev.aiokpl.sinks.MetricSnapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MicrometerSinkTest {

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:00Z");
    private static final Map<String, String> STREAM_A = dims("stream", "a");
    private static final Map<String, String> SHARD_1 = dims("stream", "a", "shard", "shardId-000000000001");

    private SimpleMeterRegistry registry;
    private MicrometerSink sink;

    @BeforeEach
    void setUp() {
        registry = new SimpleMeterRegistry();
        sink = MicrometerSink.builder().registry(registry).build();
    }

    @AfterEach
    void tearDown() {
        sink.close();
        registry.close();
    }

    private static Map<String, String> dims(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Tags tags(Map<String, String> dims) {
        Tags t = Tags.empty();
        for (Map.Entry<String, String> e : dims.entrySet()) {
            t = t.and(e.getKey(), e.getValue());
        }
        return t;
    }

    private static MetricSnapshot snapshot(String name, long count, double sum, Map<String, String> dims, int window) {
        return new MetricSnapshot(name, count, sum, 0, 0, dims,
                T0.plusSeconds(60L * window), T0.plusSeconds(60L * (window + 1)));
    }

    private static MetricEvent event(String name, double value, Map<String, String> dims) {
        return new MetricEvent(name, value, T0, dims);
    }

    private Counter counter(String name, Map<String, String> dims) {
        return registry.get(name).tags(tags(dims)).counter();
    }

    @Test
    void countersAddEveryWindowOnce() {
        sink.export(List.of(
                snapshot("UserRecordsPut", 3, 3, SHARD_1, 0),
                snapshot("KinesisRecordsDataPut", 1, 4096, STREAM_A, 0))).join();
        sink.record(event("UserRecordsPut", 1, SHARD_1));
        sink.export(List.of(
                snapshot("UserRecordsPut", 4, 4, SHARD_1, 1),
                snapshot("UserRecordsPut", 0, 0, SHARD_1, 1),
                snapshot("UserRecordsPut", 1, -2, SHARD_1, 1))).join();
        sink.export(List.of()).join();
        sink.export(List.of(
                snapshot("UserRecordsPut", 1, 1, SHARD_1, 3),
                snapshot("ErrorsByCode", 2, 2, dims("stream", "a", "error_code", "InternalFailure"), 3))).join();

        assertThat(counter("aiokpl.UserRecordsPut", SHARD_1).count()).isEqualTo(8.0);
        assertThat(counter("aiokpl.UserRecordsPut", SHARD_1).getId().getBaseUnit()).isEqualTo("records");
        assertThat(counter("aiokpl.KinesisRecordsDataPut", STREAM_A).count()).isEqualTo(4096.0);
        assertThat(counter("aiokpl.KinesisRecordsDataPut", STREAM_A).getId().getBaseUnit()).isEqualTo("bytes");
        assertThat(counter("aiokpl.ErrorsByCode", dims("stream", "a", "error_code", "InternalFailure")).count())
                .isEqualTo(2.0);
        assertThat(registry.find("aiokpl.UserRecordsPut").counters()).hasSize(1);
    }

    @Test
    void timersAndSummariesSeeEveryEventAndIgnoreSnapshots() {
        sink.record(event("RequestTime", 12.5, SHARD_1));
        sink.record(event("RequestTime", 30, SHARD_1));
        sink.export(List.of(snapshot("RequestTime", 2, 42.5, SHARD_1, 0))).join();
        sink.record(event("RequestTime", 7.5, SHARD_1));
        sink.record(event("RequestTime", -1, SHARD_1));
        sink.record(event("BufferingTime", 100, STREAM_A));
        sink.record(event("UserRecordsPerKinesisRecord", 4, STREAM_A));
        sink.record(event("UserRecordsPerKinesisRecord", 6, STREAM_A));
        sink.record(event("RetriesPerRecord", 1, STREAM_A));
        sink.export(List.of(snapshot("UserRecordsPerKinesisRecord", 2, 10, STREAM_A, 1))).join();

        Timer requestTime = registry.get("aiokpl.RequestTime").tags(tags(SHARD_1)).timer();
        assertThat(requestTime.count()).isEqualTo(3);
        assertThat(requestTime.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(50.0);
        assertThat(requestTime.max(TimeUnit.MILLISECONDS)).isEqualTo(30.0);
        assertThat(registry.get("aiokpl.BufferingTime").tags(tags(STREAM_A)).timer().totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(100.0);

        DistributionSummary perRecord = registry.get("aiokpl.UserRecordsPerKinesisRecord")
                .tags(tags(STREAM_A)).summary();
        assertThat(perRecord.count()).isEqualTo(2);
        assertThat(perRecord.totalAmount()).isEqualTo(10.0);
        assertThat(perRecord.getId().getBaseUnit()).isEqualTo("records");
        assertThat(registry.get("aiokpl.RetriesPerRecord").summary().getId().getBaseUnit()).isEqualTo("retries");
    }

    @Test
    void pendingIsAGaugeOfTheLatestValue() {
        sink.record(event("UserRecordsPending", 5, STREAM_A));
        sink.record(event("UserRecordsPending", 9, STREAM_A));
        sink.record(event("UserRecordsPending", 2, dims("stream", "b")));
        sink.export(List.of(snapshot("UserRecordsPending", 2, 14, STREAM_A, 0))).join();

        assertThat(registry.get("aiokpl.UserRecordsPending").tags(tags(STREAM_A)).gauge().value()).isEqualTo(9.0);
        assertThat(registry.get("aiokpl.UserRecordsPending").tags("stream", "b").gauge().value()).isEqualTo(2.0);
        sink.record(event("UserRecordsPending", 0, STREAM_A));
        assertThat(registry.get("aiokpl.UserRecordsPending").tags(tags(STREAM_A)).gauge().value()).isZero();
    }

    @Test
    void unknownDimensionKeysAndNamesPassThrough() {
        Map<String, String> custom = dims("stream", "a", "deployment_ring", "canary");
        sink.export(List.of(snapshot("AllErrors", 1, 1, custom, 0))).join();
        sink.record(event("SomeFutureMetric", 3, custom));

        Counter allErrors = registry.get("aiokpl.AllErrors").counter();
        assertThat(allErrors.getId().getTag("deployment_ring")).isEqualTo("canary");
        assertThat(allErrors.getId().getTags()).extracting(t -> t.getKey()).containsExactlyInAnyOrder(
                "stream", "deployment_ring");
        assertThat(registry.get("aiokpl.SomeFutureMetric").tags(tags(custom)).summary().totalAmount()).isEqualTo(3.0);
    }

    @Test
    void customPrefixAndCloseKeepsTheFinalWindow() {
        MicrometerSink bare = MicrometerSink.builder().registry(registry).prefix("").build();
        bare.export(List.of(snapshot("UserRecordsReceived", 2, 2, dims(), 0))).join();
        bare.close();
        bare.close();
        bare.export(List.of(snapshot("UserRecordsReceived", 5, 5, dims(), 1))).join();
        bare.record(event("RequestTime", 1, dims()));

        assertThat(registry.get("UserRecordsReceived").counter().count()).isEqualTo(2.0);
        assertThat(registry.find("RequestTime").meters()).isEmpty();
    }

    @Test
    void aMeterTheRegistryRefusesIsDroppedQuietly() {
        MeterRegistry refusing = new SimpleMeterRegistry();
        refusing.config().meterFilter(MeterFilter.deny(id -> id.getName().endsWith("RequestTime")));
        refusing.config().onMeterAdded(m -> {
            if (m.getId().getName().endsWith("BufferingTime")) {
                throw new IllegalArgumentException("refused");
            }
        });
        MicrometerSink guarded = MicrometerSink.builder().registry(refusing).build();
        guarded.record(event("RequestTime", 1, STREAM_A));
        guarded.record(event("BufferingTime", 1, STREAM_A));
        guarded.record(event("BufferingTime", 2, STREAM_A));
        guarded.record(event("UserRecordsPerKinesisRecord", 3, STREAM_A));

        assertThat(refusing.get("aiokpl.UserRecordsPerKinesisRecord").summary().count()).isEqualTo(1);
        assertThat(refusing.getMeters()).extracting(Meter::getId).extracting(Meter.Id::getName)
                .doesNotContain("aiokpl.RequestTime");
        guarded.close();
    }

    @Test
    void builderNeedsARegistry() {
        assertThatThrownBy(() -> MicrometerSink.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("registry");
    }
}
