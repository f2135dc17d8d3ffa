package dev.aiokpl.cli;

import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Live progress on standard error while records are sent: a one-line bar redrawn in place
 * ({@code \r} and erase-to-end-of-line) when standard error is a terminal, or plain lines without
 * any control character every second when it is not (a pipe, a file, CI logs).
 *
 * <p>Shows records confirmed (of the total when known), the confirmation rate over the last
 * second, the producer's outstanding records and the errors so far. Runs on one daemon thread
 * between {@link #start()} and {@link #stop()}.
 */
final class Progress {

    /** How progress is shown. */
    enum Mode {
        /** A bar redrawn in place: standard error is a terminal. */
        BAR,
        /** A plain line every second. */
        LINES,
        /** Nothing. */
        NONE
    }

    private static final long BAR_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long LINES_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long RATE_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Io io;
    private final Mode mode;
    private final String label;
    private final long total;
    private final RunStats stats;
    private final LongSupplier outstanding;
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();
    private final Object drawLock = new Object();
    private volatile boolean running;
    private Thread thread;
    private boolean stopped;

    /**
     * @param label       names the run in plain lines ({@code demo}, {@code put}, {@code bench})
     * @param total       records to send, or -1 when unknown (put from a stream)
     * @param outstanding the producer's outstanding records
     */
    Progress(Io io, Mode mode, String label, long total, RunStats stats, LongSupplier outstanding) {
        this.io = io;
        this.mode = mode;
        this.label = label;
        this.total = total;
        this.stats = stats;
        this.outstanding = outstanding;
    }

    /** The mode for a run whose plain lines are wanted ({@code lines}) or not when stderr is no terminal. */
    static Mode modeFor(Io io, boolean linesWhenNotTerminal) {
        if (io.errIsTerminal()) {
            return Mode.BAR;
        }
        return linesWhenNotTerminal ? Mode.LINES : Mode.NONE;
    }

    /** Starts drawing. */
    void start() {
        if (mode == Mode.NONE) {
            return;
        }
        running = true;
        thread = new Thread(this::loop, "aiokpl-cli-progress");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops drawing and draws the final state once (the bar then ends its line). Idempotent. */
    void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (drawLock) {
            if (stopped || mode == Mode.NONE || thread == null) {
                stopped = true;
                return;
            }
            stopped = true;
            draw(System.nanoTime());
            if (mode == Mode.BAR) {
                io.err().print('\n');
            }
            io.err().flush();
        }
    }

    private void loop() {
        long period = mode == Mode.BAR ? BAR_PERIOD_NANOS : LINES_PERIOD_NANOS;
        long next = System.nanoTime() + period;
        while (running) {
            LockSupport.parkNanos(next - System.nanoTime());
            if (!running) {
                return;
            }
            long now = System.nanoTime();
            if (now - next >= 0) {
                synchronized (drawLock) {
                    if (!stopped) {
                        draw(now);
                    }
                }
                next += period;
                if (now - next >= 0) {
                    next = now + period;
                }
            }
        }
    }

    private void draw(long now) {
        long done = stats.succeeded() + stats.failed();
        long rate = rate(now, done);
        long pending = Math.max(0, outstanding.getAsLong());
        long errors = stats.failed();
        double seconds = stats.elapsedSeconds();
        if (mode == Mode.BAR) {
            io.err().print('\r' + bar(done, rate, pending, errors, seconds) + "\u001b[K");
        } else {
            io.err().println(line(done, rate, pending, errors, seconds));
        }
        io.err().flush();
    }

    /** Confirmations per second over the last second (or since the start, early on). */
    private long rate(long now, long done) {
        samples.addLast(new long[] {now, done});
        while (samples.size() > 2 && now - samples.peekFirst()[0] > RATE_WINDOW_NANOS) {
            samples.removeFirst();
        }
        long[] first = samples.peekFirst();
        long dt = now - first[0];
        if (dt <= 0) {
            double seconds = stats.elapsedSeconds();
            return seconds <= 0 ? 0 : Math.round(done / seconds);
        }
        return Math.round((done - first[1]) * 1e9 / dt);
    }

    String line(long done, long rate, long pending, long errors, double seconds) {
        String progress = total >= 0
                ? done + "/" + total + " confirmed (" + percent(done) + "%)"
                : stats.accepted() + " sent, " + done + " done";
        return String.format(Locale.ROOT, "%s: %s, %d records/s, outstanding %d, errors %d, %.1f s",
                label, progress, rate, pending, errors, seconds);
    }

    String bar(long done, long rate, long pending, long errors, double seconds) {
        String counts = total >= 0 ? done + "/" + total : stats.accepted() + " sent " + done + " done";
        String tail = String.format(Locale.ROOT, " %s  %d rec/s  outstanding %d  errors %d  %.0fs",
                counts, rate, pending, errors, seconds);
        int width = io.columns() - 1;
        if (total < 0) {
            return fit(label + ":" + tail, width);
        }
        String pct = String.format(Locale.ROOT, " %3d%%", percent(done));
        int barWidth = Math.min(30, width - tail.length() - pct.length() - 2);
        if (barWidth < 10) {
            return fit(pct.trim() + tail, width);
        }
        int filled = (int) Math.min(barWidth, total == 0 ? barWidth : done * barWidth / total);
        return "[" + "#".repeat(filled) + ".".repeat(barWidth - filled) + "]" + pct + tail;
    }

    private int percent(long done) {
        return total <= 0 ? 100 : (int) Math.min(100, done * 100 / total);
    }

    private static String fit(String s, int width) {
        return s.length() <= width ? s : s.substring(0, Math.max(0, width));
    }
}
