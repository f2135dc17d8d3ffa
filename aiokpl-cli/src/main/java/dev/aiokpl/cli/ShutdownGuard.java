package dev.aiokpl.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * What the CLI does on Ctrl-C (SIGINT) or SIGTERM: the one JVM shutdown hook of the process (the
 * library installs none) runs the current command's handler, which flushes with a bounded wait and
 * prints the partial summary. A command sets its handler while it runs; {@link Main#main} installs
 * the hook and removes it before a normal exit.
 */
final class ShutdownGuard {

    /** How long the hook waits for a summary the main thread is already printing. */
    private static final long MAIN_REPORT_WAIT_SECONDS = 30;

    private final AtomicReference<BooleanSupplier> handler = new AtomicReference<>();
    private final CountDownLatch mainDone = new CountDownLatch(1);
    private volatile boolean signalled;

    /**
     * Sets what to do on a signal. The handler returns true if it printed the (partial) report,
     * false if the main thread had already begun it, in which case the hook waits for the main
     * thread to finish. Without a handler the JVM simply exits.
     */
    void onSignal(BooleanSupplier onSignal) {
        handler.set(onSignal);
    }

    /** Whether a handler is set. */
    boolean armed() {
        return handler.get() != null;
    }

    /** Whether a signal arrived (the JVM is shutting down). */
    boolean signalled() {
        return signalled;
    }

    /** The main thread has finished its command. */
    void mainDone() {
        mainDone.countDown();
    }

    /** The hook's body; runs on the hook thread. */
    void run() {
        signalled = true;
        BooleanSupplier h = handler.getAndSet(null);
        if (h == null) {
            return;
        }
        boolean reported = true;
        try {
            reported = h.getAsBoolean();
        } catch (RuntimeException e) {
            System.err.println("error while stopping: " + e);
        }
        if (!reported) {
            try {
                mainDone.await(MAIN_REPORT_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
