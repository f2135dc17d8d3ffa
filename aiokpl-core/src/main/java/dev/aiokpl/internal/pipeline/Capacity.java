package dev.aiokpl.internal.pipeline;

import dev.aiokpl.ProducerFullException;
import dev.aiokpl.internal.Ticker;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Backpressure: bounds the user records and bytes accepted but not yet terminal. The fast path is
 * two CAS loops; only a caller that finds the producer full takes the lock to wait. The wait's deadline
 * is read from the injected ticker, which the wait checks at least every {@link #POLL_NANOS}, so a
 * manual ticker ends it too.
 */
final class Capacity {

    /** Longest single wait for room before the deadline is checked again. */
    static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final long maxRecords;
    private final long maxBytes;
    private final Ticker ticker;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private volatile int waiters;
    /** Set when a record did not fit; cleared by {@link #saturated()}. */
    private volatile boolean refused;

    Capacity(long maxRecords, long maxBytes, Ticker ticker) {
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.ticker = ticker;
    }

    long records() {
        return records.get();
    }

    long bytes() {
        return bytes.get();
    }

    /**
     * Takes room for one record of {@code size} bytes, waiting up to {@code maxBlockNanos}.
     *
     * @throws ProducerFullException when still full after the wait, or when interrupted (the flag is set again)
     */
    void acquire(int size, long maxBlockNanos) {
        if (tryAcquire(size)) {
            return;
        }
        refused = true;
        if (maxBlockNanos <= 0) {
            throw full(size, 0);
        }
        Completer.beforeBlocking(); // a callback waiting for room must not hold back other completions
        long deadline = ticker.read() + maxBlockNanos;
        lock.lock();
        waiters++;
        try {
            while (!tryAcquire(size)) {
                long left = deadline - ticker.read();
                if (left <= 0) {
                    throw full(size, maxBlockNanos);
                }
                try {
                    released.awaitNanos(Math.min(left, POLL_NANOS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ProducerFullException("interrupted while waiting for room in the producer ("
                            + records.get() + " records, " + bytes.get() + " bytes outstanding); the record was not accepted", e);
                }
            }
        } finally {
            waiters--;
            lock.unlock();
        }
    }

    /** Gives back the room of one record. */
    /**
     * Whether callers cannot add records now: one is blocked waiting for room, the record limit is
     * reached, or a record was refused since the last call (which clears that mark). The pipeline
     * then stops holding records back for more to join them: none can arrive until some complete.
     */
    boolean saturated() {
        if (refused) {
            refused = false;
            return true;
        }
        return waiters > 0 || records.get() >= maxRecords;
    }

    void release(int size) {
        records.decrementAndGet();
        bytes.addAndGet(-size);
        if (waiters > 0) {
            lock.lock();
            try {
                released.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private boolean tryAcquire(int size) {
        while (true) {
            long r = records.get();
            if (r >= maxRecords) {
                return false;
            }
            if (records.compareAndSet(r, r + 1)) {
                break;
            }
        }
        while (true) {
            long b = bytes.get();
            if (b + size > maxBytes && b > 0) {
                records.decrementAndGet();
                return false;
            }
            if (bytes.compareAndSet(b, b + size)) {
                return true;
            }
        }
    }

    private ProducerFullException full(int size, long waitedNanos) {
        return new ProducerFullException("producer is full: " + records.get() + " records (maxOutstandingRecords="
                + maxRecords + ") and " + bytes.get() + " bytes (maxOutstandingBytes=" + maxBytes
                + ") outstanding; a record of " + size + " bytes did not fit within maxBlockTime="
                + TimeUnit.NANOSECONDS.toMillis(waitedNanos) + " ms");
    }
}
