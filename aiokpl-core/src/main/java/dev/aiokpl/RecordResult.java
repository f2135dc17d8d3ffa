package dev.aiokpl;

import java.util.List;
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

    private final boolean successful;
    private final List<Attempt> attempts;

    private RecordResult(boolean successful, List<Attempt> attempts) {
        this.successful = successful;
        this.attempts = List.copyOf(attempts);
        if (this.attempts.isEmpty()) {
            throw new IllegalArgumentException("a RecordResult needs at least one attempt");
        }
        if (successful != last().successful()) {
            throw new IllegalArgumentException("the last attempt of a " + (successful ? "successful" : "failed")
                    + " result must be " + (successful ? "successful" : "failed"));
        }
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
        return successful ? last().shardId() : null;
    }

    /** The record's sequence number, or null if it failed. */
    public String sequenceNumber() {
        return successful ? last().sequenceNumber() : null;
    }

    /** Every attempt, oldest first; an unmodifiable list, never empty. */
    public List<Attempt> attempts() {
        return attempts;
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
        return attempts.get(attempts.size() - 1);
    }

    @Override
    public String toString() {
        Attempt last = last();
        return successful
                ? "RecordResult{success, shard=" + last.shardId() + ", seq=" + last.sequenceNumber()
                        + ", attempts=" + attempts.size() + '}'
                : "RecordResult{failed, " + last.errorCode() + ": " + last.errorMessage()
                        + ", attempts=" + attempts.size() + '}';
    }
}
