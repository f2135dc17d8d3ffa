package dev.aiokpl.internal.metrics;

import dev.aiokpl.sinks.MetricSnapshot;
import dev.aiokpl.sinks.MetricsSink;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A sink that logs every call in order ({@code start}, {@code export}, {@code close}) and answers
 * each export with the next scripted behaviour, or success once the script runs out.
 */
class ScriptedSink implements MetricsSink {

    private final List<String> calls = new ArrayList<>();
    private final List<List<MetricSnapshot>> exports = new ArrayList<>();
    private final Deque<Supplier<CompletableFuture<Void>>> script = new ArrayDeque<>();

    /** Answers the next export with what {@code behaviour} returns or throws. */
    synchronized ScriptedSink thenAnswer(Supplier<CompletableFuture<Void>> behaviour) {
        script.addLast(behaviour);
        return this;
    }

    @Override
    public CompletableFuture<Void> export(List<MetricSnapshot> snapshots) {
        Supplier<CompletableFuture<Void>> behaviour;
        synchronized (this) {
            calls.add("export");
            exports.add(List.copyOf(snapshots));
            behaviour = script.pollFirst();
        }
        return behaviour == null ? CompletableFuture.completedFuture(null) : behaviour.get();
    }

    @Override
    public synchronized void start() {
        calls.add("start");
    }

    @Override
    public synchronized void close() {
        calls.add("close");
    }

    synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    synchronized List<List<MetricSnapshot>> exports() {
        return List.copyOf(exports);
    }
}
