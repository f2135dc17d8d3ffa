package dev.aiokpl.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Daemon threads named {@code aiokpl-<role>-<n>}, with an uncaught-exception handler that logs. It
 * remembers the threads it made, so an owner can {@linkplain #awaitThreadsEnded wait} until they have
 * really ended: an executor's {@code awaitTermination} returns a moment before its last thread dies.
 */
public final class DaemonThreadFactory implements ThreadFactory, ForkJoinPool.ForkJoinWorkerThreadFactory {

    private static final Logger LOG = LoggerFactory.getLogger(DaemonThreadFactory.class);
    private static final AtomicInteger PRODUCERS = new AtomicInteger();

    private final String prefix;
    private final AtomicInteger count = new AtomicInteger();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    /** @param role for example {@code pipeline}, {@code callback}, {@code netty} */
    public DaemonThreadFactory(String role) {
        this.prefix = "aiokpl-" + role + "-";
    }

    /** A producer-unique number, so threads of two producers can be told apart. */
    public static int nextProducerId() {
        return PRODUCERS.incrementAndGet();
    }

    @Override
    public Thread newThread(Runnable r) {
        return remember(new Thread(r));
    }

    /** A worker of a {@link ForkJoinPool}: named, daemon and remembered like the others. */
    @Override
    public ForkJoinWorkerThread newThread(ForkJoinPool pool) {
        return remember(new ForkJoinWorkerThread(pool) { });
    }

    /** Whether {@code t} is one of this factory's threads. */
    public boolean owns(Thread t) {
        return threads.contains(t);
    }

    private <T extends Thread> T remember(T t) {
        t.setName(prefix + count.incrementAndGet());
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((thread, e) -> LOG.error("uncaught exception in {}", thread.getName(), e));
        threads.removeIf(old -> old.getState() == Thread.State.TERMINATED);
        threads.add(t);
        return t;
    }

    /**
     * Waits until every thread this factory made has ended (a thread never started counts as ended).
     *
     * @return whether they all ended within {@code timeout}
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitThreadsEnded(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            if (t.getState() == Thread.State.NEW) {
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(t, left);
            }
        }
        threads.removeIf(t -> t.getState() == Thread.State.TERMINATED || t.getState() == Thread.State.NEW);
        return threads.isEmpty();
    }

    @Override
    public String toString() {
        return prefix + "*";
    }
}
