package dev.aiokpl.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.MetricsGranularity;
import dev.aiokpl.MetricsLevel;
import dev.aiokpl.sinks.InMemorySink;
import dev.aiokpl.sinks.MetricSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Exports taken while several threads record add up to exactly what was recorded. */
class MetricsConcurrencyTest {

    private static final int WRITERS = 4;
    private static final int PER_WRITER = 200_000;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void exportsUnderConcurrentRecordingSumToTheTrueTotals() throws Exception {
        ManualScheduler time = new ManualScheduler();
        InMemorySink sink = new InMemorySink();
        DefaultMetricsManager manager = new DefaultMetricsManager(MetricsLevel.DETAILED, MetricsGranularity.SHARD,
                sink, Duration.ofSeconds(1), time, time.clock(), time);
        manager.start();

        // The barrier's action runs while every writer waits at half-way, so at least two
        // non-empty windows exist whatever the thread timing.
        CyclicBarrier halfway = new CyclicBarrier(WRITERS, manager::flush);
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
        try {
            Future<Integer> exporter = pool.submit(() -> {
                int ticks = 0;
                while (writing.get()) {
                    if (ticks % 2 == 0) {
                        manager.flush();
                    } else {
                        time.advance(Duration.ofSeconds(1));
                    }
                    ticks++;
                }
                return ticks;
            });
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    String shard = "shard-" + writer;
                    double constant = writer + 1;
                    for (int i = 0; i < PER_WRITER; i++) {
                        if (i == PER_WRITER / 2) {
                            halfway.await(30, TimeUnit.SECONDS);
                        }
                        manager.record(MetricNames.USER_RECORDS_PUT, constant, "s", shard, null);
                        manager.record(MetricNames.BUFFERING_TIME, i % 100, "s", "shared", null);
                    }
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get(60, TimeUnit.SECONDS);
            }
            writing.set(false);
            assertThat(exporter.get(10, TimeUnit.SECONDS)).isPositive();
        } finally {
            pool.shutdownNow();
        }
        manager.close();

        assertThat(sink.exports().size()).isGreaterThanOrEqualTo(2);
        assertThat(sink.count(MetricNames.USER_RECORDS_PUT)).isEqualTo((long) WRITERS * PER_WRITER);
        double expectedPutSum = 0;
        for (int w = 0; w < WRITERS; w++) {
            expectedPutSum += (w + 1.0) * PER_WRITER;
        }
        assertThat(sink.sum(MetricNames.USER_RECORDS_PUT)).isEqualTo(expectedPutSum);

        // Each shard's series only ever sees one value, so a window whose count and sum described
        // different sets of observations would show here.
        for (MetricSnapshot s : sink.snapshots(MetricNames.USER_RECORDS_PUT)) {
            double constant = Integer.parseInt(s.dimensions().get("shard").substring("shard-".length())) + 1;
            assertThat(s.sum()).isEqualTo(s.count() * constant);
            assertThat(s.min()).isEqualTo(constant);
            assertThat(s.max()).isEqualTo(constant);
        }

        long perWriterSum = 0;
        for (int i = 0; i < PER_WRITER; i++) {
            perWriterSum += i % 100;
        }
        assertThat(sink.count(MetricNames.BUFFERING_TIME)).isEqualTo((long) WRITERS * PER_WRITER);
        assertThat(sink.sum(MetricNames.BUFFERING_TIME)).isEqualTo((double) WRITERS * perWriterSum);
        assertThat(sink.snapshots(MetricNames.BUFFERING_TIME).stream().mapToDouble(MetricSnapshot::min).min())
                .hasValue(0.0);
        assertThat(sink.snapshots(MetricNames.BUFFERING_TIME).stream().mapToDouble(MetricSnapshot::max).max())
                .hasValue(99.0);
    }
}
