package dev.aiokpl.kafka.connect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/** A {@link SinkTaskContext} that records what the task asks of Connect; optionally with a dead-letter queue. */
final class FakeSinkTaskContext implements SinkTaskContext {

    /** A record handed to the dead-letter queue. */
    record Reported(SinkRecord record, Throwable error, CompletableFuture<Void> future) {
    }

    final Set<TopicPartition> assignment = new LinkedHashSet<>();
    final Set<TopicPartition> paused = new LinkedHashSet<>();
    final List<Reported> reported = new ArrayList<>();
    long timeout = -1;
    private final boolean withDlq;
    /** Whether reports complete at once (true) or wait for the test. */
    boolean dlqCompletesAtOnce = true;

    private FakeSinkTaskContext(boolean withDlq, TopicPartition... assigned) {
        this.withDlq = withDlq;
        assignment.addAll(Arrays.asList(assigned));
    }

    static FakeSinkTaskContext withoutDlq(TopicPartition... assigned) {
        return new FakeSinkTaskContext(false, assigned);
    }

    static FakeSinkTaskContext withDlq(TopicPartition... assigned) {
        return new FakeSinkTaskContext(true, assigned);
    }

    @Override
    public Map<String, String> configs() {
        return new HashMap<>();
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {
        throw new UnsupportedOperationException("the task never rewinds");
    }

    @Override
    public void offset(TopicPartition tp, long offset) {
        throw new UnsupportedOperationException("the task never rewinds");
    }

    @Override
    public void timeout(long timeoutMs) {
        this.timeout = timeoutMs;
    }

    @Override
    public Set<TopicPartition> assignment() {
        return Set.copyOf(assignment);
    }

    @Override
    public void pause(TopicPartition... partitions) {
        paused.addAll(Arrays.asList(partitions));
    }

    @Override
    public void resume(TopicPartition... partitions) {
        Arrays.asList(partitions).forEach(paused::remove);
    }

    @Override
    public void requestCommit() {
    }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
        if (!withDlq) {
            return null;
        }
        return this::report;
    }

    private synchronized Future<Void> report(SinkRecord record, Throwable error) {
        CompletableFuture<Void> f = dlqCompletesAtOnce ? CompletableFuture.completedFuture(null) : new CompletableFuture<>();
        reported.add(new Reported(record, error, f));
        return f;
    }

    @Override
    public PluginMetrics pluginMetrics() {
        return null;
    }
}
