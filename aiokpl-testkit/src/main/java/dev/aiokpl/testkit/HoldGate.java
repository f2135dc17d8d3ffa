package dev.aiokpl.testkit;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stall of a {@link FaultProxy}: while it holds, PutRecords requests (of every stream, or of one)
 * wait here unanswered until released, then go on or are dropped.
 */
final class HoldGate {

    /** Reads a request body's stream name, only when a hold is for one stream. */
    @FunctionalInterface
    interface StreamNames {
        String of(byte[] body) throws IOException;
    }

    private final StreamNames streamNames;
    private final AtomicLong heldRequests;

    // guarded by lock
    private final Object lock = new Object();
    private boolean holding;
    /** The only stream held, or null for all. */
    private String holdOnly;
    private boolean resetHeld;
    private int heldNow;
    private long heldBytesNow;
    private volatile boolean closed;

    /** {@code heldRequests} counts every request that waits here at least once. */
    HoldGate(StreamNames streamNames, AtomicLong heldRequests) {
        this.streamNames = streamNames;
        this.heldRequests = heldRequests;
    }

    /** Holds the requests of {@code stream} (null: every stream) from now on. */
    void hold(String stream) {
        synchronized (lock) {
            holding = true;
            holdOnly = stream;
            resetHeld = false;
        }
    }

    /** Ends the hold; held requests go on ({@code reset} false) or are dropped (true). */
    void release(boolean reset) {
        synchronized (lock) {
            holding = false;
            resetHeld = reset;
            lock.notifyAll();
        }
    }

    /** Drops the held requests and every later one. */
    void close() {
        closed = true;
        release(true);
    }

    /** Requests waiting right now. */
    int heldRequests() {
        synchronized (lock) {
            return heldNow;
        }
    }

    /** Body bytes of the requests waiting right now. */
    long heldBytes() {
        synchronized (lock) {
            return heldBytesNow;
        }
    }

    /** Waits while the request with {@code body} is held; false when it must be dropped. */
    boolean awaitRelease(byte[] body) throws IOException {
        String only;
        synchronized (lock) {
            only = holding ? holdOnly : null;
        }
        boolean mine = only == null || only.equals(streamNames.of(body));
        int bytes = body.length;
        synchronized (lock) {
            if (!holding || !mine) {
                return !closed;
            }
            heldRequests.incrementAndGet();
            heldNow++;
            heldBytesNow += bytes;
            try {
                while (holding && !closed) {
                    lock.wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } finally {
                heldNow--;
                heldBytesNow -= bytes;
            }
            return !resetHeld && !closed;
        }
    }
}
