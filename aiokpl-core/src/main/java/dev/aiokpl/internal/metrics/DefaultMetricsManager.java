package dev.aiokpl.internal.metrics;

import dev.aiokpl.MetricsGranularity;
import dev.aiokpl.MetricsLevel;
import dev.aiokpl.MetricsManager;
import dev.aiokpl.internal.Ticker;
import dev.aiokpl.sinks.EventfulMetricsSink;
import dev.aiokpl.sinks.MetricEvent;
import dev.aiokpl.sinks.MetricSnapshot;
import dev.aiokpl.sinks.MetricsSink;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's metrics manager: records observations into tumbling windows
 * ({@link WindowedRegistry}), exports one window to the sink every upload interval, keeps the
 * last 60 s for {@link #snapshots()}. Every call into the sink goes through a {@link SinkGuard},
 * which shields the producer from the sink.
 *
 * <p>Threads: {@link #record} runs on the observing thread (user threads in {@code putRecord},
 * the pipeline thread); every call into the sink except {@link EventfulMetricsSink#record},
 * {@link MetricsSink#start()} and {@link MetricsSink#close()} runs on the scheduler, one export
 * at a time and in window order.
 *
 * <p>Sink failures: an exception from any sink method, a failed export future, or an export future
 * not completed within the export timeout ({@code min(uploadInterval, 30 s)}) is logged (at most
 * one warning per minute per kind, with a count of the suppressed ones) and the next window is
 * exported as usual. The data of a failed window stays visible through {@link #snapshots()}.
 *
 * <p>Empty windows are not exported: the sink's {@code export} is never called with an empty list,
 * but the window still closes, so the next one starts at the upload tick.
 *
 * <p>With {@link MetricsLevel#NONE} the manager is inert: {@link #enabled()} is false, {@link #record}
 * returns at once, {@link #start()} creates no thread and never starts the sink, and
 * {@link #close()} does not touch the sink.
 */
public final class DefaultMetricsManager implements MetricsManager, MetricsRecorder, AutoCloseable {

    /** The name of the upload thread the manager creates when no scheduler is given. */
    public static final String THREAD_NAME = "aiokpl-metrics";

    /** How far back {@link #snapshots()} looks. */
    static final Duration HISTORY = Duration.ofSeconds(60);

    /** The longest an export may take before it is given up, whatever the upload interval. */
    static final Duration MAX_EXPORT_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(DefaultMetricsManager.class);

    private enum State { NEW, RUNNING, CLOSED }

    private final boolean enabled;
    private final MetricsSink sink;
    private final SinkGuard guard;
    private final boolean eventful;
    private final long uploadIntervalNanos;
    private final Ticker ticker;
    private final Clock wallClock;
    private final WindowedRegistry registry;

    private final Object lifecycleLock = new Object();
    private final Deque<ExportedWindow> history = new ArrayDeque<>();

    private volatile State state = State.NEW;
    private ScheduledFuture<?> uploadTask;

    /**
     * Creates a manager; nothing runs and the sink is not touched until {@link #start()}.
     *
     * @param level          what to keep; {@code NONE} makes the manager inert
     * @param granularity    the finest of stream and shard to keep
     * @param sink           where windows go; started by {@link #start()}, closed by {@link #close()}
     * @param uploadInterval the window length and upload period; positive
     * @param ticker         monotonic time, for the 60 s history and log rate-limiting
     * @param wallClock      wall time, for window bounds and event timestamps
     * @param scheduler      runs the upload loop, the exports and their timeouts; null to have the
     *                       manager create (at {@code start}) and stop (at {@code close}) its own
     *                       single daemon thread named {@value #THREAD_NAME}. A given scheduler is
     *                       not shut down by the manager and must still accept tasks when
     *                       {@code close()} runs, or the final export runs on the closing thread
     * @throws NullPointerException     if any argument but {@code scheduler} is null
     * @throws IllegalArgumentException if {@code uploadInterval} is not positive
     */
    public DefaultMetricsManager(MetricsLevel level, MetricsGranularity granularity, MetricsSink sink,
                                 Duration uploadInterval, Ticker ticker, Clock wallClock,
                                 ScheduledExecutorService scheduler) {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(granularity, "granularity");
        this.sink = Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(uploadInterval, "uploadInterval");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        if (uploadInterval.isNegative() || uploadInterval.isZero()) {
            throw new IllegalArgumentException("uploadInterval must be positive, was " + uploadInterval);
        }
        this.enabled = level != MetricsLevel.NONE;
        this.uploadIntervalNanos = saturatedNanos(uploadInterval);
        long exportTimeoutNanos = Math.min(uploadIntervalNanos, MAX_EXPORT_TIMEOUT.toNanos());
        this.guard = new SinkGuard(sink, ticker, scheduler, exportTimeoutNanos);
        this.eventful = enabled && guard.eventful();
        this.registry = new WindowedRegistry(level, granularity, wallClock.instant());
    }

    /** Whether observations are kept: false exactly when the level is {@code NONE}. */
    @Override
    public boolean enabled() {
        return enabled;
    }

    /**
     * Adds the observation to the current window and, when the sink is an
     * {@link EventfulMetricsSink} and the manager is running, passes it to
     * {@link EventfulMetricsSink#record} on this thread. Never throws because of the sink.
     */
    @Override
    public void record(String name, double value, String stream, String shard, String errorCode) {
        if (!enabled) {
            return;
        }
        WindowedRegistry.Series series = registry.observe(name, value, stream, shard, errorCode);
        if (eventful && state == State.RUNNING) {
            guard.record(new MetricEvent(name, value, wallClock.instant(), series.dimensions()));
        }
    }

    /**
     * Starts the sink, then the upload loop (every upload interval). Does nothing when the level is
     * {@code NONE} or when already started. A sink whose {@code start()} throws is logged and
     * still receives the exports.
     *
     * @throws IllegalStateException if the manager was closed
     */
    public void start() {
        if (!enabled) {
            return;
        }
        synchronized (lifecycleLock) {
            if (state == State.CLOSED) {
                throw new IllegalStateException("the metrics manager is closed");
            }
            if (state == State.RUNNING) {
                return;
            }
            guard.start();
            uploadTask = guard.repeat(this::uploadTick, uploadIntervalNanos);
            state = State.RUNNING;
        }
    }

    @Override
    public List<MetricSnapshot> snapshots() {
        if (!enabled) {
            return List.of();
        }
        List<MetricSnapshot> all = new ArrayList<>();
        synchronized (history) {
            pruneHistory(ticker.read());
            for (ExportedWindow window : history) {
                all.addAll(window.snapshots);
            }
        }
        all.addAll(registry.peek(wallClock.instant()));
        return List.copyOf(all);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The export runs on the scheduler; the returned future completes on the thread that
     * completed the sink's future, or on the scheduler.
     */
    @Override
    public CompletableFuture<Void> flush() {
        if (state != State.RUNNING) {
            return CompletableFuture.completedFuture(null);
        }
        return guard.onScheduler(this::exportWindow);
    }

    /**
     * Stops the upload loop, exports the last window (waiting for it at most the export timeout),
     * then closes the sink, then stops the manager's own thread if it made one (waiting at most
     * 1 s). So {@code close()} returns within about {@code min(uploadInterval, 30 s) + 1 s} even
     * if the sink hangs. Idempotent; does nothing to the sink when the manager never started
     * (in particular with level {@code NONE}). Keeps the calling thread's interrupt status.
     */
    @Override
    public void close() {
        ScheduledFuture<?> task;
        synchronized (lifecycleLock) {
            if (state == State.CLOSED) {
                return;
            }
            boolean wasRunning = state == State.RUNNING;
            state = State.CLOSED;
            if (!wasRunning) {
                return;
            }
            task = uploadTask;
        }
        task.cancel(false);
        guard.awaitFinalExport(guard.onScheduler(this::exportWindow));
        guard.close();
    }

    /**
     * The upload step: closes the current window, remembers it for {@link #snapshots()} and, unless
     * it is empty, exports it. Runs one at a time. The returned future completes (never
     * exceptionally) when the export is over: completed, failed or timed out.
     */
    CompletableFuture<Void> exportWindow() {
        return guard.export(this::takeWindow);
    }

    /** Closes the current window and remembers it for {@link #snapshots()} unless it is empty. */
    private List<MetricSnapshot> takeWindow() {
        List<MetricSnapshot> snapshots = registry.takeWindow(wallClock.instant());
        if (!snapshots.isEmpty()) {
            remember(snapshots);
        }
        return snapshots;
    }

    private void uploadTick() {
        try {
            exportWindow();
        } catch (Throwable t) {
            // An exception would silently cancel the periodic task; keep the loop alive.
            SinkGuard.rethrowIfFatal(t);
            LOG.error("Metrics upload step failed", t);
        }
    }

    private void remember(List<MetricSnapshot> snapshots) {
        long now = ticker.read();
        synchronized (history) {
            history.addLast(new ExportedWindow(now, snapshots));
            pruneHistory(now);
        }
    }

    private void pruneHistory(long now) {
        long horizon = HISTORY.toNanos();
        while (!history.isEmpty() && now - history.peekFirst().exportedAtNanos > horizon) {
            history.removeFirst();
        }
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public String toString() {
        return "DefaultMetricsManager[enabled=" + enabled + ", state=" + state + ", sink=" + sink + "]";
    }

    /** A window handed to the sink, kept for {@link #snapshots()}. */
    private static final class ExportedWindow {
        final long exportedAtNanos;
        final List<MetricSnapshot> snapshots;

        ExportedWindow(long exportedAtNanos, List<MetricSnapshot> snapshots) {
            this.exportedAtNanos = exportedAtNanos;
            this.snapshots = snapshots;
        }
    }

}
