package dev.aiokpl.internal.shardmap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.internal.hash.HashKey;
import dev.aiokpl.internal.shardmap.ShardMap.ShardRange;
import dev.aiokpl.internal.shardmap.ShardMap.State;
import dev.aiokpl.internal.testing.ManualTicker;
import dev.aiokpl.internal.testing.ScriptedKinesisClient;
import dev.aiokpl.internal.testing.Shards;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;

class ShardMapTest {

    private static final String STREAM = "orders";
    private static final BigInteger MAX = Shards.TWO_128.subtract(BigInteger.ONE);

    private final ManualTicker ticker = new ManualTicker();
    private final ScriptedKinesisClient client = new ScriptedKinesisClient(Shards.even(4));
    /** Stands in for the pipeline thread: load completions wait here until {@link #runPipeline()}. */
    private final Queue<Runnable> pipeline = new ArrayDeque<>();
    private final Executor pipelineExecutor = pipeline::add;
    private int updates;

    private ShardMap map(Duration refresh) {
        return new ShardMap(STREAM, client::listShards, ticker, refresh, pipelineExecutor, () -> updates++);
    }

    private ShardMap map() {
        return map(Duration.ofMinutes(5));
    }

    private void runPipeline() {
        Runnable r;
        while ((r = pipeline.poll()) != null) {
            r.run();
        }
    }

    private ShardMap loaded(List<Shard> shards) {
        client.shards(shards);
        ShardMap m = map();
        m.start();
        runPipeline();
        assertThat(m.state()).isEqualTo(State.READY);
        return m;
    }

    @Test
    void loadsEveryPageAndSendsTheStreamAndFilterOnlyOnTheFirst() {
        client.shards(Shards.even(7)).pageSize(3);
        ShardMap m = map();
        m.start();
        runPipeline();

        List<ListShardsRequest> requests = client.listShardsRequests();
        assertThat(requests).hasSize(3);
        ListShardsRequest first = requests.get(0);
        assertThat(first.streamName()).isEqualTo(STREAM);
        assertThat(first.shardFilter().type()).isEqualTo(ShardFilterType.AT_LATEST);
        assertThat(first.nextToken()).isNull();
        for (ListShardsRequest next : requests.subList(1, 3)) {
            assertThat(next.nextToken()).isNotNull();
            assertThat(next.streamName()).isNull();
            assertThat(next.shardFilter()).isNull();
        }
        assertThat(client.protocolViolations()).isEmpty();
        assertThat(m.state()).isEqualTo(State.READY);
        assertThat(m.shards()).extracting(ShardRange::shardId)
                .containsExactlyElementsOf(Shards.even(7).stream().map(Shard::shardId).toList());
        assertThat(m.version()).isEqualTo(1);
        assertThat(updates).isEqualTo(1);
    }

    @Test
    void ignoresClosedShards() {
        List<Shard> shards = new ArrayList<>(Shards.even(2, 1));
        shards.add(Shards.closed(Shards.id(0), BigInteger.ZERO, MAX)); // the parent of 1 and 2
        ShardMap m = loaded(shards);
        assertThat(m.shards()).extracting(ShardRange::shardId).containsExactly(Shards.id(1), Shards.id(2));
        assertThat(m.shard(Shards.id(0))).isNull();
        assertThat(m.predict(HashKey.MIN)).isEqualTo(Shards.id(1));
        assertThat(m.predict(HashKey.MAX)).isEqualTo(Shards.id(2));
    }

    @Test
    void ordersShardsByEndingHashKeyAndPredictsEveryBoundary() {
        List<Shard> shards = new ArrayList<>(Shards.even(8));
        Collections.reverse(shards);
        Collections.swap(shards, 2, 5);
        ShardMap m = loaded(shards);

        List<ShardRange> ranges = m.shards();
        assertThat(ranges).extracting(ShardRange::end).isSorted();
        assertThat(ranges).hasSize(8);
        for (Shard s : shards) {
            HashKey start = Shards.start(s);
            HashKey end = Shards.end(s);
            assertThat(m.predict(start)).as("start of %s", s.shardId()).isEqualTo(s.shardId());
            assertThat(m.predict(end)).as("end of %s", s.shardId()).isEqualTo(s.shardId());
            assertThat(m.shard(s.shardId())).isEqualTo(new ShardRange(s.shardId(), start, end));
        }
        assertThat(m.predict(HashKey.MIN)).isEqualTo(Shards.id(0));
        assertThat(m.predict(HashKey.MAX)).isEqualTo(Shards.id(7));
    }

