package dev.aiokpl.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * What happened to the records of one run, updated from the sending thread and the producer's
 * callback threads: counts, failures by error code (with the first message of each code), the
 * put-to-confirm latencies of the records that succeeded, and optionally every failure with its
 * position (line number or record index).
 */
final class RunStats {

    /** One failed record: its line number (put) or index (demo, bench), error code and message. */
    record Failure(long position, String errorCode, String errorMessage) {
    }

    private final boolean keepFailures;
    private final LongAdder accepted = new LongAdder();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder succeededBytes = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> failedByCode = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> firstMessageByCode = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final LatencyHistogram latency = new LatencyHistogram();
    private volatile long startNanos = System.nanoTime();
    private volatile long endNanos;

    /** @param keepFailures whether to keep every failure (for put's report), not only counts */
    RunStats(boolean keepFailures) {
        this.keepFailures = keepFailures;
    }

    /** A record was handed to the producer. */
    void countAccepted() {
        accepted.increment();
    }

    /** A record was confirmed, {@code latencyNanos} after it was handed over. */
    void succeeded(int dataBytes, long latencyNanos) {
        succeeded.increment();
        succeededBytes.add(dataBytes);
        latency.record(latencyNanos / 1_000);
    }

    /** A record failed, in the producer or before it (invalid input). */
    void failed(long position, String errorCode, String errorMessage) {
        String code = errorCode == null || errorCode.isBlank() ? "Unknown" : errorCode;
        failed.increment();
        failedByCode.computeIfAbsent(code, c -> new LongAdder()).increment();
        firstMessageByCode.putIfAbsent(code, errorMessage == null ? "" : errorMessage);
        if (keepFailures) {
            failures.add(new Failure(position, code, errorMessage == null ? "" : errorMessage));
        }
    }

    /** Starts the clock again (after a warm-up that is not part of the measurement). */
    void restartClock() {
        startNanos = System.nanoTime();
    }

    /** Marks the end of the run (idempotent: the first call counts). */
    void end() {
        if (endNanos == 0) {
            endNanos = System.nanoTime();
        }
    }

    long accepted() {
        return accepted.sum();
    }

    long succeeded() {
        return succeeded.sum();
    }

    long succeededBytes() {
        return succeededBytes.sum();
    }

    long failed() {
        return failed.sum();
    }

    /** Failure counts by error code, most frequent first. */
    Map<String, Long> failedByCode() {
        Map<String, Long> out = new LinkedHashMap<>();
        failedByCode.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue().sum()))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** The first message seen for an error code. */
    String firstMessage(String errorCode) {
        return firstMessageByCode.getOrDefault(errorCode, "");
    }

    /** Every failure kept, by position. */
    List<Failure> failures() {
        List<Failure> out = new ArrayList<>(failures);
        out.sort(Comparator.comparingLong(Failure::position));
        return out;
    }

    LatencyHistogram latency() {
        return latency;
    }

    /** Seconds from the start to {@link #end()} (or to now, before it). */
    double elapsedSeconds() {
        long end = endNanos == 0 ? System.nanoTime() : endNanos;
        return Math.max(1e-9, (end - startNanos) / 1e9);
    }
}
