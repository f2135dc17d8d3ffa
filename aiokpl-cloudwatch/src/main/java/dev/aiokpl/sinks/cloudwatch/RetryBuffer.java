package dev.aiokpl.sinks.cloudwatch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;

/**
 * Holds the datums of failed uploads until the next window, bounded: when full, the oldest datums
 * make room for the newest. Thread-safe: filled from SDK completion threads, drained by export.
 */
final class RetryBuffer {

    private final int capacity;
    private final ArrayDeque<MetricDatum> datums = new ArrayDeque<>();

    RetryBuffer(int capacity) {
        this.capacity = capacity;
    }

    /** Adds the datums of a failed request; returns how many older datums were dropped for room. */
    synchronized int addAll(List<MetricDatum> failed) {
        int dropped = 0;
        for (MetricDatum d : failed) {
            if (capacity == 0) {
                dropped++;
                continue;
            }
            if (datums.size() == capacity) {
                datums.pollFirst();
                dropped++;
            }
            datums.addLast(d);
        }
        return dropped;
    }

    /** Removes and returns every held datum, oldest first. */
    synchronized List<MetricDatum> drain() {
        List<MetricDatum> out = new ArrayList<>(datums);
        datums.clear();
        return out;
    }

    /** How many datums wait for the next window. */
    synchronized int size() {
        return datums.size();
    }
}
