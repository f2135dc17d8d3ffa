package dev.aiokpl.flink;

import dev.aiokpl.sinks.EventfulMetricsSink;
import dev.aiokpl.sinks.MetricEvent;
import dev.aiokpl.sinks.MetricSnapshot;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * Writes the producer's metrics into a Flink metric group as they are observed. Each metric, per set
 * of kept dimensions (each a key/value subgroup: {@code stream}, {@code shard}, {@code error_code}),
 * becomes two counters: {@code <Name>}, the sum of the observed values (records, bytes or
 * milliseconds), and {@code <Name>Samples}, the number of observations; the mean over any interval
 * is the ratio of their increases. Counters are registered on first observation and never removed.
 */
final class FlinkMetricsSink implements EventfulMetricsSink {

    private final MetricGroup group;
    private final Map<Key, Meter> meters = new ConcurrentHashMap<>();

    FlinkMetricsSink(MetricGroup group) {
        this.group = group;
    }

    @Override
    public void record(MetricEvent event) {
        meters.computeIfAbsent(new Key(event.name(), event.dimensions()), this::register).observe(event.value());
    }

    private Meter register(Key key) {
        MetricGroup g = group;
        for (Map.Entry<String, String> d : key.dimensions().entrySet()) {
            g = g.addGroup(d.getKey(), d.getValue());
        }
        Meter meter = new Meter();
        g.counter(key.name(), meter.sum);
        g.counter(key.name() + "Samples", meter.samples);
        return meter;
    }

    /** Nothing to do: every observation is already in Flink's counters. */
    @Override
    public CompletableFuture<Void> export(List<MetricSnapshot> snapshots) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public String toString() {
        return "FlinkMetricsSink";
    }

    private record Key(String name, Map<String, String> dimensions) {
    }

    /** The two counters of one metric; safe for the producer's threads to update concurrently. */
    private static final class Meter {
        final SumCounter sum = new SumCounter();
        final SumCounter samples = new SumCounter();

        void observe(double value) {
            sum.add(value);
            samples.inc();
        }
    }

    /** A thread-safe counter (Flink's {@code SimpleCounter} is not) that also takes fractional amounts. */
    static final class SumCounter implements Counter {
        private final DoubleAdder fractional = new DoubleAdder();
        private final LongAdder whole = new LongAdder();

        void add(double value) {
            if (value == Math.rint(value)) {
                whole.add((long) value);
            } else {
                fractional.add(value);
            }
        }

        @Override
        public void inc() {
            whole.increment();
        }

        @Override
        public void inc(long n) {
            whole.add(n);
        }

        @Override
        public void dec() {
            whole.decrement();
        }

        @Override
        public void dec(long n) {
            whole.add(-n);
        }

        @Override
        public long getCount() {
            return whole.sum() + (long) fractional.sum();
        }
    }
}
