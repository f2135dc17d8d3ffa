package dev.aiokpl.internal.pipeline;

import dev.aiokpl.internal.record.PendingRecord;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The queue of accepted records, from any number of user threads to the one pipeline thread:
 * an intrusive multi-producer single-consumer linked queue (records are their own nodes), so
 * accepting a record allocates nothing here. Offer is one atomic swap; poll is plain reads.
 */
final class RecordInbox {

    /** Producers swap themselves in here. */
    private final AtomicReference<PendingRecord> tail;
    /** Consumer only: the last record taken (or the stub); its successor is the next to take. */
    private PendingRecord head;

    RecordInbox() {
        PendingRecord stub = PendingRecord.stub();
        head = stub;
        tail = new AtomicReference<>(stub);
    }

    /** Adds a record (any thread). */
    void offer(PendingRecord r) {
        PendingRecord previous = tail.getAndSet(r);
        previous.setNextRelease(r);
    }

    /** Takes the oldest record, or null (pipeline thread). */
    PendingRecord poll() {
        PendingRecord next = head.nextAcquire();
        if (next == null) {
            return null;
        }
        head.setNextRelease(null);
        head = next;
        return next;
    }

    /** The oldest record without taking it, or null (any thread; a hint). */
    PendingRecord peek() {
        return head.nextAcquire();
    }

    /** Whether nothing is waiting (pipeline thread; a hint from other threads). */
    boolean isEmpty() {
        return head.nextAcquire() == null;
    }
}
