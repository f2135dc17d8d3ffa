package dev.aiokpl.internal.retry;

import dev.aiokpl.Attempt;
import dev.aiokpl.internal.TimeBase;
import dev.aiokpl.internal.collector.PutBatch;
import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.record.PendingRecord;
import dev.aiokpl.internal.sender.ErrorClassifier;
import dev.aiokpl.internal.sender.ErrorClassifier.Kind;
import dev.aiokpl.internal.shardmap.ShardMap.ShardRange;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Decides, for every user record of a PutRecords outcome, success, failure or retry (SPEC section 3), and
 * hands each decision to the {@link Decisions} of the response's stream, which applies it; the retrier
 * changes no other stage itself:
 * <ul>
 *   <li>success with no prediction → success;</li>
 *   <li>an aggregate on its predicted shard → success if the shard's range in the current map holds every
 *       user record, else retry all as {@code Wrong Shard} and report the map stale (a stream re-created
 *       under the same name reuses the shard ids with other ranges);</li>
 *   <li>a raw record (one user record) on its predicted shard → success; on another shard → success, and
 *       the shard map is reported stale:
 *       the service routed it by its own hash key, so the shard holds it whatever our map says;</li>
 *   <li>success on another shard whose range holds the hash key of every user record of that Kinesis
 *       record (a split child) → success, and the shard map is reported stale;</li>
 *   <li>success on a shard whose range misses at least one of its user records → retry all of them as
 *       {@code Wrong Shard} (KCL would drop the whole aggregate), and the map is reported stale;</li>
 *   <li>success on a shard the map does not know → deferred until the map reloads;</li>
 *   <li>{@code ProvisionedThroughputExceededException} → the shard is slowed down and the records retry
 *       after a jittered backoff, or fail at once with {@code failIfThrottled};</li>
 *   <li>non-retryable codes (ResourceNotFound, AccessDenied, Validation, KMS*, no credentials at all, a
 *       bad signature) → fail; a ResourceNotFound also reports the shard map stale;</li>
 *   <li>clock skew (see {@link ErrorClassifier} for the evidence) → retry at once, the transport having
 *       corrected its signing clock from the answer; with backoff if the record was skewed before;</li>
 *   <li>an expired session token or a transient credentials-fetch failure → retry with backoff until
 *       {@code recordTtl}, with a rate-limited WARN;</li>
 *   <li>a success entry without a shard id or a sequence number → retry as {@code MalformedResponse};</li>
 *   <li>anything else (5xx, InternalFailure, timeouts, resets, a response whose size does not match) → retry.</li>
 * </ul>
 * An exception while deciding one Kinesis record never strands the others: its undecided records are
 * retried as {@code ProducerInternalError} and the error is logged.
 * Not thread-safe: runs on the pipeline thread.
 */
public final class Retrier {

    private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

    /** Error code of records retried because they landed outside their shard's range. */
    public static final String WRONG_SHARD = "Wrong Shard";
    /** Error code of a response whose record count does not match the request. */
    public static final String COUNT_MISMATCH = "ResponseCountMismatch";
    /** Error code of a success entry without a shard id or a sequence number. */
    public static final String MALFORMED_RESPONSE = "MalformedResponse";
    /** Error code of records retried because handling their result failed inside the producer. */
    public static final String INTERNAL_ERROR = "ProducerInternalError";

    private static final String RESOURCE_NOT_FOUND = "ResourceNotFoundException";
    static final long CREDENTIALS_WARN_INTERVAL_NANOS = 30_000_000_000L;

    private final boolean failIfThrottled;
    private final Backoff backoff;
    private final TimeBase time;
    private long nextCredentialsWarnNanos = Long.MIN_VALUE;
    private long credentialsFailuresNotLogged;
    private int credentialsWarnings;

    public Retrier(boolean failIfThrottled, Backoff backoff, TimeBase time) {
        this.failIfThrottled = failIfThrottled;
        this.backoff = backoff;
        this.time = time;
    }

