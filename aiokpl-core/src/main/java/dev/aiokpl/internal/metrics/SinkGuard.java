package dev.aiokpl.internal.metrics;

import dev.aiokpl.internal.Ticker;
import dev.aiokpl.sinks.EventfulMetricsSink;
import dev.aiokpl.sinks.MetricEvent;
import dev.aiokpl.sinks.MetricSnapshot;
import dev.aiokpl.sinks.MetricsSink;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shields the producer from the user's {@link MetricsSink}: every call into it is contained
 * (nothing but a {@link VirtualMachineError} gets out), exports run on the scheduler and are given
 * up after the export timeout, failures are logged at most once a minute per kind, and the sink is
 * closed once, after which nothing more is exported.
 *
 * <p>The scheduler is the one given, or, when none is, an {@link OwnScheduler} made by
 * {@link #start()} and stopped by {@link #close()}.
 */
final class SinkGuard {

    // The manager's logger: users' logging configuration names it.
    private static final Logger LOG = LoggerFactory.getLogger(DefaultMetricsManager.class);

    private final MetricsSink sink;
    private final EventfulMetricsSink eventfulSink;
    private final Ticker ticker;
    private final long exportTimeoutNanos;
    private final ReentrantLock exportLock = new ReentrantLock();
    private final AtomicBoolean sinkClosed = new AtomicBoolean();
    private final WarningThrottle recordWarnings;
    private final WarningThrottle exportWarnings;

    private volatile ScheduledExecutorService scheduler;
    private volatile OwnScheduler own;

    /**
     * @param sink               the user's sink; not touched until {@link #start()}
     * @param ticker             monotonic time, for rate-limiting the warnings
     * @param scheduler          runs the exports and their timeouts; null to make one at {@code start}
     * @param exportTimeoutNanos how long an export may take before it is given up
     */
    SinkGuard(MetricsSink sink, Ticker ticker, ScheduledExecutorService scheduler, long exportTimeoutNanos) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.eventfulSink = sink instanceof EventfulMetricsSink ? (EventfulMetricsSink) sink : null;
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.exportTimeoutNanos = exportTimeoutNanos;
        this.scheduler = scheduler;
        long now = ticker.read();
        this.recordWarnings = new WarningThrottle(now);
        this.exportWarnings = new WarningThrottle(now);
    }

    /** Whether the sink takes single observations through {@link #record}. */
    boolean eventful() {
        return eventfulSink != null;
    }

    /** Makes the own scheduler if none was given, then starts the sink; a throwing sink is logged. */
    void start() {
        if (scheduler == null) {
            own = new OwnScheduler();
            scheduler = own.executor();
        }
        try {
            sink.start();
        } catch (Throwable t) {
            rethrowIfFatal(t);
            LOG.warn("Metrics sink {} threw from start(); exports will still be attempted", sink, t);
        }
    }

    /** Runs {@code task} on the scheduler every {@code periodNanos}, the first time one period from now. */
    ScheduledFuture<?> repeat(Runnable task, long periodNanos) {
        return scheduler.scheduleAtFixedRate(task, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    /** Passes one observation to an eventful sink on this thread; never throws because of the sink. */
    void record(MetricEvent event) {
        try {
            eventfulSink.record(event);
        } catch (Throwable t) {
            rethrowIfFatal(t);
            warn(recordWarnings, "Metrics sink {} threw from record(); observation kept in the window", t);
        }
    }

    /**
     * Takes a window from {@code window} and exports it, unless the sink is closed or the window
     * is empty. One at a time: {@code window} runs under the export lock, so windows reach the sink
     * in the order they were taken. The returned future completes (never exceptionally) when the
     * export is over: completed, failed or timed out.
     */
    CompletableFuture<Void> export(Supplier<List<MetricSnapshot>> window) {
        exportLock.lock();
        try {
            if (sinkClosed.get()) {
                return CompletableFuture.completedFuture(null);
            }
            List<MetricSnapshot> snapshots = window.get();
            if (snapshots.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            return exportNow(snapshots);
        } finally {
            exportLock.unlock();
        }
    }

    /** Runs {@code step} on the scheduler, or here if the scheduler no longer takes tasks. */
    CompletableFuture<Void> onScheduler(Supplier<CompletableFuture<Void>> step) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        Runnable task = () -> {
            try {
                step.get().whenComplete((ignored, failure) -> result.complete(null));
            } catch (Throwable t) {
                result.complete(null);
                rethrowIfFatal(t);
                LOG.error("Metrics export step failed", t);
            }
        };
        try {
            scheduler.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
        return result;
    }

    /**
     * Waits for the last export at most the export timeout, logging when it is cut short. Keeps
     * the calling thread's interrupt status.
     */
    void awaitFinalExport(CompletableFuture<Void> finalExport) {
        try {
            finalExport.get(exportTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            LOG.warn("Final metrics export to {} did not finish within {}; closing the sink anyway",
                    sink, Duration.ofNanos(exportTimeoutNanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Interrupted while waiting for the final metrics export to {}; closing the sink", sink);
        } catch (ExecutionException e) {
            throw new AssertionError("the export future never completes exceptionally", e);
        }
    }

    /**
     * Stops later exports, closes the sink (a throwing sink is logged), then stops the own thread if
     * there is one, waiting at most 1 s. Only the first call does anything.
     */
    void close() {
        if (!markSinkClosed()) {
            return;
        }
        try {
            sink.close();
        } catch (Throwable t) {
            rethrowIfFatal(t);
            LOG.warn("Metrics sink {} threw from close()", sink, t);
        }
        if (own != null) {
            own.stop();
        }
    }

    /**
     * Stops later exports; returns whether this call did. Taken under the export lock when free, so
     * an export in progress on another thread finishes before the sink closes; not waited for when
     * held, because the holder may be a hung sink.
     */
    private boolean markSinkClosed() {
        boolean locked = exportLock.tryLock();
        try {
            return sinkClosed.compareAndSet(false, true);
        } finally {
            if (locked) {
                exportLock.unlock();
            }
        }
    }

    private CompletableFuture<Void> exportNow(List<MetricSnapshot> snapshots) {
        CompletableFuture<Void> exported;
        try {
            exported = sink.export(snapshots);
        } catch (Throwable t) {
            rethrowIfFatal(t);
            warn(exportWarnings, "Metrics sink {} threw from export(); window dropped", t);
            return CompletableFuture.completedFuture(null);
        }
        if (exported == null) {
            warn(exportWarnings, "Metrics sink {} returned null from export(); window treated as exported", null);
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> over = new CompletableFuture<>();
        ScheduledFuture<?> timer = scheduleTimeout(over);
        exported.whenComplete((ignored, failure) -> {
            if (timer != null) {
                timer.cancel(false);
            }
            if (failure != null && !over.isDone()) {
                warn(exportWarnings, "Metrics sink {} failed to export a window", failure);
            }
            over.complete(null);
        });
        return over;
    }

    private ScheduledFuture<?> scheduleTimeout(CompletableFuture<Void> over) {
        try {
            return scheduler.schedule(() -> {
                if (over.complete(null)) {
                    warn(exportWarnings, "Metrics sink {} did not finish an export within "
                            + Duration.ofNanos(exportTimeoutNanos) + "; moving on", null);
                }
            }, exportTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Only while closing on a stopped scheduler: close() bounds its own wait.
            return null;
        }
    }

    private void warn(WarningThrottle throttle, String message, Throwable failure) {
        long suppressed = throttle.tryAcquire(ticker.read());
        if (suppressed < 0) {
            return;
        }
        String suffix = suppressed == 0 ? "" : " (" + suppressed + " similar warnings suppressed in the last minute)";
        if (failure == null) {
            LOG.warn(message + suffix, sink);
        } else {
            LOG.warn(message + suffix, sink, failure);
        }
    }

    /** Lets a {@link VirtualMachineError} through the catch-all blocks around plug-in calls. */
    static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError) {
            throw (VirtualMachineError) t;
        }
    }

}
