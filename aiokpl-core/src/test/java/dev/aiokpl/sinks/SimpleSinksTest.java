package dev.aiokpl.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimpleSinksTest {

    private static final MetricSnapshot SNAPSHOT = new MetricSnapshot("UserRecordsPut", 3, 3, 1, 1,
            Map.of("stream", "orders"), Instant.parse("2024-05-01T10:00:00Z"), Instant.parse("2024-05-01T10:01:00Z"));

    @Test
    void nullSinkCompletesAtOnce() {
        NullSink sink = new NullSink();
        assertThat(sink.export(List.of(SNAPSHOT))).isCompletedWithValue(null);
        assertThat(sink.export(List.of())).isCompletedWithValue(null);
    }

    @Test
    void loggingSinkCompletesAtOnce() {
        LoggingSink sink = new LoggingSink();
        assertThat(sink.export(List.of(SNAPSHOT))).isCompletedWithValue(null);
        assertThat(sink.export(List.of())).isCompletedWithValue(null);
        assertThat(LoggingSink.LOGGER_NAME).isEqualTo("dev.aiokpl.metrics");
    }

    @Test
    void unitsFollowTheKplDocumentation() {
        assertThat(MetricUnit.of("UserRecordsDataPut")).isEqualTo(MetricUnit.BYTES);
        assertThat(MetricUnit.of("KinesisRecordsDataPut")).isEqualTo(MetricUnit.BYTES);
        assertThat(MetricUnit.of("BufferingTime")).isEqualTo(MetricUnit.MILLISECONDS);
        assertThat(MetricUnit.of("RequestTime")).isEqualTo(MetricUnit.MILLISECONDS);
        assertThat(MetricUnit.of("UserRecordsPut")).isEqualTo(MetricUnit.COUNT);
        assertThat(MetricUnit.of("SomethingElse")).isEqualTo(MetricUnit.COUNT);
        assertThat(MetricUnit.MILLISECONDS.unitName()).isEqualTo("Milliseconds");
        assertThat(MetricUnit.BYTES.ucum()).isEqualTo("By");
    }
}
