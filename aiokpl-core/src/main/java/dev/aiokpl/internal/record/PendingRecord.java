package dev.aiokpl.internal.record;

import dev.aiokpl.Attempt;
import dev.aiokpl.RecordResult;
import dev.aiokpl.internal.hash.HashKey;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A user record accepted by the producer and not yet terminal, with its future and attempt history.
 *
 * <p>The final fields are set by the accepting thread before the record is handed to the pipeline;
 * the mutable fields are owned by the pipeline thread.
 */
public final class PendingRecord {

    public final String stream;
    public final String partitionKey;
    /** As given by the user (canonical decimal), or null. */
    public final String explicitHashKey;
    public final HashKey hashKey;
    public final byte[] data;
    /** Partition key UTF-8 bytes + data bytes: what backpressure and the service count. */
    public final int size;
    public final long arrivalNanos;
    public final CompletableFuture<RecordResult> future;
    /** The flush epoch the record was accepted in. */
    public final Object epoch;

    /** When this record must leave the aggregator (pipeline thread). */
    public long deadlineNanos;
    /** Not to be re-aggregated before this time (retry backoff; pipeline thread). */
    public long notBeforeNanos;
    /** End of the previous attempt, or arrival: the start of the current wait (pipeline thread). */
    public long waitStartNanos;
    private static final VarHandle NEXT;

    static {
        try {
            NEXT = MethodHandles.lookup().findVarHandle(PendingRecord.class, "next", PendingRecord.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The next record in the pipeline's inbox (records are the inbox's nodes; see RecordInbox). */
    @SuppressWarnings("unused")
    private PendingRecord next;

    /** True once a result was decided (pipeline thread). */
    public boolean done;
    /** The first attempt; most records need no list (allocation matters on the hot path). */
    private Attempt first;
    private ArrayList<Attempt> more;

    public PendingRecord(String stream, String partitionKey, String explicitHashKey, HashKey hashKey, byte[] data,
            int size, long arrivalNanos, CompletableFuture<RecordResult> future, Object epoch) {
        this.stream = stream;
        this.partitionKey = partitionKey;
        this.explicitHashKey = explicitHashKey;
        this.hashKey = hashKey;
        this.data = data;
        this.size = size;
        this.arrivalNanos = arrivalNanos;
        this.future = future;
        this.epoch = epoch;
        this.waitStartNanos = arrivalNanos;
    }

    /** A placeholder node for the inbox; never a real record. */
    public static PendingRecord stub() {
        return new PendingRecord(null, null, null, null, null, 0, 0, null, null);
    }

    /** Inbox link, written with release semantics. */
    public void setNextRelease(PendingRecord n) {
        NEXT.setRelease(this, n);
    }

    /** Inbox link, read with acquire semantics. */
    public PendingRecord nextAcquire() {
        return (PendingRecord) NEXT.getAcquire(this);
    }

    /** Appends an attempt (pipeline thread). */
    public void addAttempt(Attempt attempt) {
        if (first == null) {
            first = attempt;
            return;
        }
        if (more == null) {
            more = new ArrayList<>(4);
            more.add(first);
        }
        more.add(attempt);
    }

    /** The attempts so far, oldest first (pipeline thread); an immutable snapshot, empty if none. */
    public List<Attempt> attempts() {
        if (more != null) {
            return List.copyOf(more);
        }
        return first == null ? List.of() : List.of(first);
    }

    /** How many attempts were made. */
    public int attemptCount() {
        return more != null ? more.size() : first == null ? 0 : 1;
    }

    /** The last failed attempt, or null. */
    public Attempt lastFailure() {
        if (more == null) {
            return first != null && !first.successful() ? first : null;
        }
        for (int i = more.size() - 1; i >= 0; i--) {
            if (!more.get(i).successful()) {
                return more.get(i);
            }
        }
        return null;
    }
}
