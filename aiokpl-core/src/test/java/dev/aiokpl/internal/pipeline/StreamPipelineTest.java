package dev.aiokpl.internal.pipeline;

import static dev.aiokpl.internal.testing.TestRecords.STREAM;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.Attempt;
import dev.aiokpl.RecordResult;
import dev.aiokpl.internal.TimeBase;
import dev.aiokpl.internal.collector.PutBatch;
import dev.aiokpl.internal.hash.HashKey;
import dev.aiokpl.internal.metrics.MetricsRecorder;
import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.record.PendingRecord;
import dev.aiokpl.internal.retry.Backoff;
import dev.aiokpl.internal.retry.Retrier;
import dev.aiokpl.internal.sender.ErrorClassifier;
import dev.aiokpl.internal.shardmap.ShardMap;
import dev.aiokpl.internal.testing.ManualTicker;
import dev.aiokpl.internal.testing.ScriptedListShards;
import dev.aiokpl.internal.testing.Shards;
import dev.aiokpl.internal.testing.TestRecords;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * One stream's stages on a manual clock, with a scripted ListShards port and the requests it hands to
 * the sender captured: waiting for the map, aggregation by predicted shard, and how the pipeline
 * applies the retrier's decisions (retry after backoff, Expired past the TTL, Closed after an abort,
 * a success on an unknown shard held until a newer map knows it).
 */
class StreamPipelineTest {

    private static final Instant WALL = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration BUFFERED = Duration.ofMillis(100);
    private static final Duration TTL = Duration.ofSeconds(30);

    private final ManualTicker ticker = new ManualTicker();
    private final TimeBase time = new TimeBase(ticker, Clock.fixed(WALL, ZoneOffset.UTC));
    private final ScriptedListShards listShards = new ScriptedListShards();
    private final Queue<Runnable> pipelineEvents = new ArrayDeque<>();
    private final ShardMap map = new ShardMap(STREAM, listShards, ticker, Duration.ofMinutes(5), pipelineEvents::add,
            () -> { });
    private final Capacity capacity = new Capacity(1_000, 1 << 20, ticker);
    private final FlushTracker flushTracker = new FlushTracker();
    private final Completer completer = new Completer(Runnable::run, flushTracker);
    private final RecordMetrics metrics = new RecordMetrics(MetricsRecorder.NOOP);
    private final RecordCompletion completion = new RecordCompletion(TTL, Duration.ofSeconds(5), time, capacity,
            new ArrivalOrder(), completer, metrics);
    private final List<PutBatch> sent = new ArrayList<>();
    private final StreamPipeline pipeline = new StreamPipeline(STREAM, map,
            new Retrier(false, new Backoff(BUFFERED.toNanos(), Duration.ofSeconds(2).toNanos(), () -> 0.5), time),
            completion, metrics, true, Integer.MAX_VALUE, 51_200, 150, 500, 5L << 20, BUFFERED.toNanos(),
            TTL.toNanos(), false);

    private long start;
    private long end;

    private static final HashKey LOW_1 = HashKey.of(0, 1);
    private static final HashKey LOW_2 = HashKey.of(0, 2);
    private static final HashKey HIGH_1 = HashKey.of(-1L, 1);

    private PendingRecord admit(HashKey key) {
        PendingRecord template = TestRecords.pendingAt(key, 0);
        capacity.acquire(template.size, 0);
        PendingRecord r = new PendingRecord(STREAM, template.partitionKey, template.explicitHashKey, key.hi(),
                key.lo(), template.data, template.size, ticker.read(), new CompletableFuture<>(), flushTracker.enter());
        pipeline.admit(r, ticker.read());
        return r;
    }

    /**
     * Runs one pipeline iteration for this stream: events (ListShards answers), then the stages, then
     * takes every request ready to go into {@link #sent}.
     */
    private void process(boolean flush) {
        Runnable ev;
        while ((ev = pipelineEvents.poll()) != null) {
            ev.run();
        }
        pipeline.process(ticker.read(), flush);
        PutBatch next;
        while ((next = pipeline.take(500, 5L << 20)) != null) { // a sender with connections to spare
            sent.add(next);
        }
        completer.dispatch();
    }

    private void answerListShards(List<Shard> shards) {
        listShards.answer(shards);
    }

    private void mapReady(List<Shard> shards) {
        map.start();
        answerListShards(shards);
        process(false);
        assertThat(map.state()).isEqualTo(ShardMap.State.READY);
    }

    private static PutRecordsResponse response(PutRecordsResultEntry... entries) {
        return PutRecordsResponse.builder().records(entries).build();
    }

    private static PutRecordsResultEntry ok(String shard, String seq) {
        return PutRecordsResultEntry.builder().shardId(shard).sequenceNumber(seq).build();
    }

