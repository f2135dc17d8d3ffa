package dev.aiokpl;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One try at putting a user record: when it started and ended, how long the record waited before
 * it, and what Kinesis answered. Immutable.
 *
 * <p>A successful attempt has a {@link #shardId()} and {@link #sequenceNumber()} and no error; a
 * failed one has an {@link #errorCode()} (the service's code, such as
 * {@code ProvisionedThroughputExceededException}, or one of this library's: {@code Expired},
 * {@code Closed}, {@code Wrong Shard}, a client exception's class name) and an
 * {@link #errorMessage()}.
 */
public final class Attempt {

    private final Instant startedAt;
    private final Instant endedAt;
    private final long delayNanos;
    private final String shardId;
    private final String sequenceNumber;
    private final String errorCode;
    private final String errorMessage;

    private Attempt(Instant startedAt, Instant endedAt, long delayNanos, String shardId, String sequenceNumber,
            String errorCode, String errorMessage) {
        this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
        this.endedAt = Objects.requireNonNull(endedAt, "endedAt");
        if (delayNanos < 0) {
            throw new IllegalArgumentException("delay must not be negative (got " + delayNanos + " ns)");
        }
        this.delayNanos = delayNanos;
        this.shardId = shardId;
        this.sequenceNumber = sequenceNumber;
        this.errorCode = errorCode;
        this.errorMessage = errorMessage;
    }

    /**
     * A successful attempt.
     *
     * @param startedAt      when the request started
     * @param endedAt        when its answer arrived
     * @param delay          how long the record waited before this attempt
     * @param shardId        the shard the record was put on
     * @param sequenceNumber the sequence number Kinesis gave the record
     */
    public static Attempt success(Instant startedAt, Instant endedAt, Duration delay, String shardId,
            String sequenceNumber) {
        return success(startedAt, endedAt, Objects.requireNonNull(delay, "delay").toNanos(), shardId, sequenceNumber);
    }

    /** As {@link #success(Instant, Instant, Duration, String, String)} with the delay in nanoseconds. */
    public static Attempt success(Instant startedAt, Instant endedAt, long delayNanos, String shardId,
            String sequenceNumber) {
        return new Attempt(startedAt, endedAt, delayNanos, Objects.requireNonNull(shardId, "shardId"),
                Objects.requireNonNull(sequenceNumber, "sequenceNumber"), null, null);
    }

    /**
     * A failed attempt.
     *
     * @param startedAt    when the request started (or when the failure was decided)
     * @param endedAt      when the failure was known
     * @param delay        how long the record waited before this attempt
     * @param errorCode    the error code, never null
     * @param errorMessage the error message, never null
     */
    public static Attempt failure(Instant startedAt, Instant endedAt, Duration delay, String errorCode,
            String errorMessage) {
        return failure(startedAt, endedAt, Objects.requireNonNull(delay, "delay").toNanos(), errorCode, errorMessage);
    }

    /** As {@link #failure(Instant, Instant, Duration, String, String)} with the delay in nanoseconds. */
    public static Attempt failure(Instant startedAt, Instant endedAt, long delayNanos, String errorCode,
            String errorMessage) {
        return new Attempt(startedAt, endedAt, delayNanos, null, null, Objects.requireNonNull(errorCode, "errorCode"),
                errorMessage == null ? "" : errorMessage);
    }

    /** This attempt with another delay (the records of one request share all but their delay). */
    Attempt withDelayNanos(long delay) {
        return delay == delayNanos ? this
                : new Attempt(startedAt, endedAt, delay, shardId, sequenceNumber, errorCode, errorMessage);
    }

    /** When the attempt started. */
    public Instant startedAt() {
        return startedAt;
    }

    /** When the attempt ended. */
    public Instant endedAt() {
        return endedAt;
    }

    /** How long the record waited (buffered, rate limited or backing off) before this attempt. */
    public Duration delay() {
        return Duration.ofNanos(delayNanos);
    }

    /** How long the attempt took: {@code endedAt - startedAt}. */
    public Duration duration() {
        return Duration.between(startedAt, endedAt);
    }

    /** Whether Kinesis accepted the record in this attempt. */
    public boolean successful() {
        return errorCode == null;
    }

    /** The shard the record was put on, or null for a failed attempt. */
    public String shardId() {
        return shardId;
    }

    /** The record's sequence number, or null for a failed attempt. */
    public String sequenceNumber() {
        return sequenceNumber;
    }

    /** The error code of a failed attempt, or null. */
    public String errorCode() {
        return errorCode;
    }

    /** The error message of a failed attempt, or null. */
    public String errorMessage() {
        return errorMessage;
    }

    @Override
    public String toString() {
        return successful()
                ? "Attempt{success, shard=" + shardId + ", seq=" + sequenceNumber + ", delay=" + delay()
                        + ", duration=" + duration() + '}'
                : "Attempt{" + errorCode + ": " + errorMessage + ", delay=" + delay() + ", duration=" + duration() + '}';
    }
}