    /**
     * Handles one request's outcome. Never throws: an exception while deciding one Kinesis record is
     * logged and that record's undecided user records are retried as {@link #INTERNAL_ERROR}, and the
     * rest of the batch is decided as usual (the sender no longer tracks the batch, so a record left
     * undecided here would never complete).
     */
    public void onResponse(PutBatch batch, long startNanos, long endNanos, PutRecordsResponse response, Throwable error,
            Decisions to) {
        List<KinesisRecord> records = batch.records();
        if (error != null) {
            Kind kind = ErrorClassifier.classify(error);
            String code = ErrorClassifier.code(error);
            String message = ErrorClassifier.message(error);
            for (int i = 0; i < records.size(); i++) {
                decideGuarded(records.get(i), null, kind, code, message, startNanos, endNanos, to);
            }
            return;
        }
        List<PutRecordsResultEntry> entries = response.records();
        if (entries.size() != records.size()) {
            String message = "PutRecords answered " + entries.size() + " records for a request of " + records.size();
            for (int i = 0; i < records.size(); i++) {
                decideGuarded(records.get(i), null, Kind.RETRYABLE, COUNT_MISMATCH, message, startNanos, endNanos,
                        to);
            }
            return;
        }
        for (int i = 0; i < entries.size(); i++) {
            decideGuarded(records.get(i), entries.get(i), null, null, null, startNanos, endNanos, to);
        }
    }

    /** Decides one Kinesis record from its entry, or from a request-wide error {@code code}; never throws. */
    private void decideGuarded(KinesisRecord kr, PutRecordsResultEntry e, Kind kind, String code, String message,
            long startNanos, long endNanos, Decisions to) {
        try {
            if (e == null) {
                onError(kr, kind, code, message, startNanos, endNanos, to);
            } else {
                decide(kr, e, startNanos, endNanos, to);
            }
        } catch (RuntimeException | Error internal) {
            retryAfterInternalError(kr, internal, startNanos, endNanos, to);
        }
    }

