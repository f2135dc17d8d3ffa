package dev.aiokpl.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.sinks.MetricEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.testutils.MetricListener;
import org.junit.jupiter.api.Test;

/** The producer's metrics land in Flink's metric group as sum and sample counters per dimension set. */
class FlinkMetricsSinkTest {

    @Test
    void eachMetricAndDimensionSetBecomesASumAndASamplesCounter() {
        MetricListener listener = new MetricListener();
        FlinkMetricsSink sink = new FlinkMetricsSink(listener.getMetricGroup());
        Map<String, String> dims = new LinkedHashMap<>();
        dims.put("stream", "events");
        sink.record(new MetricEvent("UserRecordsPut", 3, Instant.EPOCH, dims));
        sink.record(new MetricEvent("UserRecordsPut", 2, Instant.EPOCH, dims));
        sink.record(new MetricEvent("RequestTime", 12.5, Instant.EPOCH, Map.of()));
        sink.record(new MetricEvent("RequestTime", 7.5, Instant.EPOCH, Map.of()));

        assertThat(listener.getCounter("stream", "events", "UserRecordsPut")).get()
                .extracting(Counter::getCount).isEqualTo(5L);
        assertThat(listener.getCounter("stream", "events", "UserRecordsPutSamples")).get()
                .extracting(Counter::getCount).isEqualTo(2L);
        assertThat(listener.getCounter("RequestTime")).get().extracting(Counter::getCount).isEqualTo(20L);
        assertThat(listener.getCounter("RequestTimeSamples")).get().extracting(Counter::getCount).isEqualTo(2L);
    }
}
