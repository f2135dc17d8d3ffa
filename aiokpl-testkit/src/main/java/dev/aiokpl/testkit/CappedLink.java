package dev.aiokpl.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A congested link toward the endpoint, shared by every connection of a {@link FaultProxy}: a token
 * bucket kept as the time the link is next free (virtual scheduling), so each chunk read from a client
 * is given the next slot in arrival order and concurrent requests share the link as TCP flows would.
 */
final class CappedLink {

    static final int CHUNK_BYTES = 4096;
    private static final long BURST_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private long bytesPerSecond;
    private long nextFreeNanos;

    /** Caps the link at {@code bytesPerSecond}; 0 or less: no cap. */
    synchronized void limit(long bytesPerSecond) {
        this.bytesPerSecond = Math.max(0, bytesPerSecond);
    }

    synchronized boolean capped() {
        return bytesPerSecond > 0;
    }

    /** Books {@code bytes} on the link; returns when they will have crossed (a {@link System#nanoTime()}). */
    synchronized long book(int bytes, long now) {
        if (bytesPerSecond <= 0) {
            return now;
        }
        // An idle link banks at most BURST_NANOS of sending time.
        nextFreeNanos = Math.max(nextFreeNanos, now - BURST_NANOS) + (long) (bytes * 1e9 / bytesPerSecond);
        return nextFreeNanos;
    }

    /** A client connection's input: what is read from it has crossed this link, at its pace, and is counted. */
    InputStream input(InputStream in, AtomicLong crossedBytes) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, capped() ? Math.min(len, CHUNK_BYTES) : len);
                if (n > 0) {
                    long crossed = book(n, System.nanoTime());
                    for (long wait = crossed - System.nanoTime(); wait > 0; wait = crossed - System.nanoTime()) {
                        LockSupport.parkNanos(wait);
                        if (Thread.interrupted()) {
                            throw new InterruptedIOException("the proxy closed while pacing a request");
                        }
                    }
                    crossedBytes.addAndGet(n);
                }
                return n;
            }

            @Override
            public int available() throws IOException {
                return in.available();
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }
}