    @Test
    void predictsNothingInAGapOrForAnEmptyStream() {
        ShardMap m = loaded(List.of(
                Shards.open("low", BigInteger.ZERO, BigInteger.valueOf(99)),
                Shards.open("high", BigInteger.valueOf(200), MAX)));
        assertThat(m.predict(HashKey.of(0, 99))).isEqualTo("low");
        assertThat(m.predict(HashKey.of(0, 100))).isNull();
        assertThat(m.predict(HashKey.of(0, 199))).isNull();
        assertThat(m.predict(HashKey.of(0, 200))).isEqualTo("high");

        ShardMap empty = loaded(List.of());
        assertThat(empty.predict(HashKey.MIN)).isNull();
    }

    @Test
    void goesFromInvalidThroughUpdatingToReady() {
        client.holdListShards(true);
        ShardMap m = map();
        assertThat(m.state()).isEqualTo(State.INVALID);
        assertThat(m.predict(HashKey.MIN)).isNull();

        m.start();
        assertThat(m.state()).isEqualTo(State.UPDATING);
        assertThat(m.predict(HashKey.MIN)).isNull();
        assertThat(m.nextWakeNanos()).as("nothing to do while loading").isEqualTo(Long.MAX_VALUE);

        client.releaseListShards();
        assertThat(m.state()).as("the completion is applied on the pipeline thread").isEqualTo(State.UPDATING);
        runPipeline();
        assertThat(m.state()).isEqualTo(State.READY);
        assertThat(m.predict(HashKey.MIN)).isEqualTo(Shards.id(0));
        assertThat(m.lastError()).isNull();
    }

    @Test
    void invalidateReloadsOnlyForEvidenceNewerThanTheMap() {
        ShardMap m = map();
        long mapStart = ticker.read();
        m.start();
        runPipeline();
        ticker.advance(Duration.ofSeconds(1));

        assertThat(m.invalidate(mapStart - 1)).as("a request older than the map").isFalse();
        assertThat(client.listShardsRequests()).hasSize(1);
        assertThat(m.state()).isEqualTo(State.READY);

        assertThat(m.invalidate(mapStart + 1)).isTrue();
        assertThat(client.listShardsRequests()).hasSize(2);
        runPipeline();
        assertThat(m.state()).isEqualTo(State.READY);
        assertThat(m.version()).isEqualTo(2);

        long secondMapStart = ticker.read();
        assertThat(m.mapTimeNanos()).as("the start of the load that produced the map").isEqualTo(secondMapStart);
        assertThat(m.invalidate(mapStart + 1)).as("now older than the reloaded map").isFalse();
        assertThat(m.invalidate(secondMapStart)).isTrue();
    }

    @Test
    void invalidateMakesTheMapUnusableUntilTheReloadArrives() {
        ShardMap m = map();
        m.start();
        runPipeline();
        client.holdListShards(true);
        assertThat(m.invalidate(ticker.read())).isTrue();
        assertThat(m.state()).isEqualTo(State.UPDATING);
        assertThat(m.predict(HashKey.MIN)).isNull();
        client.releaseListShards();
        runPipeline();
        assertThat(m.state()).isEqualTo(State.READY);
    }

    @Test
    void invalidateDuringALoadQueuesExactlyOneReload() {
        client.holdListShards(true);
        ShardMap m = map();
        long loadStart = ticker.read();
        m.start();
        ticker.advance(Duration.ofMillis(10));

        assertThat(m.invalidate(loadStart - 1)).as("older than the load in progress").isFalse();
        assertThat(m.invalidate(loadStart + 1)).isTrue();
        assertThat(m.invalidate(loadStart + 2)).isTrue();
        assertThat(client.listShardsRequests()).as("no second request while one is in flight").hasSize(1);

        client.releaseListShards();
        runPipeline();
        assertThat(client.listShardsRequests()).as("one reload follows").hasSize(2);
        assertThat(m.loading()).isTrue();
        assertThat(m.state()).as("the map just loaded is used meanwhile").isEqualTo(State.READY);
        assertThat(m.predict(HashKey.MIN)).isEqualTo(Shards.id(0));
        assertThat(m.version()).isEqualTo(1);

        client.releaseListShards();
        runPipeline();
        assertThat(m.state()).isEqualTo(State.READY);
        assertThat(m.loading()).isFalse();
        assertThat(client.listShardsRequests()).hasSize(2);
        assertThat(m.version()).isEqualTo(2);
    }

