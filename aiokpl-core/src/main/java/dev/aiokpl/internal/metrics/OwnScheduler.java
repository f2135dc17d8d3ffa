package dev.aiokpl.internal.metrics;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics scheduler made when the user gives none: one daemon thread named
 * {@value DefaultMetricsManager#THREAD_NAME}, started with its first task, whose stop is bounded
 * even when a sink call hangs on it.
 */
final class OwnScheduler {

    /** How long {@link #stop()} waits for the thread to end. */
    private static final long STOP_NANOS = TimeUnit.SECONDS.toNanos(1);

    // The manager's logger: users' logging configuration names it.
    private static final Logger LOG = LoggerFactory.getLogger(DefaultMetricsManager.class);

    private final ScheduledThreadPoolExecutor executor;
    /** The thread, once the first task has started it. */
    private volatile Thread thread;

    OwnScheduler() {
        executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread made = new Thread(runnable, DefaultMetricsManager.THREAD_NAME);
            thread = made;
            made.setDaemon(true);
            made.setUncaughtExceptionHandler((t, e) -> LOG.error("Uncaught exception on {}", t.getName(), e));
            return made;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    ScheduledExecutorService executor() {
        return executor;
    }

    /**
     * Drops the waiting tasks, interrupts the running one and waits at most 1 s for the thread to
     * end; logs when it does not. Keeps the calling thread's interrupt status.
     */
    void stop() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(STOP_NANOS, TimeUnit.NANOSECONDS)) {
                LOG.warn("Metrics thread {} did not stop within 1 s (a sink call may be hung)",
                        DefaultMetricsManager.THREAD_NAME);
            } else if (thread != null) {
                // awaitTermination returns a moment before the thread itself has ended.
                TimeUnit.NANOSECONDS.timedJoin(thread, STOP_NANOS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
