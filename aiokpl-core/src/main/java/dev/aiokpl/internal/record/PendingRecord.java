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
    /** The hash key's upper 64 bits (unsigned), kept inline: no HashKey object per record. */
    public final long hashHi;
    /** The hash key's lower 64 bits (unsigned). */
    public final long hashLo;
    public final byte[] data;
    /** Partition key UTF-8 bytes + data bytes: what backpressure and the service count. */
    public final int size;
    public final long arrivalNanos;
    public final CompletableFuture<RecordResult> future;
    /** The flush epoch the record was accepted in. */
    public final Object epoch;

    /** Put order within its stream: set when the pipeline admits it (pipeline thread). */
    public long seq;
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
    /**
     * The attempts so far: null, one {@link Attempt}, or an {@code ArrayList<Attempt>} once there are
     * two or more (one field: most records never need a list, and the record's size matters on the hot path).
     */
    private Object attempts;

    /** The pipeline stage owner this record belongs to (set by the pipeline thread when it takes the record). */
    public Object owner;
    /**
     * Neighbours in the pipeline's list of live records in arrival order (pipeline thread): unlinked
     * when the record completes, so a long-lived record pins no record that arrived after it.
     */
    public PendingRecord olderLive;
    public PendingRecord youngerLive;

    public PendingRecord(String stream, String partitionKey, String explicitHashKey, long hashHi, long hashLo,
            byte[] data, int size, long arrivalNanos, CompletableFuture<RecordResult> future, Object epoch) {
        this.stream = stream;
        this.partitionKey = partitionKey;
        this.explicitHashKey = explicitHashKey;
        this.hashHi = hashHi;
        this.hashLo = hashLo;
        this.data = data;
        this.size = size;
        this.arrivalNanos = arrivalNanos;
        this.future = future;
        this.epoch = epoch;
        this.waitStartNanos = arrivalNanos;
    }

    /** A placeholder node for the inbox; never a real record. */
    public static PendingRecord stub() {
        return new PendingRecord(null, null, null, 0, 0, null, 0, 0, null, null);
    }

    /** The hash key as an object (for the uncommon paths; the hot path reads {@link #hashHi}/{@link #hashLo}). */
    public HashKey hashKey() {
        return HashKey.of(hashHi, hashLo);
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
    @SuppressWarnings("unchecked")
    public void addAttempt(Attempt attempt) {
        if (attempts == null) {
            attempts = attempt;
        } else if (attempts instanceof Attempt first) {
            ArrayList<Attempt> list = new ArrayList<>(4);
            list.add(first);
            list.add(attempt);
            attempts = list;
        } else {
            ((ArrayList<Attempt>) attempts).add(attempt);
        }
    }

    /** The attempts so far, oldest first (pipeline thread); an immutable snapshot, empty if none. */
    @SuppressWarnings("unchecked")
    public List<Attempt> attempts() {
        if (attempts == null) {
            return List.of();
        }
        return attempts instanceof Attempt one ? List.of(one) : List.copyOf((ArrayList<Attempt>) attempts);
    }

    /** How many attempts were made. */
    @SuppressWarnings("unchecked")
    public int attemptCount() {
        return attempts == null ? 0 : attempts instanceof Attempt ? 1 : ((ArrayList<Attempt>) attempts).size();
    }

    /** The last failed attempt, or null. */
    @SuppressWarnings("unchecked")
    public Attempt lastFailure() {
        if (attempts == null) {
            return null;
        }
        if (attempts instanceof Attempt one) {
            return one.successful() ? null : one;
        }
        ArrayList<Attempt> list = (ArrayList<Attempt>) attempts;
        for (int i = list.size() - 1; i >= 0; i--) {
            if (!list.get(i).successful()) {
                return list.get(i);
            }
        }
        return null;
    }
}
