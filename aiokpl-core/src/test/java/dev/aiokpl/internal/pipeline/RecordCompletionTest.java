package dev.aiokpl.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.Attempt;
import dev.aiokpl.RecordResult;
import dev.aiokpl.internal.TimeBase;
import dev.aiokpl.internal.metrics.MetricsRecorder;
import dev.aiokpl.internal.record.PendingRecord;
import dev.aiokpl.internal.testing.TestRecords;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A record ends once, with the right last attempt, and gives its room back; on a manual clock. */
class RecordCompletionTest {

    private final AtomicLong now = new AtomicLong();
    private final TimeBase time = new TimeBase(now::get, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    private final Capacity capacity = new Capacity(10, 1_000_000, now::get);
    private final FlushTracker flushTracker = new FlushTracker();
    private final Completer completer = new Completer(Runnable::run, flushTracker);
    private final RecordCompletion completion = new RecordCompletion(Duration.ofSeconds(30), Duration.ofSeconds(5),
            time, capacity, new ArrivalOrder(), completer, new RecordMetrics(MetricsRecorder.NOOP));

    @Test
    void anExpiredRecordEndsOnceWithItsLastErrorAndFreesItsRoom() {
        PendingRecord r = accepted();
        r.addAttempt(Attempt.failure(Instant.EPOCH, Instant.EPOCH, 0, "InternalFailure", "boom"));
        now.set(Duration.ofSeconds(31).toNanos());

        completion.expire(r, now.get());
        completion.failClosed(r, now.get()); // ignored: already ended
        completer.dispatch();

        RecordResult result = r.future.join();
        assertThat(result.successful()).isFalse();
        assertThat(result.attempts()).extracting(Attempt::errorCode).containsExactly("InternalFailure", Engine.EXPIRED);
        assertThat(result.attempts().get(1).errorMessage()).contains("recordTtl=PT30S", "InternalFailure: boom");
        assertThat(capacity.records()).isZero();
        assertThat(flushTracker.flush()).isCompleted();
    }

    @Test
    void aClosedRecordSaysWhatMayHaveBeenWritten() {
        PendingRecord r = accepted();
        completion.failClosed(r, 0, "a request holding it was in flight");
        completer.dispatch();
        assertThat(r.future.join().attempts().get(0).errorMessage())
                .isEqualTo("the producer was closed before the record completed (closeTimeout=PT5S); "
                        + "a request holding it was in flight");
    }

    @Test
    void aFirstAttemptSuccessCompletesTheFuture() {
        PendingRecord r = accepted();
        completion.succeeded(r, Attempt.success(Instant.EPOCH, Instant.EPOCH, 0, "shardId-0", "42"), 0);
        completer.dispatch();
        RecordResult result = r.future.join();
        assertThat(result.successful()).isTrue();
        assertThat(result.shardId()).isEqualTo("shardId-0");
        assertThat(capacity.records()).isZero();
    }

    private PendingRecord accepted() {
        PendingRecord template = TestRecords.pending("k", new byte[10], 0);
        capacity.acquire(template.size, 0);
        return new PendingRecord(template.stream, "k", null, template.hashHi, template.hashLo, template.data,
                template.size, 0, new CompletableFuture<>(), flushTracker.enter());
    }
}
