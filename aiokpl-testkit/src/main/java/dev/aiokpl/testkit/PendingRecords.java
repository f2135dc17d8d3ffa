package dev.aiokpl.testkit;

import dev.aiokpl.ProducerFullException;
import dev.aiokpl.RecordResult;
import dev.aiokpl.internal.RecordValidator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The records a {@link MockProducer} holds, in put order, until the test (or auto-complete, or close)
 * takes them: admission with the real producer's backpressure, and the futures not completed yet that
 * a flush waits for. Taking a record out only decides; the caller completes its future.
 */
final class PendingRecords {

    private final long maxOutstandingRecords;
    private final Duration maxBlockTime;
    private final Clock clock;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition completed = lock.newCondition();
    private final ArrayDeque<PendingRecord> pending = new ArrayDeque<>();
    private long pendingBytes;
    /** Futures not completed yet, pending or handed to the callback executor: what a flush waits for. */
    private final Set<CompletableFuture<RecordResult>> unfinished = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    PendingRecords(long maxOutstandingRecords, Duration maxBlockTime, Clock clock) {
        this.maxOutstandingRecords = maxOutstandingRecords;
        this.maxBlockTime = maxBlockTime;
        this.clock = clock;
    }

    /**
     * Adds {@code p} at the end once there is room, stamping its time, and runs {@code whileAdmitting}
     * in the same critical section (so what it records keeps put order).
     *
     * @throws IllegalStateException  when closed, as the real producer
     * @throws ProducerFullException when no room came within the block time
     */
    void admit(PendingRecord p, Runnable whileAdmitting) {
        lock.lock();
        try {
            awaitRoom();
            p.acceptedAt = clock.instant();
            pending.addLast(p);
            pendingBytes += p.size;
            whileAdmitting.run();
            unfinished.add(p.future);
        } finally {
            lock.unlock();
        }
        p.future.whenComplete((r, e) -> unfinished.remove(p.future));
    }

    /** Waits, holding the lock, until a record may be added; throws as the real producer does. */
    private void awaitRoom() {
        long deadline = System.nanoTime() + maxBlockTime.toNanos();
        while (true) {
            if (closed) {
                throw RecordValidator.closed();
            }
            if (pending.size() < maxOutstandingRecords) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new ProducerFullException("producer is full: " + pending.size()
                        + " records outstanding (maxOutstandingRecords=" + maxOutstandingRecords
                        + "); the record did not fit within maxBlockTime=" + maxBlockTime.toMillis() + " ms");
            }
            try {
                completed.awaitNanos(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProducerFullException("interrupted while waiting for room in the producer ("
                        + pending.size() + " records outstanding); the record was not accepted", e);
            }
        }
    }

    /** Takes the oldest record, or null when none is pending. */
    PendingRecord takeNext() {
        lock.lock();
        try {
            PendingRecord p = pending.pollFirst();
            if (p != null) {
                released(p);
            }
            return p;
        } finally {
            lock.unlock();
        }
    }

    /** Takes {@code p} unless it was taken already; true if this call took it. */
    boolean take(PendingRecord p) {
        lock.lock();
        try {
            if (!pending.remove(p)) {
                return false;
            }
            released(p);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Takes every pending record, oldest first. */
    List<PendingRecord> takeAll() {
        lock.lock();
        try {
            return drain();
        } finally {
            lock.unlock();
        }
    }

    /** Refuses every later record and takes the pending ones; null if already closed. */
    List<PendingRecord> close() {
        lock.lock();
        try {
            if (closed) {
                return null;
            }
            closed = true;
            return drain();
        } finally {
            lock.unlock();
        }
    }

    boolean closed() {
        return closed;
    }

    /** A future completed once every future unfinished now has completed. */
    CompletableFuture<Void> flush() {
        return CompletableFuture.allOf(unfinished.toArray(new CompletableFuture<?>[0]));
    }

    int count() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    long bytes() {
        lock.lock();
        try {
            return pendingBytes;
        } finally {
            lock.unlock();
        }
    }

    /** When the oldest pending record was admitted, or null when none is pending. */
    Instant oldestAcceptedAt() {
        lock.lock();
        try {
            PendingRecord first = pending.peekFirst();
            return first == null ? null : first.acceptedAt;
        } finally {
            lock.unlock();
        }
    }

    private List<PendingRecord> drain() {
        List<PendingRecord> all = new ArrayList<>(pending);
        pending.clear();
        pendingBytes = 0;
        completed.signalAll();
        return all;
    }

    private void released(PendingRecord p) {
        pendingBytes -= p.size;
        completed.signalAll();
    }
}
