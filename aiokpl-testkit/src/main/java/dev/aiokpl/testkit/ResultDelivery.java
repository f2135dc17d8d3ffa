package dev.aiokpl.testkit;

import dev.aiokpl.Attempt;
import dev.aiokpl.RecordResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds the {@link RecordResult} of a {@link MockProducer}'s record, as the real producer would (one
 * attempt, an increasing sequence number on success), and completes its future on the callback executor.
 */
final class ResultDelivery {

    private final Clock clock;
    private final Executor callbackExecutor;
    private final AtomicLong sequence = new AtomicLong();

    ResultDelivery(Clock clock, Executor callbackExecutor) {
        this.clock = clock;
        this.callbackExecutor = callbackExecutor;
    }

    /** Completes {@code p}: a success when {@code errorCode} is null, else a failure with that code and message. */
    void deliver(PendingRecord p, String errorCode, String errorMessage) {
        RecordResult result = result(p, errorCode, errorMessage);
        try {
            callbackExecutor.execute(() -> p.future.complete(result));
        } catch (RejectedExecutionException e) {
            p.future.complete(result); // a shut-down executor must not leave the future hanging
        }
    }

    private RecordResult result(PendingRecord p, String errorCode, String errorMessage) {
        Instant now = clock.instant();
        Duration waited = Duration.between(p.acceptedAt, now);
        Duration delay = waited.isNegative() ? Duration.ZERO : waited;
        if (errorCode == null) {
            String sequenceNumber = String.format("49%054d", sequence.incrementAndGet());
            return RecordResult.success(List.of(Attempt.success(now, now, delay, p.shardId, sequenceNumber)));
        }
        return RecordResult.failure(List.of(Attempt.failure(now, now, delay, errorCode, errorMessage)));
    }
}