    @Test
    void periodicRefreshKeepsTheOldMapInUseUntilTheNewOneArrives() {
        ShardMap m = map(Duration.ofMinutes(5));
        m.start();
        runPipeline();
        long loadedAt = ticker.read();
        assertThat(m.nextWakeNanos()).isEqualTo(loadedAt + Duration.ofMinutes(5).toNanos());

        m.tick(ticker.advance(Duration.ofMinutes(5).minusNanos(1)));
        assertThat(client.listShardsRequests()).hasSize(1);

        // a reshard: shard 0 splits
        client.holdListShards(true);
        List<Shard> resharded = new ArrayList<>(Shards.even(4).subList(1, 4));
        BigInteger end0 = new BigInteger(Shards.even(4).get(0).hashKeyRange().endingHashKey());
        BigInteger mid = end0.shiftRight(1);
        resharded.add(Shards.open("child-low", BigInteger.ZERO, mid));
        resharded.add(Shards.open("child-high", mid.add(BigInteger.ONE), end0));
        client.shards(resharded);

        m.tick(ticker.advanceNanos(1));
        assertThat(client.listShardsRequests()).hasSize(2);
        assertThat(m.state()).isEqualTo(State.READY);
        assertThat(m.predict(HashKey.MIN)).as("the old map meanwhile").isEqualTo(Shards.id(0));

        client.releaseListShards();
        runPipeline();
        assertThat(m.state()).isEqualTo(State.READY);
        assertThat(m.predict(HashKey.MIN)).isEqualTo("child-low");
        assertThat(m.predict(HashKey.parseDecimal(end0.toString()))).isEqualTo("child-high");
        assertThat(m.nextWakeNanos()).isEqualTo(ticker.read() + Duration.ofMinutes(5).toNanos());
    }

    @Test
    void failedLoadsBackOffByHalfAgainUpToThirtySeconds() {
        client.holdListShards(true);
        ShardMap m = map();
        m.start();
        long[] expected = {1_000_000_000L, 1_500_000_000L, 2_250_000_000L, 3_375_000_000L, 5_062_500_000L,
                7_593_750_000L, 11_390_625_000L, 17_085_937_500L, 25_628_906_250L, 30_000_000_000L, 30_000_000_000L};
        for (long delay : expected) {
            client.failHeldListShards(ScriptedKinesisClient.serviceError("LimitExceededException", "slow down", 400));
            runPipeline();
            assertThat(m.state()).isEqualTo(State.INVALID);
            assertThat(m.lastError()).contains("slow down");
            assertThat(m.nextWakeNanos() - ticker.read()).isEqualTo(delay);

            int requests = client.listShardsRequests().size();
            m.tick(ticker.advanceNanos(delay - 1));
            assertThat(client.listShardsRequests()).as("not before the backoff").hasSize(requests);
            m.tick(ticker.advanceNanos(1));
            assertThat(client.listShardsRequests()).hasSize(requests + 1);
            assertThat(m.state()).isEqualTo(State.UPDATING);
        }

        client.releaseListShards();
        runPipeline();
        assertThat(m.state()).isEqualTo(State.READY);
        assertThat(m.lastError()).isNull();

        // the backoff starts again at 1 s after a success
        ticker.advance(Duration.ofMinutes(5));
        m.tick(ticker.read());
        client.failHeldListShards(ScriptedKinesisClient.clientError("connection reset"));
        runPipeline();
        assertThat(m.nextWakeNanos() - ticker.read()).isEqualTo(1_000_000_000L);
    }

    @Test
    void aMissingStreamIsLookedUpAgainOnlyWhileRecordsWaitForIt() {
        ShardMap m = afterAFailedFirstLoad("ResourceNotFoundException", "no such stream");
        assertThat(m.lastError()).contains("ResourceNotFoundException");
        int requests = client.listShardsRequests().size();

        ticker.advance(Duration.ofMinutes(10));
        m.tick(ticker.read(), false);
        assertThat(client.listShardsRequests()).as("nothing waits: no background retries").hasSize(requests);
        assertThat(m.nextWakeNanos(false)).isEqualTo(Long.MAX_VALUE);

        m.tick(ticker.read(), true);
        assertThat(client.listShardsRequests()).as("a record arrived: look again").hasSize(requests + 1);
        client.releaseListShards();
        runPipeline();
        assertThat(m.state()).isEqualTo(State.READY);
        assertThat(m.lastError()).isNull();
    }

    @Test
    void aRetryableFailureIsRetriedEvenWithNothingWaiting() {
        ShardMap m = afterAFailedFirstLoad("LimitExceededException", "slow down");
        int requests = client.listShardsRequests().size();
        assertThat(m.nextWakeNanos(false) - ticker.read()).isEqualTo(1_000_000_000L);
        m.tick(ticker.advanceNanos(1_000_000_000L), false);
        assertThat(client.listShardsRequests()).hasSize(requests + 1);
    }

