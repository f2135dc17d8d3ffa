package dev.aiokpl.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aiokpl.Attempt;
import dev.aiokpl.Config;
import dev.aiokpl.ProducerFullException;
import dev.aiokpl.RecordResult;
import dev.aiokpl.internal.TimeBase;
import dev.aiokpl.internal.Utf8;
import dev.aiokpl.internal.aggregation.AggregationCodec;
import dev.aiokpl.internal.aggregation.DecodedRecord;
import dev.aiokpl.internal.hash.HashKey;
import dev.aiokpl.internal.shardmap.ShardMap;
import dev.aiokpl.internal.testing.ManualTicker;
import dev.aiokpl.internal.testing.ScriptedKinesisClient;
import dev.aiokpl.internal.testing.Shards;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The engine driven step by step: {@link Engine#runOnce()} on a manual ticker against a scripted
 * client, futures completed on the test thread. The pipeline thread is never started.
 */
class EngineTest {

    private static final String STREAM = "orders";
    private static final Instant WALL = Instant.parse("2030-01-01T00:00:00Z");

    private final ManualTicker ticker = new ManualTicker();
    private final ScriptedKinesisClient client = new ScriptedKinesisClient(Shards.even(1));
    private Engine engine;

    private Engine engine(Config.Builder config) {
        engine = new Engine(config.region("us-east-1").build(), client, new TimeBase(ticker, Clock.fixed(WALL,
                ZoneOffset.UTC)), Runnable::run, () -> 0.5);
        return engine;
    }

    private Engine engine() {
        return engine(Config.builder());
    }

    private CompletableFuture<RecordResult> put(String partitionKey) {
        return put(partitionKey, null);
    }

    private CompletableFuture<RecordResult> put(String partitionKey, String explicitHashKey) {
        byte[] data = ("data of " + partitionKey).getBytes(StandardCharsets.UTF_8);
        HashKey key = explicitHashKey != null ? HashKey.parseDecimal(explicitHashKey) : HashKey.ofPartitionKey(partitionKey);
        return engine.put(STREAM, partitionKey, explicitHashKey, key, data, Utf8.length(partitionKey) + data.length);
    }

    /** Advances the clock by {@code step} and runs an iteration, until {@code done} or {@code max} iterations. */
    private void runUntil(java.util.function.BooleanSupplier done, Duration step, int max) {
        for (int i = 0; i < max && !done.getAsBoolean(); i++) {
            engine.runOnce();
            if (!done.getAsBoolean()) {
                ticker.advance(step);
            }
        }
        assertThat(done.getAsBoolean()).as("condition reached within %d iterations", max).isTrue();
    }

    private static List<String> partitionKeys(PutRecordsRequest request) {
        return request.records().stream().map(PutRecordsRequestEntry::partitionKey).toList();
    }

    private static List<String> decodedKeys(PutRecordsRequestEntry entry) {
        return AggregationCodec.decode(entry.data().asByteArray()).stream().map(DecodedRecord::partitionKey).toList();
    }

    // ------------------------------------------------------------------ shard map and aggregation

    @Test
    void recordsWaitForTheFirstMapAndAreAggregatedOnceItLoads() {
        client.holdListShards(true);
        engine();
        CompletableFuture<RecordResult> f1 = put("k1");
        CompletableFuture<RecordResult> f2 = put("k2");
        CompletableFuture<RecordResult> f3 = put("k3");
        engine.runOnce();
        assertThat(engine.shardMap(STREAM).state()).isEqualTo(ShardMap.State.UPDATING);
        ticker.advance(Duration.ofMillis(60));
        engine.runOnce();
        assertThat(client.putRecordsRequests()).as("waiting for the map, not sent raw").isEmpty();

        client.releaseListShards();
        engine.runOnce();
        assertThat(engine.shardMap(STREAM).state()).isEqualTo(ShardMap.State.READY);
        assertThat(client.putRecordsRequests()).as("aggregated until the deadline").isEmpty();

        ticker.advance(Duration.ofMillis(40)); // 100 ms after arrival
        engine.runOnce();
        List<PutRecordsRequest> requests = client.putRecordsRequests();
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).streamName()).isEqualTo(STREAM);
        assertThat(requests.get(0).records()).hasSize(1);
        PutRecordsRequestEntry entry = requests.get(0).records().get(0);
        assertThat(entry.partitionKey()).isEqualTo("a");
        assertThat(entry.explicitHashKey()).isEqualTo(HashKey.ofPartitionKey("k1").toDecimalString());
        assertThat(decodedKeys(entry)).containsExactly("k1", "k2", "k3");

        engine.runOnce();
        for (CompletableFuture<RecordResult> f : List.of(f1, f2, f3)) {
            RecordResult r = f.getNow(null);
            assertThat(r).isNotNull();
            assertThat(r.successful()).isTrue();
            assertThat(r.shardId()).isEqualTo(Shards.id(0));
            assertThat(r.attempts()).hasSize(1);
            assertThat(r.attempts().get(0).delay()).isEqualTo(Duration.ofMillis(100));
        }
        assertThat(engine.outstandingRecords()).isZero();
        assertThat(engine.outstandingBytes()).isZero();
    }

    @Test
    void recordsWaitUpToTenSecondsForASlowFirstMapThenGoRawWithoutPrediction() {
        client.holdListShards(true);
        engine();
        List<CompletableFuture<RecordResult>> futures = List.of(put("k1"), put("k2", "42"), put("k3"));
        engine.runOnce();
        ticker.advance(Duration.ofMillis(100));
        engine.runOnce();
        assertThat(client.putRecordsRequests()).as("the first map is worth waiting for past the deadline").isEmpty();
        ticker.advance(Duration.ofMillis(9899));
        engine.runOnce();
        assertThat(client.putRecordsRequests()).isEmpty();

        ticker.advance(Duration.ofMillis(1)); // 10 s (a third of the default recordTtl) after arrival
        engine.runOnce();
        assertSentRawWithoutPrediction(futures);
    }

    @Test
    void recordsGoRawAtTheirDeadlineWhenTheFirstMapFailsToLoad() {
        client.holdListShards(true);
        engine();
        List<CompletableFuture<RecordResult>> futures = List.of(put("k1"), put("k2", "42"), put("k3"));
        engine.runOnce();
        client.failHeldListShards(ScriptedKinesisClient.serviceError("AccessDeniedException", "no ListShards", 400));
        ticker.advance(Duration.ofMillis(99));
        engine.runOnce();
        assertThat(engine.shardMap(STREAM).lastError()).contains("AccessDeniedException");
        assertThat(client.putRecordsRequests()).isEmpty();

        ticker.advance(Duration.ofMillis(1));
        engine.runOnce();
        assertSentRawWithoutPrediction(futures);
    }

    private void assertSentRawWithoutPrediction(List<CompletableFuture<RecordResult>> futures) {
        List<PutRecordsRequest> requests = client.putRecordsRequests();
        assertThat(requests).hasSize(1);
        assertThat(partitionKeys(requests.get(0))).containsExactly("k1", "k2", "k3");
        assertThat(requests.get(0).records()).extracting(PutRecordsRequestEntry::explicitHashKey)
                .containsExactly(null, "42", null);
        assertThat(requests.get(0).records())
                .noneMatch(e -> AggregationCodec.isAggregated(e.data().asByteArray()));
        engine.runOnce();
        assertThat(futures).allSatisfy(f -> assertThat(f.getNow(null).successful()).isTrue());
    }

    @Test
    void aSplitFoundThroughAWrongShardIsRetriedOnTheChildren() {
        engine();
        String low = "1";
        String high = Shards.TWO_128.subtract(BigInteger.TWO).toString();
        CompletableFuture<RecordResult> fLow = put("low", low);
        CompletableFuture<RecordResult> fHigh = put("high", high);
        engine.runOnce();
        engine.runOnce();
        assertThat(engine.shardMap(STREAM).predict(HashKey.MIN)).isEqualTo(Shards.id(0));

        // the shard splits after the map was loaded
        List<Shard> split = new ArrayList<>(Shards.even(2, 1));
        split.add(Shards.closed(Shards.id(0), BigInteger.ZERO, Shards.TWO_128.subtract(BigInteger.ONE)));
        client.shards(split);

        runUntil(() -> fLow.isDone() && fHigh.isDone(), Duration.ofMillis(10), 100);
        List<PutRecordsRequest> requests = client.putRecordsRequests();
        assertThat(requests.get(0).records()).as("one aggregate for the old shard").hasSize(1);
        assertThat(requests).hasSize(2);
        assertThat(partitionKeys(requests.get(1))).as("then one raw record per child").containsExactlyInAnyOrder("low",
                "high");

        RecordResult rLow = fLow.join();
        RecordResult rHigh = fHigh.join();
        assertThat(rLow.successful()).isTrue();
        assertThat(rLow.shardId()).isEqualTo(Shards.id(1));
        assertThat(rHigh.shardId()).isEqualTo(Shards.id(2));
        for (RecordResult r : List.of(rLow, rHigh)) {
            assertThat(r.attempts()).extracting(Attempt::errorCode).containsExactly("Wrong Shard", null);
        }
        assertThat(client.listShardsRequests()).as("the map was reloaded once").hasSize(2);
    }

    @Test
    void anAggregateBuiltOnTheRangesOfAStreamSinceReCreatedIsRetriedAsWrongShardNotReportedPut() {
        engine(Config.builder().shardMapRefreshInterval(Duration.ofSeconds(1)));
        String high = Shards.TWO_128.subtract(BigInteger.TWO).toString();
        CompletableFuture<RecordResult> fLow = put("low", "1");
        CompletableFuture<RecordResult> fHigh = put("high", high);
        engine.runOnce();
        engine.runOnce();
        client.holdPutRecords(true);
        ticker.advance(Duration.ofMillis(100));
        engine.runOnce();
        assertThat(client.heldPutRecords()).as("one aggregate predicted on the only shard").hasSize(1);

        // the stream is deleted and re-created with two shards; shardId-000000000000 comes back with half the range
        client.shards(Shards.even(2));
        ticker.advance(Duration.ofSeconds(1));
        engine.runOnce(); // the periodic refresh
        engine.runOnce();
        assertThat(engine.shardMap(STREAM).predict(HashKey.MAX)).isEqualTo(Shards.id(1));
        client.holdPutRecords(false);
        client.releasePutRecords(); // lands on its predicted id, shardId-000000000000

        runUntil(() -> fLow.isDone() && fHigh.isDone(), Duration.ofMillis(10), 100);
        RecordResult rHigh = fHigh.join();
        assertThat(rHigh.attempts()).extracting(Attempt::errorCode).containsExactly("Wrong Shard", null);
        assertThat(rHigh.shardId()).isEqualTo(Shards.id(1));
        RecordResult rLow = fLow.join();
        assertThat(rLow.attempts()).extracting(Attempt::errorCode).containsExactly("Wrong Shard", null);
        assertThat(rLow.shardId()).isEqualTo(Shards.id(0));
        assertThat(engine.outstandingRecords()).isZero();
    }

    // ------------------------------------------------------------------ retries and expiry

    @Test
    void expiryKeepsTheLastRealErrorInTheAttempts() {
        client.putRecordsAnswer(ScriptedKinesisClient.allEntriesFail("InternalFailure", "Internal service failure."));
        engine(Config.builder().recordTtl(Duration.ofSeconds(1)));
        long arrival = ticker.read();
        CompletableFuture<RecordResult> f = put("doomed");
        runUntil(f::isDone, Duration.ofMillis(10), 200);

        RecordResult r = f.join();
        assertThat(r.successful()).isFalse();
        List<Attempt> attempts = r.attempts();
        assertThat(attempts.size()).isGreaterThanOrEqualTo(3);
        Attempt last = attempts.get(attempts.size() - 1);
        assertThat(last.errorCode()).isEqualTo("Expired");
        assertThat(last.errorMessage()).contains("recordTtl").contains("InternalFailure")
                .contains("Internal service failure.");
        assertThat(last.endedAt()).isAfterOrEqualTo(WALL.plusNanos(Duration.ofSeconds(1).toNanos()));
        assertThat(last.endedAt()).isBefore(WALL.plusNanos(Duration.ofMillis(1100).toNanos()));
        assertThat(attempts.subList(0, attempts.size() - 1)).allSatisfy(a -> {
            assertThat(a.errorCode()).isEqualTo("InternalFailure");
            assertThat(a.errorMessage()).isEqualTo("Internal service failure.");
        });
        assertThatThrownBy(r::orThrow).isInstanceOf(dev.aiokpl.RecordFailedException.class)
                .hasMessageContaining("Expired");
    }

    @Test
    void retriedRecordsReEnterAggregation() {
        client.nextPutRecords(ScriptedKinesisClient.allEntriesFail("InternalFailure", "try again"));
        engine();
        CompletableFuture<RecordResult> f1 = put("r1");
        CompletableFuture<RecordResult> f2 = put("r2");
        engine.runOnce();
        engine.runOnce();
        ticker.advance(Duration.ofMillis(100));
        engine.runOnce(); // sent, failed
        engine.runOnce(); // the failure is classified: retry 75 ms later (100 ms × 0.75 jitter)
        assertThat(client.putRecordsRequests()).hasSize(1);
        assertThat(decodedKeys(client.putRecordsRequests().get(0).records().get(0))).containsExactly("r1", "r2");

        ticker.advance(Duration.ofMillis(50));
        CompletableFuture<RecordResult> f3 = put("r3");
        engine.runOnce();
        ticker.advance(Duration.ofMillis(25)); // the retries' time
        engine.runOnce();
        assertThat(client.putRecordsRequests()).as("retries wait for their deadline in the aggregator").hasSize(1);

        runUntil(() -> client.putRecordsRequests().size() == 2, Duration.ofMillis(5), 20);
        PutRecordsRequest second = client.putRecordsRequests().get(1);
        assertThat(second.records()).hasSize(1);
        List<String> keys = decodedKeys(second.records().get(0));
        assertThat(keys).as("the retries joined the open aggregate").startsWith("r3")
                .containsExactlyInAnyOrder("r1", "r2", "r3");

        engine.runOnce();
        assertThat(f1.join().attempts()).extracting(Attempt::errorCode).containsExactly("InternalFailure", null);
        assertThat(f1.join().attempts().get(1).delay()).as("backoff plus time in the aggregator")
                .isEqualTo(Duration.ofMillis(125));
        assertThat(f3.join().attempts()).hasSize(1);
    }

    @Test
    void recordsThatOutliveTheirTtlWhileRateLimitedExpireWithoutAnAttempt() {
        // 10 records/s per shard, one shard, no aggregation: 30 records cannot all go within 1 s
        engine(Config.builder().rateLimit(1).aggregationEnabled(false).recordTtl(Duration.ofSeconds(1)));
        List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            futures.add(put("k" + i));
        }
        runUntil(() -> futures.stream().allMatch(CompletableFuture::isDone), Duration.ofMillis(10), 400);

        List<RecordResult> results = futures.stream().map(CompletableFuture::join).toList();
        List<RecordResult> expired = results.stream().filter(r -> !r.successful()).toList();
        assertThat(results.stream().filter(RecordResult::successful).count()).isBetween(15L, 25L);
        assertThat(expired).isNotEmpty().allSatisfy(r -> {
            assertThat(r.attempts()).hasSize(1);
            assertThat(r.attempts().get(0).errorCode()).isEqualTo("Expired");
            assertThat(r.attempts().get(0).errorMessage()).contains("after 0 attempt(s)");
            assertThat(r.attempts().get(0).endedAt()).isAfterOrEqualTo(WALL.plusSeconds(1));
        });
        assertThat(client.putRecordsEntries()).hasSize(30 - expired.size());
        assertThat(engine.outstandingRecords()).isZero();
    }

    @Test
    void aRawRecordOnAShardTheMapDoesNotKnowSucceedsAtOnceAndTheMapReloads() {
        engine();
        CompletableFuture<RecordResult> f = put("k", "1");
        engine.runOnce();
        engine.runOnce();
        client.shards(Shards.even(2, 1));
        ticker.advance(Duration.ofMillis(100));
        engine.runOnce();
        engine.runOnce();
        RecordResult r = f.getNow(null);
        assertThat(r).isNotNull();
        assertThat(r.successful()).isTrue();
        assertThat(r.shardId()).isEqualTo(Shards.id(1));
        assertThat(r.attempts()).hasSize(1);
        assertThat(client.putRecordsRequests()).as("not sent twice").hasSize(1);
        assertThat(client.listShardsRequests()).hasSize(2);
        engine.runOnce();
        assertThat(engine.shardMap(STREAM).predict(HashKey.MIN)).isEqualTo(Shards.id(1));
    }

    @Test
    void anAggregateOnAShardTheMapCannotLearnIsRetriedAsWrongShardAfterTenSeconds() {
        engine();
        CompletableFuture<RecordResult> f = put("k", "1");
        CompletableFuture<RecordResult> f2 = put("k2", "2");
        engine.runOnce();
        engine.runOnce();
        List<Shard> split = new ArrayList<>(Shards.even(2, 1));
        client.shards(split);
        for (int i = 0; i < 100; i++) {
            client.failNextListShards(ScriptedKinesisClient.serviceError("LimitExceededException", "busy", 400));
        }
        ticker.advance(Duration.ofMillis(100));
        engine.runOnce(); // sent: lands on shard 1, which the map does not know
        engine.runOnce();
        long landed = ticker.read();
        assertThat(f).isNotDone();
        assertThat(engine.shardMap(STREAM).state()).isNotEqualTo(ShardMap.State.READY);

        runUntil(() -> f.isDone() && f2.isDone(), Duration.ofMillis(100), 200);
        assertThat(f2.join().attempts()).extracting(Attempt::errorCode).containsExactly("Wrong Shard", null);
        RecordResult r = f.join();
        assertThat(r.successful()).isTrue();
        assertThat(r.shardId()).isEqualTo(Shards.id(1));
        assertThat(r.attempts()).extracting(Attempt::errorCode).containsExactly("Wrong Shard", null);
        assertThat(r.attempts().get(0).errorMessage()).contains(Shards.id(1));
        assertThat(ticker.read() - landed).as("deferred for ten seconds")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(10).toNanos());
        assertThat(partitionKeys(client.putRecordsRequests().get(1))).as("sent again without prediction, raw")
                .containsExactly("k", "k2");
    }

    @Test
    void aDeferredRecordFailedByCloseSaysWhereItWasWritten() {
        engine();
        CompletableFuture<RecordResult> f = put("k", "1");
        CompletableFuture<RecordResult> f2 = put("k2", "2");
        engine.runOnce();
        engine.runOnce();
        client.shards(new ArrayList<>(Shards.even(2, 1)));
        client.holdListShards(true);
        ticker.advance(Duration.ofMillis(100));
        engine.runOnce(); // sent: lands on shard 1, which the map does not know
        engine.runOnce();
        assertThat(f).isNotDone();
        assertThat(client.putRecordsRequests()).hasSize(1);

        engine.close(Duration.ZERO);

        for (CompletableFuture<RecordResult> each : List.of(f, f2)) {
            RecordResult r = each.join();
            assertThat(r.successful()).isFalse();
            Attempt last = r.attempts().get(r.attempts().size() - 1);
            assertThat(last.errorCode()).isEqualTo("Closed");
            assertThat(last.errorMessage()).contains("written to shard " + Shards.id(1)).contains("sequence number");
        }
    }

    @Test
    void aSuccessEntryWithoutShardIdOrSequenceNumberIsRetriedAndNoRecordOfTheBatchIsStranded() {
        // An emulator, a proxy or a truncated body can answer a "success" that names no shard or no
        // sequence number: the record must be retried, and the records after it still decided.
        client.nextPutRecords(request -> {
            List<PutRecordsResultEntry> entries = new ArrayList<>(client.route(request).records());
            entries.set(1, entries.get(1).toBuilder().sequenceNumber(null).build());
            entries.set(2, entries.get(2).toBuilder().shardId(" ").build());
            return CompletableFuture.completedFuture(PutRecordsResponse.builder().records(entries)
                    .failedRecordCount(0).build());
        });
        engine(Config.builder().aggregationEnabled(false));
        List<CompletableFuture<RecordResult>> futures = List.of(put("m0"), put("m1"), put("m2"), put("m3"));

        runUntil(() -> futures.stream().allMatch(CompletableFuture::isDone), Duration.ofMillis(10), 100);

        List<RecordResult> results = futures.stream().map(CompletableFuture::join).toList();
        assertThat(results).allSatisfy(r -> assertThat(r.successful()).isTrue());
        // the request's entries 1 and 2 were malformed; entries 0 and 3 (after them) succeeded at once
        List<String> sent = partitionKeys(client.putRecordsRequests().get(0));
        assertThat(sent).hasSize(4);
        RecordResult[] byEntry = new RecordResult[4];
        for (int i = 0; i < 4; i++) {
            byEntry[i] = results.get(List.of("m0", "m1", "m2", "m3").indexOf(sent.get(i)));
        }
        assertThat(byEntry[0].attempts()).hasSize(1);
        assertThat(byEntry[3].attempts()).as("decided although an earlier entry was malformed").hasSize(1);
        assertThat(byEntry[1].attempts()).extracting(Attempt::errorCode).containsExactly("MalformedResponse", null);
        assertThat(byEntry[1].attempts().get(0).errorMessage()).contains("without SequenceNumber");
        assertThat(byEntry[2].attempts()).extracting(Attempt::errorCode).containsExactly("MalformedResponse", null);
        assertThat(byEntry[2].attempts().get(0).errorMessage()).contains("without ShardId");
        assertThat(engine.outstandingRecords()).isZero();
        assertThat(engine.outstandingBytes()).isZero();
    }

    @Test
    void aDeferredAggregateWaitsForAMapLoadedAfterItsRequestStartedNotJustANewerVersion() {
        engine(Config.builder().shardMapRefreshInterval(Duration.ofSeconds(1))
                .recordMaxBufferedTime(Duration.ofSeconds(2)));
        CompletableFuture<RecordResult> f1 = put("k1", "1");
        CompletableFuture<RecordResult> f2 = put("k2", "2");
        engine.runOnce();
        engine.runOnce();
        assertThat(engine.shardMap(STREAM).state()).isEqualTo(ShardMap.State.READY);

        // t1: the periodic refresh starts; its listing is read before the split below
        CompletableFuture<software.amazon.awssdk.services.kinesis.model.ListShardsResponse> refresh =
                new CompletableFuture<>();
        client.nextListShards(request -> refresh);
        ticker.advance(Duration.ofSeconds(1));
        engine.runOnce();
        assertThat(engine.shardMap(STREAM).loading()).isTrue();

        // t2 > t1: the aggregate goes out, predicted on shard 0
        client.holdPutRecords(true);
        ticker.advance(Duration.ofSeconds(1));
        engine.runOnce();
        assertThat(client.heldPutRecords()).hasSize(1);

        // shard 0 splits; the aggregate lands on child shard 1, which no map knows yet
        List<Shard> split = new ArrayList<>(Shards.even(2, 1));
        split.add(Shards.closed(Shards.id(0), BigInteger.ZERO, Shards.TWO_128.subtract(BigInteger.ONE)));
        client.shards(split);
        client.holdPutRecords(false);
        client.releasePutRecords();
        engine.runOnce();
        assertThat(f1).as("deferred until the map knows shard 1").isNotDone();

        // the refresh that started before the request answers: a newer version, but without shard 1
        client.holdListShards(true); // the reload the evidence asked for, started once the refresh is in
        refresh.complete(software.amazon.awssdk.services.kinesis.model.ListShardsResponse.builder()
                .shards(Shards.even(1)).build());
        engine.runOnce();
        ticker.advance(Duration.ofMillis(10));
        engine.runOnce();
        assertThat(client.heldListShards()).isEqualTo(1);
        client.holdListShards(false);
        client.releaseListShards();
        runUntil(() -> f1.isDone() && f2.isDone(), Duration.ofMillis(100), 100);

        for (RecordResult r : List.of(f1.join(), f2.join())) {
            assertThat(r.attempts()).as("a success on the child, not a Wrong Shard retry").hasSize(1);
            assertThat(r.shardId()).isEqualTo(Shards.id(1));
        }
        assertThat(client.putRecordsRequests()).as("no duplicate in the stream").hasSize(1);
        assertThat(engine.outstandingRecords()).isZero();
    }

    // ------------------------------------------------------------------ flush

    @Test
    void flushSendsAtOnceAndCompletesOnlyAfterEveryEarlierRecord() {
        client.holdPutRecords(true);
        engine();
        CompletableFuture<RecordResult> f1 = put("f1");
        CompletableFuture<RecordResult> f2 = put("f2");
        engine.runOnce();
        engine.runOnce();

        CompletableFuture<Void> flushed = engine.flush();
        engine.runOnce();
        assertThat(client.heldPutRecords()).as("sent without waiting for the deadline").hasSize(1);
        assertThat(flushed).isNotDone();

        CompletableFuture<RecordResult> f3 = put("f3");
        engine.runOnce();
        AtomicReference<List<Boolean>> doneWhenFlushed = new AtomicReference<>();
        flushed.thenRun(() -> doneWhenFlushed.set(List.of(f1.isDone(), f2.isDone(), f3.isDone())));

        client.releasePutRecords();
        engine.runOnce();
        assertThat(flushed).isDone();
        assertThat(doneWhenFlushed.get()).containsExactly(true, true, false);
        assertThat(f3).as("accepted after the flush: not waited for").isNotDone();
        assertThat(engine.outstandingRecords()).isEqualTo(1);
    }

    @Test
    void flushWithNothingOutstandingCompletesAtOnce() {
        engine();
        assertThat(engine.flush()).isDone();
    }

    @Test
    void outstandingCountsAndTheOldestAgeFollowTheRecords() {
        client.holdPutRecords(true);
        engine();
        assertThat(engine.oldestRecordAge()).isEqualTo(Duration.ZERO);
        put("a");
        ticker.advance(Duration.ofMillis(30));
        put("bb");
        assertThat(engine.outstandingRecords()).isEqualTo(2);
        assertThat(engine.outstandingBytes()).isEqualTo(1 + "data of a".length() + 2 + "data of bb".length());
        assertThat(engine.oldestRecordAge()).isEqualTo(Duration.ofMillis(30));
        engine.runOnce();
        ticker.advance(Duration.ofMillis(20));
        assertThat(engine.oldestRecordAge()).isEqualTo(Duration.ofMillis(50));
        runUntil(() -> !client.heldPutRecords().isEmpty(), Duration.ofMillis(10), 20);
        client.releasePutRecords();
        engine.runOnce();
        assertThat(engine.outstandingRecords()).isZero();
        assertThat(engine.outstandingBytes()).isZero();
        assertThat(engine.oldestRecordAge()).isEqualTo(Duration.ZERO);
    }

    // ------------------------------------------------------------------ backpressure

    @Test
    void aFullProducerWithNothingInFlightSendsWithoutWaitingForTheDeadline() {
        engine(Config.builder().maxOutstandingRecords(3));
        List<CompletableFuture<RecordResult>> futures = List.of(put("s1"), put("s2"), put("s3"));
        engine.runOnce(); // loads the map; the records wait for it
        engine.runOnce();
        assertThat(client.putRecordsRequests()).as("sent before any deadline: nothing else can arrive").hasSize(1);
        assertThat(decodedKeys(client.putRecordsRequests().get(0).records().get(0))).containsExactly("s1", "s2", "s3");
        engine.runOnce();
        assertThat(futures).allSatisfy(f -> assertThat(f.getNow(null).successful()).isTrue());
    }

    @Test
    void aProducerWithRoomLeftWaitsForTheDeadline() {
        engine(Config.builder().maxOutstandingRecords(4));
        put("w1");
        put("w2");
        put("w3");
        engine.runOnce();
        engine.runOnce();
        assertThat(client.putRecordsRequests()).as("room for more: aggregating until the deadline").isEmpty();
        long start = ticker.read();
        runUntil(() -> !client.putRecordsRequests().isEmpty(), Duration.ofMillis(10), 12);
        assertThat(ticker.read() - start).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
    }

    @Test
    void aRefusedRecordSendsWhatIsBufferedEvenBelowTheRecordLimit() {
        engine(Config.builder().maxOutstandingRecords(100).maxOutstandingBytes(1 << 20).maxBlockTime(Duration.ZERO)
                .aggregationMaxSize(1 << 20));
        byte[] big = new byte[600_000];
        CompletableFuture<RecordResult> first = engine.put(STREAM, "r1", null, HashKey.ofPartitionKey("r1"), big,
                2 + big.length);
        engine.runOnce();
        engine.runOnce();
        assertThat(client.putRecordsRequests()).isEmpty();
        assertThatThrownBy(() -> engine.put(STREAM, "r2", null, HashKey.ofPartitionKey("r2"), big, 2 + big.length))
                .isInstanceOf(ProducerFullException.class);
        engine.runOnce();
        assertThat(client.putRecordsRequests()).as("a caller was refused: send rather than wait").hasSize(1);
        engine.runOnce();
        assertThat(first.getNow(null).successful()).isTrue();
    }

    @Test
    void aRecordThatOutlivesItsTtlWaitingForAConnectionExpiresUnsent() {
        client.holdPutRecords(true);
        engine(Config.builder().maxConnections(1).recordTtl(Duration.ofSeconds(2)));
        CompletableFuture<RecordResult> first = put("first");
        runUntil(() -> client.heldPutRecords().size() == 1, Duration.ofMillis(50), 10);
        CompletableFuture<RecordResult> waiting = put("waiting");
        runUntil(() -> engine.inFlightRequests() == 1 && engine.readyRecords() == 1, Duration.ofMillis(50), 10);

        ticker.advance(Duration.ofSeconds(3));
        client.releasePutRecords();
        engine.runOnce();
        engine.runOnce();

        assertThat(first.getNow(null).successful()).isTrue();
        RecordResult expired = waiting.getNow(null);
        assertThat(expired).as("failed without being sent").isNotNull();
        assertThat(expired.successful()).isFalse();
        assertThat(expired.attempts()).extracting(Attempt::errorCode).containsExactly(Engine.EXPIRED);
        assertThat(client.putRecordsEntries()).as("only the first record was ever sent").hasSize(1);
        assertThat(engine.outstandingRecords()).isZero();
    }

    @Test
    void aFullProducerWithZeroBlockTimeRejectsAtOnceAndAcceptsNothing() {
        engine(Config.builder().maxOutstandingRecords(1).maxBlockTime(Duration.ZERO));
        CompletableFuture<RecordResult> accepted = put("first");
        assertThatThrownBy(() -> put("second")).isInstanceOf(ProducerFullException.class)
                .hasMessageContaining("maxOutstandingRecords=1");
        assertThat(engine.outstandingRecords()).isEqualTo(1);
        runUntil(accepted::isDone, Duration.ofMillis(10), 30);
        assertThat(client.putRecordsEntries()).hasSize(1);
        assertThat(engine.outstandingRecords()).isZero();
        assertThat(put("third")).isNotNull();
    }

    @Test
    void putAfterCloseIsRefused() {
        engine();
        engine.close(Duration.ZERO);
        assertThat(engine.isClosed()).isTrue();
        assertThatThrownBy(() -> put("late")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(engine.outstandingRecords()).isZero();
    }
}
