package dev.aiokpl.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aiokpl.MetricsGranularity;
import dev.aiokpl.MetricsLevel;
import dev.aiokpl.sinks.InMemorySink;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** With level NONE the hot path allocates nothing, guarded or not. */
class NoneAllocationTest {

    private static final int CALLS = 1_000_000;

    /** Allowance for the measurement itself; 1e6 calls allocating even one byte each would exceed it. */
    private static final long SLACK_BYTES = 64 * 1024;

    @Test
    void aMillionCallsOnANoneManagerAllocateNothing() {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads instanceof com.sun.management.ThreadMXBean, "needs com.sun.management.ThreadMXBean");
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) threads;
        assumeTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled(),
                "needs per-thread allocation accounting");
        ManualScheduler time = new ManualScheduler();
        MetricsRecorder recorder = new DefaultMetricsManager(MetricsLevel.NONE, MetricsGranularity.SHARD,
                new InMemorySink(), Duration.ofSeconds(60), time, time.clock(), null);
        long threadId = Thread.currentThread().getId();

        long guarded = measure(bean, threadId, () -> {
            for (int i = 0; i < CALLS; i++) {
                if (recorder.enabled()) {
                    recorder.record(MetricNames.USER_RECORDS_RECEIVED, i, "stream", "shardId-0", null);
                }
            }
        });
        long unguarded = measure(bean, threadId, () -> {
            for (int i = 0; i < CALLS; i++) {
                recorder.record(MetricNames.USER_RECORDS_RECEIVED, i, "stream", "shardId-0", null);
            }
        });

        assertThat(guarded).isLessThan(SLACK_BYTES);
        assertThat(unguarded).isLessThan(SLACK_BYTES);
    }

    private static long measure(com.sun.management.ThreadMXBean bean, long threadId, Runnable loop) {
        loop.run(); // warm up, so the measured run is the compiled one
        long before = bean.getThreadAllocatedBytes(threadId);
        loop.run();
        return bean.getThreadAllocatedBytes(threadId) - before;
    }
}
