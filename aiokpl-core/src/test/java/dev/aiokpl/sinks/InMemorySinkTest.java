package dev.aiokpl.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InMemorySinkTest {

    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final Instant T1 = T0.plusSeconds(60);

    private static MetricSnapshot snapshot(String name, long count, double sum, String shard) {
        return new MetricSnapshot(name, count, sum, 1, sum, Map.of("shard", shard), T0, T1);
    }

    @Test
    void keepsEveryExportAndSumsAcrossExportsAndDimensions() {
        InMemorySink sink = new InMemorySink();
        sink.export(List.of(snapshot("UserRecordsPut", 2, 2, "a"), snapshot("RequestTime", 1, 40, "a")));
        sink.export(List.of(snapshot("UserRecordsPut", 3, 3, "b")));
        sink.export(List.of());

        assertThat(sink.exports()).hasSize(3);
        assertThat(sink.snapshots("UserRecordsPut")).extracting(MetricSnapshot::count).containsExactly(2L, 3L);
        assertThat(sink.count("UserRecordsPut")).isEqualTo(5);
        assertThat(sink.sum("UserRecordsPut")).isEqualTo(5.0);
        assertThat(sink.sum("RequestTime")).isEqualTo(40.0);
        assertThat(sink.count("Unknown")).isZero();
        assertThat(sink.snapshots("Unknown")).isEmpty();
    }

    @Test
    void exportCompletesAtOnceAndCopiesItsInput() {
        InMemorySink sink = new InMemorySink();
        List<MetricSnapshot> input = new ArrayList<>(List.of(snapshot("UserRecordsPut", 1, 1, "a")));

        CompletableFuture<Void> done = sink.export(input);
        input.clear();

        assertThat(done).isCompletedWithValue(null);
        assertThat(sink.exports().get(0)).hasSize(1);
        assertThatThrownBy(() -> sink.exports().add(List.of())).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void tracksStartAndClose() {
        InMemorySink sink = new InMemorySink();
        assertThat(sink.started()).isFalse();
        assertThat(sink.closed()).isFalse();
        sink.start();
        assertThat(sink.started()).isTrue();
        sink.close();
        assertThat(sink.closed()).isTrue();
    }

    @Test
    void acceptsExportsFromManyThreads() throws Exception {
        InMemorySink sink = new InMemorySink();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 1_000; i++) {
                        sink.export(List.of(snapshot("UserRecordsPut", 1, 1, "a")));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(sink.count("UserRecordsPut")).isEqualTo(4_000);
    }
}
