package dev.aiokpl.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Daemon threads named {@code aiokpl-<role>-<n>}, with an uncaught-exception handler that logs. */
public final class DaemonThreadFactory implements ThreadFactory {

    private static final Logger LOG = LoggerFactory.getLogger(DaemonThreadFactory.class);
    private static final AtomicInteger PRODUCERS = new AtomicInteger();

    private final String prefix;
    private final AtomicInteger count = new AtomicInteger();

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
        Thread t = new Thread(r, prefix + count.incrementAndGet());
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((thread, e) -> LOG.error("uncaught exception in {}", thread.getName(), e));
        return t;
    }
}
