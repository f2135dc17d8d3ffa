package dev.aiokpl.internal.metrics;

import dev.aiokpl.MetricsGranularity;
import dev.aiokpl.MetricsLevel;
import dev.aiokpl.sinks.Dimensions;
import dev.aiokpl.sinks.MetricEvent;
import dev.aiokpl.sinks.MetricSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.StampedLock;

/**
 * Aggregates observations into the current tumbling window, one series per metric name and kept
 * dimension set, and hands a closed window over atomically.
 *
 * <p>Concurrency: recording threads update a series' adders under the <em>read</em> side of a
 * {@link StampedLock} (shared, so they never wait on each other); {@link #takeWindow} swaps in a
 * fresh window under the <em>write</em> side, which it gets only once every recording that saw the
 * old window has finished. The old window is therefore complete and no longer written when it is
 * read, every observation lands in exactly one window, and a window's count, sum, min and max
 * describe the same observations.
 */
final class WindowedRegistry {

    private static final Comparator<Series> ORDER = Comparator
            .comparing((Series s) -> s.key.name)
            .thenComparing(s -> s.key.stream, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(s -> s.key.shard, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(s -> s.key.errorCode, Comparator.nullsFirst(Comparator.naturalOrder()));

    private final boolean keepStream;
    private final boolean keepShard;
    private final boolean keepErrorCode;
    private final StampedLock swapLock = new StampedLock();
    private volatile Window current;

    /**
     * @param level       SUMMARY keeps only {@code stream}; DETAILED keeps {@code stream},
     *                    {@code shard} and {@code error_code}; NONE keeps nothing
     * @param granularity GLOBAL drops {@code stream} and {@code shard}, STREAM drops {@code shard};
     *                    {@code error_code} is not affected
     * @param start       when the first window starts
     */
    WindowedRegistry(MetricsLevel level, MetricsGranularity granularity, Instant start) {
        this.keepStream = level != MetricsLevel.NONE && granularity != MetricsGranularity.GLOBAL;
        this.keepShard = level == MetricsLevel.DETAILED && granularity == MetricsGranularity.SHARD;
        this.keepErrorCode = level == MetricsLevel.DETAILED;
        this.current = new Window(start);
    }

    /**
     * Adds one observation to the current window, after dropping the dimensions not kept.
     *
     * @return the series it was added to, whose {@link Series#dimensions()} are the kept ones
     */
    Series observe(String name, double value, String stream, String shard, String errorCode) {
        SeriesKey key = new SeriesKey(name,
                keepStream ? stream : null,
                keepShard ? shard : null,
                keepErrorCode ? errorCode : null);
        long stamp = swapLock.readLock();
        try {
            Map<SeriesKey, Series> series = current.series;
            Series s = series.get(key);
            if (s == null) {
                s = series.computeIfAbsent(key, Series::new);
            }
            s.add(value);
            return s;
        } finally {
            swapLock.unlockRead(stamp);
        }
    }

    /**
     * Closes the current window at {@code end}, opens the next one at {@code end}, and returns
     * the closed window's snapshots (empty if nothing was observed), ordered by name, stream,
     * shard and error code.
     */
    List<MetricSnapshot> takeWindow(Instant end) {
        Window closed;
        long stamp = swapLock.writeLock();
        try {
            closed = current;
            current = new Window(end);
        } finally {
            swapLock.unlockWrite(stamp);
        }
        return closed.snapshots(end);
    }

    /**
     * The current window's snapshots up to {@code now}, without closing it. Read while recording
     * goes on, so a concurrent observation may be missing or partly counted.
     */
    List<MetricSnapshot> peek(Instant now) {
        return current.snapshots(now);
    }

    /** One window's series. */
    private static final class Window {
        final Instant start;
        final ConcurrentHashMap<SeriesKey, Series> series = new ConcurrentHashMap<>();

        Window(Instant start) {
            this.start = start;
        }

        List<MetricSnapshot> snapshots(Instant end) {
            if (series.isEmpty()) {
                return List.of();
            }
            List<Series> sorted = new ArrayList<>(series.values());
            sorted.sort(ORDER);
            List<MetricSnapshot> snapshots = new ArrayList<>(sorted.size());
            for (Series s : sorted) {
                long count = s.count.sum();
                if (count > 0) {
                    snapshots.add(new MetricSnapshot(s.key.name, count, s.sum.sum(),
                            Double.longBitsToDouble(s.minBits.get()),
                            Double.longBitsToDouble(s.maxBits.get()),
                            s.dimensions, start, end));
                }
            }
            return List.copyOf(snapshots);
        }
    }

    /** A metric name with its kept dimensions; null means the dimension is absent. */
    private static final class SeriesKey {
        final String name;
        final String stream;
        final String shard;
        final String errorCode;
        private final int hash;

        SeriesKey(String name, String stream, String shard, String errorCode) {
            this.name = name;
            this.stream = stream;
            this.shard = shard;
            this.errorCode = errorCode;
            this.hash = ((name.hashCode() * 31 + Objects.hashCode(stream)) * 31
                    + Objects.hashCode(shard)) * 31 + Objects.hashCode(errorCode);
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            if (!(o instanceof SeriesKey)) {
                return false;
            }
            SeriesKey k = (SeriesKey) o;
            return hash == k.hash && name.equals(k.name) && Objects.equals(stream, k.stream)
                    && Objects.equals(shard, k.shard) && Objects.equals(errorCode, k.errorCode);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** The running count, sum, min and max of one series in one window. */
    static final class Series {
        private final SeriesKey key;
        private final Map<String, String> dimensions;
        private final LongAdder count = new LongAdder();
        private final DoubleAdder sum = new DoubleAdder();
        private final AtomicLong minBits = new AtomicLong(Double.doubleToRawLongBits(Double.POSITIVE_INFINITY));
        private final AtomicLong maxBits = new AtomicLong(Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY));

        private Series(SeriesKey key) {
            this.key = key;
            this.dimensions = dimensionsOf(key);
        }

        /** The kept dimensions, ordered stream, shard, error_code; unmodifiable. */
        Map<String, String> dimensions() {
            return dimensions;
        }

        private void add(double value) {
            count.increment();
            sum.add(value);
            long bits = minBits.get();
            while (value < Double.longBitsToDouble(bits)
                    && !minBits.compareAndSet(bits, Double.doubleToRawLongBits(value))) {
                bits = minBits.get();
            }
            bits = maxBits.get();
            while (value > Double.longBitsToDouble(bits)
                    && !maxBits.compareAndSet(bits, Double.doubleToRawLongBits(value))) {
                bits = maxBits.get();
            }
        }

        private static Map<String, String> dimensionsOf(SeriesKey key) {
            Map<String, String> dims = new LinkedHashMap<>(4);
            if (key.stream != null) {
                dims.put(Dimensions.STREAM, key.stream);
            }
            if (key.shard != null) {
                dims.put(Dimensions.SHARD, key.shard);
            }
            if (key.errorCode != null) {
                dims.put(Dimensions.ERROR_CODE, key.errorCode);
            }
            // The records' canonical constructors freeze a map once and pass a frozen one through
            // untouched: freezing here, once per series, spares a copy per event and per snapshot.
            return new MetricEvent(key.name, 0, Instant.EPOCH, dims).dimensions();
        }
    }
}