    private static PutRecordsResultEntry error(String code) {
        return PutRecordsResultEntry.builder().errorCode(code).errorMessage(code + "!").build();
    }

    private static Attempt lastAttempt(PendingRecord r) {
        RecordResult result = r.future.join();
        return result.attempts().get(result.attempts().size() - 1);
    }

    /** Map ready with one shard; one record admitted and sent alone in a request answered 20 ms later. */
    private PendingRecord sentAlone() {
        mapReady(Shards.even(1));
        PendingRecord r = admit(LOW_1);
        process(true);
        start = ticker.read();
        end = ticker.advance(Duration.ofMillis(20));
        return r;
    }

    /** The answer to the first request: one entry. */
    private void answer(PutRecordsResultEntry entry) {
        pipeline.onResponse(sent.get(0), start, end, response(entry), null);
        completer.dispatch();
    }

    @Test
    void recordsWaitForTheShardMapThenGoOutAggregatedOnTheirPredictedShards() {
        map.start();
        PendingRecord low1 = admit(LOW_1);
        PendingRecord low2 = admit(LOW_2);
        PendingRecord high = admit(HIGH_1);
        process(false);
        assertThat(sent).as("waiting for the map").isEmpty();

        answerListShards(Shards.even(2));
        process(false);
        assertThat(sent).as("aggregating until the deadline").isEmpty();

        ticker.advance(BUFFERED);
        process(false);
        assertThat(sent).hasSize(1);
        List<KinesisRecord> krs = sent.get(0).records();
        assertThat(krs).extracting(KinesisRecord::predictedShard).containsExactlyInAnyOrder(Shards.id(0), Shards.id(1));
        assertThat(krs).flatExtracting(KinesisRecord::records).containsExactlyInAnyOrder(low1, low2, high);
        assertThat(pipeline.pending()).isEqualTo(3);
    }

    @Test
    void aFirstAttemptSuccessCompletesTheRecordAndEndsItInThePipeline() {
        PendingRecord r = sentAlone();

        answer(ok(Shards.id(0), "49"));

        assertThat(r.future.join().successful()).isTrue();
        assertThat(r.future.join().shardId()).isEqualTo(Shards.id(0));
        assertThat(pipeline.pending()).isZero();
        assertThat(capacity.records()).isZero();
    }

    @Test
    void aRecordToRetryGoesBackToTheAggregatorOnlyAfterItsBackoff() {
        PendingRecord r = sentAlone();
        answer(error(ErrorClassifier.THROTTLED_CODE));
        sent.clear();

        process(true);
        assertThat(sent).as("still backing off").isEmpty();
        assertThat(r.future).isNotDone();

        ticker.advance(Duration.ofSeconds(3)); // past the backoff (at most 2 s) and half recordMaxBufferedTime
        process(false);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).records().get(0).records()).containsExactly(r);
        assertThat(r.attemptCount()).isEqualTo(1);
    }

    @Test
    void aRecordToRetryThatOutlivesItsTtlFailsAsExpiredWithItsLastError() {
        PendingRecord r = sentAlone();
        answer(error("InternalFailure"));

        ticker.advance(TTL);
        process(false);

        Attempt last = lastAttempt(r);
        assertThat(last.errorCode()).isEqualTo(Engine.EXPIRED);
        assertThat(last.errorMessage()).contains("InternalFailure");
        assertThat(pipeline.pending()).isZero();
    }

    @Test
    void onceRetryingStoppedARecordToRetryFailsAsClosed() {
        PendingRecord r = sentAlone();

        pipeline.stopRetrying();
        answer(error("InternalFailure"));

        assertThat(lastAttempt(r).errorCode()).isEqualTo(Engine.CLOSED);
    }

    @Test
    void aSuccessOnAShardTheMapDoesNotKnowWaitsForAMapLoadedAfterTheRequestThenSucceeds() {
        mapReady(Shards.even(1));
        ticker.advance(Duration.ofMillis(1)); // the request starts after the map's ListShards
        PendingRecord r1 = admit(LOW_1);
        PendingRecord r2 = admit(LOW_2);
        process(true);
        start = ticker.read();
        end = ticker.advance(Duration.ofMillis(20));
        int loads = listShards.calls();

        // The parent split: the aggregate landed on a child the map has not seen yet.
        pipeline.onResponse(sent.get(0), start, end, response(ok(Shards.id(1), "77")), null);
        process(false);
        assertThat(r1.future).as("held until the map knows the shard").isNotDone();
        assertThat(listShards.calls()).as("the map reloads").isEqualTo(loads + 1);

        answerListShards(Shards.even(2, 1));
        process(false);

        assertThat(r1.future.join().shardId()).isEqualTo(Shards.id(1));
        assertThat(r2.future.join().successful()).isTrue();
        assertThat(pipeline.pending()).isZero();
    }
}
