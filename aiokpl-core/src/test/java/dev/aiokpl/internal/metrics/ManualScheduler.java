package dev.aiokpl.internal.metrics;

import dev.aiokpl.internal.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler on manual time, with the matching {@link Ticker} and wall {@link Clock}: delayed
 * tasks run only inside {@link #advance}, in due order, with the clocks set to their due time;
 * {@link #execute} runs the task at once on the calling thread. Thread-safe.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService, Ticker {

    static final Instant EPOCH = Instant.parse("2024-05-01T10:00:00Z");

    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private long nanos;
    private long sequence;
    private boolean shutdown;
    private int executed;

    @Override
    public synchronized long read() {
        return nanos;
    }

    /** A wall clock that reads {@link #EPOCH} plus the manual time. */
    Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Instant instant() {
                return EPOCH.plusNanos(read());
            }
        };
    }

    /** The wall time {@code offset} after {@link #EPOCH}. */
    static Instant at(Duration offset) {
        return EPOCH.plus(offset);
    }

    /** Moves time forward by {@code duration}, running every task that falls due on the way. */
    void advance(Duration duration) {
        long target;
        synchronized (this) {
            target = nanos + duration.toNanos();
        }
        while (true) {
            Task<?> next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due > target) {
                    nanos = target;
                    return;
                }
                queue.poll();
                nanos = Math.max(nanos, next.due);
            }
            if (!next.isCancelled()) {
                next.run();
            }
        }
    }

    /** Tasks waiting for their time that were not cancelled. */
    synchronized int pendingTasks() {
        int pending = 0;
        for (Task<?> task : queue) {
            if (!task.isCancelled()) {
                pending++;
            }
        }
        return pending;
    }

    /** How many tasks ran through {@link #execute}. */
    synchronized int executedTasks() {
        return executed;
    }

    @Override
    public void execute(Runnable command) {
        synchronized (this) {
            if (shutdown) {
                throw new RejectedExecutionException("shut down");
            }
            executed++;
        }
        command.run();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return enqueue(Executors.callable(command, null), delay, 0, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return enqueue(callable, delay, 0, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return enqueue(Executors.callable(command, null), initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return enqueue(Executors.callable(command, null), initialDelay, delay, unit);
    }

    private synchronized <V> Task<V> enqueue(Callable<V> callable, long delay, long period, TimeUnit unit) {
        if (shutdown) {
            throw new RejectedExecutionException("shut down");
        }
        Task<V> task = new Task<>(callable, nanos + unit.toNanos(delay), unit.toNanos(period), sequence++);
        queue.add(task);
        return task;
    }

    private synchronized void requeue(Task<?> task) {
        if (!shutdown) {
            queue.add(task);
        }
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> left = new ArrayList<>(queue);
        queue.clear();
        return left;
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
        private long due;
        private final long period;
        private final long seq;

        Task(Callable<V> callable, long due, long period, long seq) {
            super(callable);
            this.due = due;
            this.period = period;
            this.seq = seq;
        }

        @Override
        public void run() {
            if (period == 0) {
                super.run();
            } else if (runAndReset()) {
                due += period;
                requeue(this);
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - read(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Task<?> that = (Task<?>) other;
            int byDue = Long.compare(due, that.due);
            return byDue != 0 ? byDue : Long.compare(seq, that.seq);
        }
    }
}