    @Test
    void evidenceDoesNotBypassTheBackoffAfterAFailedLoad() {
        // Every PutRecords to a deleted stream answers ResourceNotFoundException and reports the map
        // stale: that must not turn into one ListShards per request.
        ShardMap m = afterAFailedFirstLoad("ResourceNotFoundException", "no such stream");
        int requests = client.listShardsRequests().size();
        ticker.advance(Duration.ofMillis(10));
        assertThat(m.invalidate(ticker.read())).isFalse();
        assertThat(m.invalidate(ticker.read())).isFalse();
        assertThat(client.listShardsRequests()).as("the backoff decides when to look again").hasSize(requests);
        m.tick(ticker.advance(Duration.ofSeconds(1)), true);
        assertThat(client.listShardsRequests()).hasSize(requests + 1);
    }

    private ShardMap afterAFailedFirstLoad(String code, String message) {
        client.holdListShards(true);
        ShardMap m = map();
        m.start();
        client.failHeldListShards(ScriptedKinesisClient.serviceError(code, message, 400));
        runPipeline();
        return m;
    }

    @Test
    void aFailedPeriodicRefreshKeepsTheOldMap() {
        ShardMap m = map(Duration.ofSeconds(10));
        m.start();
        runPipeline();
        client.failNextListShards(ScriptedKinesisClient.serviceError("InternalFailure", "oops", 500));
        m.tick(ticker.advance(Duration.ofSeconds(10)));
        runPipeline();
        assertThat(m.state()).isEqualTo(State.READY);
        assertThat(m.predict(HashKey.MIN)).isEqualTo(Shards.id(0));
        assertThat(m.lastError()).contains("InternalFailure");
        assertThat(m.nextWakeNanos() - ticker.read()).isEqualTo(1_000_000_000L);
    }

    @Test
    void aFailureOnALaterPageFailsTheWholeLoad() {
        client.shards(Shards.even(5)).pageSize(2);
        client.nextListShards(client::listShardsAnswer);
        client.failNextListShards(ScriptedKinesisClient.serviceError("ExpiredNextTokenException", "expired", 400));
        ShardMap m = map();
        m.start();
        runPipeline();
        assertThat(m.state()).isEqualTo(State.INVALID);
        assertThat(m.shards()).isEmpty();
        assertThat(m.lastError()).contains("ExpiredNextTokenException");

        m.tick(ticker.advance(Duration.ofSeconds(1)));
        runPipeline();
        assertThat(m.state()).isEqualTo(State.READY);
        assertThat(m.shards()).hasSize(5);
    }

    @Test
    void aClientThatThrowsInsteadOfFailingTheFutureIsAFailedLoad() {
        ListShards throwing = request -> {
            throw new IllegalStateException("client closed");
        };
        ShardMap m = new ShardMap(STREAM, throwing, ticker, Duration.ofMinutes(5), pipelineExecutor, () -> { });
        m.start();
        runPipeline();
        assertThat(m.state()).isEqualTo(State.INVALID);
        assertThat(m.lastError()).contains("client closed");
    }

    @Test
    void closedShardsAreRememberedForSixtySecondsThenForgotten() {
        ShardMap m = loaded(Shards.even(1));
        ShardRange parent = m.shard(Shards.id(0));
        assertThat(parent).isNotNull();

        List<Shard> children = new ArrayList<>(Shards.even(2, 1));
        children.add(Shards.closed(Shards.id(0), BigInteger.ZERO, MAX));
        client.shards(children);
        m.invalidate(ticker.read());
        runPipeline();
        long reloadedAt = ticker.read();

        assertThat(m.shards()).extracting(ShardRange::shardId).containsExactly(Shards.id(1), Shards.id(2));
        assertThat(m.predict(HashKey.MIN)).isEqualTo(Shards.id(1));
        assertThat(m.shard(Shards.id(0))).as("closed, still known").isEqualTo(parent);

        m.tick(ticker.advanceTo(reloadedAt + Duration.ofSeconds(60).toNanos() - 1));
        assertThat(m.shard(Shards.id(0))).isEqualTo(parent);
        m.tick(ticker.advanceNanos(1));
        assertThat(m.shard(Shards.id(0))).as("forgotten after 60 s").isNull();
        assertThat(m.shard(Shards.id(1))).isNotNull();
    }

    @Test
    void aShardThatReappearsIsOpenAgainAndNotForgotten() {
        ShardMap m = loaded(Shards.even(2));
        client.shards(Shards.even(1, 5));
        m.invalidate(ticker.read());
        runPipeline();
        assertThat(m.shard(Shards.id(0))).isNotNull();

        client.shards(Shards.even(2));
        m.invalidate(ticker.read());
        runPipeline();
        m.tick(ticker.advance(Duration.ofSeconds(61)));
        assertThat(m.shard(Shards.id(0))).isNotNull();
        assertThat(m.shard(Shards.id(5))).as("closed in the last reload, forgotten 60 s later").isNull();
    }
}
