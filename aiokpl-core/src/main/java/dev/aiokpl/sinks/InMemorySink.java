package dev.aiokpl.sinks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A sink that keeps every export in memory, for tests and for diagnostics.
 *
 * <p>Thread-safe: exports may arrive on one thread while a test reads on another. Nothing is
 * ever evicted, so do not leave it plugged into a long-running producer.
 */
public final class InMemorySink implements MetricsSink {

    private final List<List<MetricSnapshot>> exports = new CopyOnWriteArrayList<>();
    private volatile boolean started;
    private volatile boolean closed;

    /** Creates an empty sink. */
    public InMemorySink() {
    }

    /** Keeps {@code snapshots} as one export; returns an already completed future. */
    @Override
    public CompletableFuture<Void> export(List<MetricSnapshot> snapshots) {
        exports.add(List.copyOf(snapshots));
        return CompletableFuture.completedFuture(null);
    }

    /** Records that the sink was started. */
    @Override
    public void start() {
        started = true;
    }

    /** Records that the sink was closed; the exports stay readable. */
    @Override
    public void close() {
        closed = true;
    }

    /** Every export received so far, oldest first; an immutable copy. */
    public List<List<MetricSnapshot>> exports() {
        return List.copyOf(exports);
    }

    /**
     * Every snapshot named {@code name} across all exports so far, oldest export first; an
     * immutable copy, empty if there is none.
     */
    public List<MetricSnapshot> snapshots(String name) {
        List<MetricSnapshot> found = new ArrayList<>();
        for (List<MetricSnapshot> export : exports) {
            for (MetricSnapshot snapshot : export) {
                if (snapshot.name().equals(name)) {
                    found.add(snapshot);
                }
            }
        }
        return List.copyOf(found);
    }

    /** The sum of the values observed for {@code name}, over every export and dimension set. */
    public double sum(String name) {
        double sum = 0;
        for (MetricSnapshot snapshot : snapshots(name)) {
            sum += snapshot.sum();
        }
        return sum;
    }

    /** The number of observations of {@code name}, over every export and dimension set. */
    public long count(String name) {
        long count = 0;
        for (MetricSnapshot snapshot : snapshots(name)) {
            count += snapshot.count();
        }
        return count;
    }

    /** Whether {@link #start()} has been called. */
    public boolean started() {
        return started;
    }

    /** Whether {@link #close()} has been called. */
    public boolean closed() {
        return closed;
    }

    @Override
    public String toString() {
        return "InMemorySink[exports=" + exports.size() + ", started=" + started + ", closed=" + closed + "]";
    }
}
