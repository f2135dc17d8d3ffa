package dev.aiokpl;

import java.util.List;
import dev.aiokpl.internal.record.Results;
import java.util.Objects;

/**
 * The outcome of one user record: success with its shard and sequence number, or failure; always
 * with every attempt made (oldest first). Immutable.
 *
 * <p>A record's future completes with a {@code RecordResult} whether the record succeeded or
 * failed; it never completes exceptionally for a service error. Use {@link #orThrow()} to turn a
 * failure into an exception.
 */
public final class RecordResult {

    static {
        Results.install(RecordResult::firstAttemptSuccess);
    }

    private final boolean successful;
    /**
     * For a record put by its first attempt: that request's attempt with no delay, shared by every
     * user record of one Kinesis record; the record's own attempt (with its delay) is made only when
     * {@link #attempts()} is called. Null otherwise.
     */
    private final Attempt request;
    private final long delayNanos;
    /** Every attempt; made lazily for a first-attempt success (a benign race: immutable, equal values). */
    private List<Attempt> attempts;

    private RecordResult(boolean successful, List<Attempt> attempts) {
        this.successful = successful;
        this.request = null;
        this.delayNanos = 0;
        this.attempts = List.copyOf(attempts);
        if (this.attempts.isEmpty()) {
            throw new IllegalArgumentException("a RecordResult needs at least one attempt");
        }
        if (successful != last().successful()) {
            throw new IllegalArgumentException("the last attempt of a " + (successful ? "successful" : "failed")
                    + " result must be " + (successful ? "successful" : "failed"));
        }
    }

    private RecordResult(Attempt request, long delayNanos) {
        if (!request.successful()) {
            throw new IllegalArgumentException("the attempt of a successful result must be successful: " + request);
        }
        if (delayNanos < 0) {
            throw new IllegalArgumentException("delay must not be negative (got " + delayNanos + " ns)");
        }
        this.successful = true;
        this.request = request;
        this.delayNanos = delayNanos;
    }

    /** See {@link Results#firstAttemptSuccess}. */
    private static RecordResult firstAttemptSuccess(Attempt request, long delayNanos) {
        return new RecordResult(Objects.requireNonNull(request, "request"), delayNanos);
    }

    /** A successful result; the last attempt must be successful. */
    public static RecordResult success(List<Attempt> attempts) {
        return new RecordResult(true, Objects.requireNonNull(attempts, "attempts"));
    }

    /** A failed result; the last attempt must be failed. */
    public static RecordResult failure(List<Attempt> attempts) {
        return new RecordResult(false, Objects.requireNonNull(attempts, "attempts"));
    }

    /** Whether the record was put. */
    public boolean successful() {
        return successful;
    }

    /** The shard the record was put on, or null if it failed. */
    public String shardId() {
        return request != null ? request.shardId() : successful ? last().shardId() : null;
    }

    /** The record's sequence number, or null if it failed. */
    public String sequenceNumber() {
        return request != null ? request.sequenceNumber() : successful ? last().sequenceNumber() : null;
    }

    /** Every attempt, oldest first; an unmodifiable list, never empty. */
    public List<Attempt> attempts() {
        List<Attempt> a = attempts;
        if (a == null) {
            a = List.of(request.withDelayNanos(delayNanos));
            attempts = a;
        }
        return a;
    }

    /**
     * Returns this result if it is successful, else throws.
     *
     * @throws RecordFailedException naming the last error code and message; its
     *                               {@link RecordFailedException#result()} is this result
     */
    public RecordResult orThrow() {
        if (!successful) {
            throw new RecordFailedException(this);
        }
        return this;
    }

    private Attempt last() {
        List<Attempt> a = attempts();
        return a.get(a.size() - 1);
    }

    @Override
    public String toString() {
        Attempt last = last();
        return successful
                ? "RecordResult{success, shard=" + last.shardId() + ", seq=" + last.sequenceNumber()
                        + ", attempts=" + attempts().size() + '}'
                : "RecordResult{failed, " + last.errorCode() + ": " + last.errorMessage()
                        + ", attempts=" + attempts().size() + '}';
    }
}
