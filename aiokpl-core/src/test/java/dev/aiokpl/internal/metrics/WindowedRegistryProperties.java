package dev.aiokpl.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.MetricsGranularity;
import dev.aiokpl.MetricsLevel;
import dev.aiokpl.sinks.MetricSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Against a simple model: each window holds exactly the observations made since the previous
 * one, grouped by the dimensions the level and granularity keep.
 */
class WindowedRegistryProperties {

    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    /** Either an observation or, when {@code name} is null, a window hand-over. */
    record Step(String name, int value, String stream, String shard, String errorCode) {
        boolean isExport() {
            return name == null;
        }
    }

    @Property(tries = 300)
    void everyWindowHoldsExactlyTheObservationsSinceThePreviousOne(
            @ForAll("levels") MetricsLevel level,
            @ForAll MetricsGranularity granularity,
            @ForAll("steps") List<Step> steps) {
        WindowedRegistry registry = new WindowedRegistry(level, granularity, T0);
        Map<String, List<Integer>> model = new TreeMap<>();
        Instant windowStart = T0;
        int tick = 0;

        List<Step> all = new ArrayList<>(steps);
        all.add(new Step(null, 0, null, null, null));
        for (Step step : all) {
            if (!step.isExport()) {
                registry.observe(step.name(), step.value(), step.stream(), step.shard(), step.errorCode());
                model.computeIfAbsent(key(step.name(), kept(level, granularity, step)), k -> new ArrayList<>())
                        .add(step.value());
                continue;
            }
            Instant windowEnd = T0.plus(Duration.ofSeconds(++tick));
            List<MetricSnapshot> window = registry.takeWindow(windowEnd);

            Map<String, MetricSnapshot> byKey = new TreeMap<>();
            for (MetricSnapshot s : window) {
                assertThat(s.windowStart()).isEqualTo(windowStart);
                assertThat(s.windowEnd()).isEqualTo(windowEnd);
                assertThat(byKey.put(key(s.name(), s.dimensions()), s)).as("one snapshot per series").isNull();
            }
            assertThat(byKey.keySet()).isEqualTo(model.keySet());
            for (Map.Entry<String, List<Integer>> expected : model.entrySet()) {
                MetricSnapshot s = byKey.get(expected.getKey());
                List<Integer> values = expected.getValue();
                assertThat(s.count()).isEqualTo(values.size());
                assertThat(s.sum()).isEqualTo(values.stream().mapToDouble(Integer::doubleValue).sum());
                assertThat(s.min()).isEqualTo(values.stream().mapToDouble(Integer::doubleValue).min().orElseThrow());
                assertThat(s.max()).isEqualTo(values.stream().mapToDouble(Integer::doubleValue).max().orElseThrow());
            }
            model.clear();
            windowStart = windowEnd;
        }
    }

    private static Map<String, String> kept(MetricsLevel level, MetricsGranularity granularity, Step step) {
        boolean stream = granularity != MetricsGranularity.GLOBAL;
        boolean shard = level == MetricsLevel.DETAILED && granularity == MetricsGranularity.SHARD;
        boolean errorCode = level == MetricsLevel.DETAILED;
        Map<String, String> dims = new LinkedHashMap<>();
        if (stream && step.stream() != null) {
            dims.put("stream", step.stream());
        }
        if (shard && step.shard() != null) {
            dims.put("shard", step.shard());
        }
        if (errorCode && step.errorCode() != null) {
            dims.put("error_code", step.errorCode());
        }
        return dims;
    }

    private static String key(String name, Map<String, String> dimensions) {
        // Insertion order is part of the contract: stream, shard, error_code.
        return name + dimensions;
    }

    @Provide
    Arbitrary<MetricsLevel> levels() {
        return Arbitraries.of(MetricsLevel.SUMMARY, MetricsLevel.DETAILED);
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> observation = Combinators.combine(
                Arbitraries.of("UserRecordsPut", "ErrorsByCode", "RequestTime"),
                Arbitraries.integers().between(0, 1_000),
                Arbitraries.of("orders", "clicks").injectNull(0.2),
                Arbitraries.of("shardId-0", "shardId-1").injectNull(0.2),
                Arbitraries.of("Throttled", "InternalFailure").injectNull(0.5))
                .as(Step::new);
        Arbitrary<Step> export = Arbitraries.just(new Step(null, 0, null, null, null));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, observation),
                net.jqwik.api.Tuple.of(1, export))
                .list().ofMaxSize(200);
    }
}
