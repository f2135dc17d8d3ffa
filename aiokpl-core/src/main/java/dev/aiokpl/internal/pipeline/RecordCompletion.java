package dev.aiokpl.internal.pipeline;

import dev.aiokpl.Attempt;
import dev.aiokpl.RecordResult;
import dev.aiokpl.internal.TimeBase;
import dev.aiokpl.internal.record.PendingRecord;
import dev.aiokpl.internal.record.Results;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Ends user records: adds the final attempt (success, the retrier's failure, {@code Expired},
 * {@code Closed}), records the terminal metrics, frees the record's room and hands its result to
 * the {@link Completer}. A record ends at most once; later calls for it are ignored.
 *
 * <p>Owned by the pipeline thread (and by {@code close()} once that thread is gone).
 */
final class RecordCompletion {

    private final Duration recordTtl;
    private final Duration closeTimeout;
    private final TimeBase time;
    private final Capacity capacity;
    private final ArrivalOrder arrivalOrder;
    private final Completer completer;
    private final RecordMetrics metrics;

    RecordCompletion(Duration recordTtl, Duration closeTimeout, TimeBase time, Capacity capacity,
            ArrivalOrder arrivalOrder, Completer completer, RecordMetrics metrics) {
        this.recordTtl = recordTtl;
        this.closeTimeout = closeTimeout;
        this.time = time;
        this.capacity = capacity;
        this.arrivalOrder = arrivalOrder;
        this.completer = completer;
        this.metrics = metrics;
    }

    /** Succeeds a record with the request that put it. */
    void succeeded(PendingRecord r, Attempt request, long delayNanos) {
        if (r.done) {
            return;
        }
        if (r.attemptCount() > 0) {
            r.addAttempt(Attempt.success(request.startedAt(), request.endedAt(), delayNanos, request.shardId(),
                    request.sequenceNumber()));
            finish(r, true);
            return;
        }
        // The common case: no list, no per-record Attempt (see Results).
        metrics.terminal(r, true, 1, request.shardId(), delayNanos, null);
        complete(r, Results.firstAttemptSuccess(request, delayNanos));
    }

    /** Fails a record with its last attempt. */
    void failed(PendingRecord r, Attempt attempt) {
        r.addAttempt(attempt);
        finish(r, false);
    }

    /** Fails a record as Expired, keeping its earlier attempts. */
    void expire(PendingRecord r, long now) {
        Attempt last = r.lastFailure();
        String message = "record expired: older than recordTtl=" + recordTtl + " after " + r.attemptCount()
                + " attempt(s)" + (last == null ? "" : "; last error: " + last.errorCode() + ": " + last.errorMessage());
        Instant at = time.instant(now);
        r.addAttempt(Attempt.failure(at, at, TimeBase.nanosBetween(r.waitStartNanos, now), Engine.EXPIRED, message));
        finish(r, false);
    }

    /** Fails a record that is in no request as Closed: it was not written by this attempt. */
    void failClosed(PendingRecord r, long now) {
        failClosed(r, now, null);
    }

    /** As {@link #failClosed(PendingRecord, long)}, now. */
    void failClosedNow(PendingRecord r) {
        failClosed(r, time.ticker().read());
    }

    /** @param written what may have happened to the record in the stream, or null if it was not sent */
    void failClosed(PendingRecord r, long now, String written) {
        if (r.done) {
            return;
        }
        Attempt last = r.lastFailure();
        Instant at = time.instant(now);
        String message = "the producer was closed before the record completed (closeTimeout=" + closeTimeout + ")"
                + (written == null ? "" : "; " + written);
        r.addAttempt(Attempt.failure(at, at, TimeBase.nanosBetween(r.waitStartNanos, now), Engine.CLOSED,
                message + (last == null ? "" : "; last error: " + last.errorCode() + ": " + last.errorMessage())));
        finish(r, false);
    }

    /** Ends a record with the attempts it has (the last one decides success). */
    private void finish(PendingRecord r, boolean success) {
        if (r.done) {
            return;
        }
        List<Attempt> attempts = r.attempts();
        Attempt last = attempts.get(attempts.size() - 1);
        metrics.terminal(r, success, attempts.size(), success ? last.shardId() : null,
                attempts.get(0).delay().toNanos(), last.errorCode());
        complete(r, success ? RecordResult.success(attempts) : RecordResult.failure(attempts));
    }

    private void complete(PendingRecord r, RecordResult result) {
        r.done = true;
        arrivalOrder.remove(r);
        capacity.release(r.size);
        if (r.owner instanceof StreamPipeline sp) {
            sp.ended();
        }
        completer.add(r, result);
    }
}
