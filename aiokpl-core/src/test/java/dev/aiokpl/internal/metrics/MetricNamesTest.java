package dev.aiokpl.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.sinks.MetricUnit;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MetricNamesTest {

    @Test
    void allListsEveryConstantOnce() throws IllegalAccessException {
        List<Object> constants = new ArrayList<>();
        for (Field field : MetricNames.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                constants.add(field.get(null));
            }
        }
        assertThat(MetricNames.ALL).hasSize(17).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(
                constants.stream().map(String.class::cast).toList());
    }

    @Test
    void everyMetricHasItsKplUnit() {
        Map<String, MetricUnit> units = new TreeMap<>();
        for (String name : MetricNames.ALL) {
            units.put(name, MetricUnit.of(name));
        }
        assertThat(units).containsOnly(
                Map.entry("UserRecordsReceived", MetricUnit.COUNT),
                Map.entry("UserRecordsPending", MetricUnit.COUNT),
                Map.entry("UserRecordsPut", MetricUnit.COUNT),
                Map.entry("UserRecordsDataPut", MetricUnit.BYTES),
                Map.entry("KinesisRecordsPut", MetricUnit.COUNT),
                Map.entry("KinesisRecordsDataPut", MetricUnit.BYTES),
                Map.entry("ErrorsByCode", MetricUnit.COUNT),
                Map.entry("AllErrors", MetricUnit.COUNT),
                Map.entry("RetriesPerRecord", MetricUnit.COUNT),
                Map.entry("UserRecordExpired", MetricUnit.COUNT),
                Map.entry("BufferingTime", MetricUnit.MILLISECONDS),
                Map.entry("RequestTime", MetricUnit.MILLISECONDS),
                Map.entry("UserRecordsPerKinesisRecord", MetricUnit.COUNT),
                Map.entry("KinesisRecordsPerPutRecordsRequest", MetricUnit.COUNT),
                Map.entry("UserRecordsPerPutRecordsRequest", MetricUnit.COUNT),
                Map.entry("RequestSizeLimit", MetricUnit.BYTES),
                Map.entry("RequestsInFlightLimit", MetricUnit.COUNT));
    }

    @Test
    void noopRecorderIsDisabledAndIgnoresCalls() {
        assertThat(MetricsRecorder.NOOP.enabled()).isFalse();
        MetricsRecorder.NOOP.record(MetricNames.USER_RECORDS_PUT, 1, "s", "shard", null);
    }
}