    private void decide(KinesisRecord kr, PutRecordsResultEntry e, long startNanos, long endNanos, Decisions to) {
        if (e.errorCode() != null) {
            onError(kr, ErrorClassifier.classify(e.errorCode(), e.errorMessage()), e.errorCode(), e.errorMessage(),
                    startNanos, endNanos, to);
            return;
        }
        boolean noShard = isBlank(e.shardId());
        boolean noSequence = isBlank(e.sequenceNumber());
        if (noShard || noSequence) {
            String missing = noShard && noSequence ? "ShardId and SequenceNumber" : noShard ? "ShardId" : "SequenceNumber";
            retryAll(kr, MALFORMED_RESPONSE, "PutRecords answered a success without " + missing + " (ShardId="
                    + e.shardId() + ", SequenceNumber=" + e.sequenceNumber() + ")", startNanos, endNanos, true, to);
            return;
        }
        onSuccess(kr, e.shardId(), e.sequenceNumber(), startNanos, endNanos, to);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    /** A bug (ours or a plug-in's) while deciding {@code kr}: its undecided records are retried, not stranded. */
    private void retryAfterInternalError(KinesisRecord kr, Throwable internal, long startNanos, long endNanos,
            Decisions to) {
        LOG.error("Internal error while handling the PutRecords result of a Kinesis record of stream {} ({} user "
                + "records); retrying them", kr.stream(), kr.records().size(), internal);
        try {
            retryAll(kr, INTERNAL_ERROR, "the producer failed while handling this record's result: " + internal,
                    startNanos, endNanos, true, to);
        } catch (RuntimeException | Error again) {
            LOG.error("Could not retry the records of a Kinesis record of stream {} after an internal error",
                    kr.stream(), again);
        }
    }

    /** Classifies a success. */
    private void onSuccess(KinesisRecord kr, String shardId, String sequenceNumber, long startNanos, long endNanos,
            Decisions to) {
        String predicted = kr.predictedShard();
        boolean onPredicted = predicted != null && predicted.equals(shardId);
        if (predicted == null || !kr.aggregated()) {
            if (predicted != null && !onPredicted) {
                // A raw record: the service routed it by its own hash key, so it is where it belongs.
                // Retrying it would only put a duplicate in the stream (and wait for the map if the shard is new).
                to.mapStale(startNanos);
            }
            succeed(kr, shardId, sequenceNumber, startNanos, endNanos, to);
            return;
        }
        // An aggregate is checked even on its predicted shard: a stream deleted and re-created under the
        // same name brings its shard ids back with other ranges, and KCL drops a whole aggregate as soon
        // as one user record lies outside the range of the shard it was read from.
        ShardRange actual = to.shard(shardId);
        if (actual == null) {
            to.mapStale(startNanos);
            to.deferUntilMapKnows(kr, shardId, sequenceNumber, startNanos, endNanos);
            return;
        }
        if (onPredicted) {
            if (holdsEvery(actual, kr)) {
                succeed(kr, shardId, sequenceNumber, startNanos, endNanos, to);
            } else {
                to.mapStale(startNanos);
                retryAll(kr, WRONG_SHARD, "the record landed on its predicted shard " + shardId + ", whose hash key "
                        + "range now misses some of its user records (the shard map changed, e.g. the stream was "
                        + "re-created)", startNanos, endNanos, false, to);
            }
            return;
        }
        classifyOnKnownShard(kr, actual, sequenceNumber, startNanos, endNanos, to);
    }

    /** Whether {@code shard}'s range holds every user record of {@code kr} (allocation-free: on the hot path). */
    private static boolean holdsEvery(ShardRange shard, KinesisRecord kr) {
        List<PendingRecord> records = kr.records();
        for (int i = 0; i < records.size(); i++) {
            PendingRecord r = records.get(i);
            if (!shard.contains(r.hashHi, r.hashLo)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Finishes a deferred record once the map reloaded: the shard is known now, or is treated as wrong.
     * Never throws (as {@link #onResponse}).
     */
    public void onShardResolved(KinesisRecord kr, String shardId, ShardRange actual, String sequenceNumber,
            long startNanos, long endNanos, Decisions to) {
        try {
            if (actual == null) {
                retryAll(kr, WRONG_SHARD, "record landed on shard " + shardId
                        + ", which the shard map does not know even after reloading", startNanos, endNanos, false, to);
                return;
            }
            classifyOnKnownShard(kr, actual, sequenceNumber, startNanos, endNanos, to);
        } catch (RuntimeException | Error internal) {
            retryAfterInternalError(kr, internal, startNanos, endNanos, to);
        }
    }

    private void classifyOnKnownShard(KinesisRecord kr, ShardRange actual, String sequenceNumber, long startNanos,
            long endNanos, Decisions to) {
        to.mapStale(startNanos);
        if (!holdsEvery(actual, kr)) {
            retryAll(kr, WRONG_SHARD, "predicted shard " + kr.predictedShard() + " but the record landed on "
                    + actual.shardId() + ", whose hash key range does not hold every user record of the aggregate",
                    startNanos, endNanos, false, to);
            return;
        }
        succeed(kr, actual.shardId(), sequenceNumber, startNanos, endNanos, to);
    }

    private void succeed(KinesisRecord kr, String shardId, String sequenceNumber, long startNanos, long endNanos,
            Decisions to) {
        Attempt request = Attempt.success(time.instant(startNanos), time.instant(endNanos), 0, shardId, sequenceNumber);
        for (PendingRecord r : kr.records()) {
            if (r.done) {
                continue;
            }
            long delay = TimeBase.nanosBetween(r.waitStartNanos, startNanos);
            r.waitStartNanos = endNanos;
            to.succeed(r, request, delay);
        }
    }

    private void onError(KinesisRecord kr, Kind kind, String code, String message, long startNanos, long endNanos,
            Decisions to) {
        if (RESOURCE_NOT_FOUND.equals(code)) {
            // The stream is gone, or was re-created: the next records must not be predicted on its old shards.
            to.mapStale(startNanos);
        }
        switch (kind) {
            case THROTTLED -> {
                to.throttled(kr.predictedShard(), endNanos);
                if (failIfThrottled) {
                    failAll(kr, code, message, startNanos, endNanos, to);
                } else {
                    retryAll(kr, code, message, startNanos, endNanos, true, to);
                }
            }
            case NON_RETRYABLE -> failAll(kr, code, message, startNanos, endNanos, to);
            case CLOCK_SKEW -> forEachFailure(kr, code, message, startNanos, endNanos, (r, a) -> {
                // The transport corrected its signing clock from this answer: retry at once, as the SDK
                // does; but back off if the record was skewed before, so a clock that cannot be fixed
                // (no Date in the answers) does not spin.
                Attempt last = r.lastFailure();
                boolean skewedBefore = last != null && ErrorClassifier.isClockSkewCode(last.errorCode());
                to.retryNotBefore(r, a, endNanos + (skewedBefore ? backoff.delayNanos(r.attemptCount() + 1) : 0));
            });
            case CREDENTIALS_RETRYABLE -> {
                warnCredentials(kr.stream(), code, message, endNanos);
                retryAll(kr, code, message, startNanos, endNanos, true, to);
            }
            case RETRYABLE -> retryAll(kr, code, message, startNanos, endNanos, true, to);
        }
    }

    /**
     * One WARN per {@link #CREDENTIALS_WARN_INTERVAL_NANOS} however many records fail for their
     * credentials (a token expiring fails every record in flight), with the count of those not logged.
     */
    private void warnCredentials(String stream, String code, String message, long nowNanos) {
        if (nowNanos < nextCredentialsWarnNanos) {
            credentialsFailuresNotLogged++;
            return;
        }
        LOG.warn("Records of stream {} were refused for their credentials ({}: {}); retrying them until recordTtl "
                + "while the credentials provider refreshes ({} more such failures since the last warning)", stream,
                code, message, credentialsFailuresNotLogged);
        credentialsWarnings++;
        credentialsFailuresNotLogged = 0;
        nextCredentialsWarnNanos = nowNanos + CREDENTIALS_WARN_INTERVAL_NANOS;
    }

    private void failAll(KinesisRecord kr, String code, String message, long startNanos, long endNanos, Decisions to) {
        forEachFailure(kr, code, message, startNanos, endNanos, to::fail);
    }

    private void retryAll(KinesisRecord kr, String code, String message, long startNanos, long endNanos,
            boolean backOff, Decisions to) {
        forEachFailure(kr, code, message, startNanos, endNanos, (r, a) -> {
            long delay = backOff ? backoff.delayNanos(r.attemptCount() + 1) : 0;
            to.retryNotBefore(r, a, endNanos + delay);
        });
    }

    /** Builds each open record's failed attempt and hands it on. */
    private void forEachFailure(KinesisRecord kr, String code, String message, long startNanos, long endNanos,
            BiConsumer<PendingRecord, Attempt> then) {
        Instant started = time.instant(startNanos);
        Instant ended = time.instant(endNanos);
        for (PendingRecord r : kr.records()) {
            if (r.done) {
                continue;
            }
            Attempt a = Attempt.failure(started, ended, TimeBase.nanosBetween(r.waitStartNanos, startNanos), code, message);
            r.waitStartNanos = endNanos;
            then.accept(r, a);
        }
    }

    /** How many credentials WARN lines were logged (for tests). */
    int credentialsWarnings() {
        return credentialsWarnings;
    }

    /** The jittered delay used for a retry after {@code failedAttempts} failures (for tests and docs). */
    public Duration backoffFor(int failedAttempts) {
        return Duration.ofNanos(backoff.delayNanos(failedAttempts));
    }
}
