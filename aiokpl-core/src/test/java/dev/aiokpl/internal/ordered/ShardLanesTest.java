package dev.aiokpl.internal.ordered;

import static dev.aiokpl.internal.testing.TestRecords.STREAM;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.internal.collector.PutBatch;
import dev.aiokpl.internal.hash.HashKey;
import dev.aiokpl.internal.limiter.Limiter;
import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.record.PendingRecord;
import dev.aiokpl.internal.shardmap.ShardMap;
import dev.aiokpl.internal.testing.ManualTicker;
import dev.aiokpl.internal.testing.ScriptedListShards;
import dev.aiokpl.internal.testing.Shards;
import dev.aiokpl.internal.testing.TestRecords;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.Shard;

/** Ordered delivery's lanes on a manual clock, with a scripted shard map. */
class ShardLanesTest {

    private static final long MS = 1_000_000L;
    /** In the lower half of the hash key space: shard 0 of 2, shard 1 of a split of shard 0. */
    private static final HashKey LOW = HashKey.of(0, 5);
    /** In the upper half: shard 1 of 2. */
    private static final HashKey HIGH = HashKey.of(-1L, 5);

    private final ManualTicker ticker = new ManualTicker();
    private final Queue<Runnable> events = new ArrayDeque<>();
    private final ScriptedListShards listShards = new ScriptedListShards();
    private final ShardMap map = new ShardMap(STREAM, listShards, ticker, Duration.ofMinutes(5), events::add, () -> { });
    private long seq;

    private ShardLanes lanes(long rateLimitPercent, int dueBytes) {
        return new ShardLanes(STREAM, map, new Limiter(rateLimitPercent), true, Long.MAX_VALUE, dueBytes);
    }

    private void load(List<Shard> shards) {
        if (listShards.calls() == 0) {
            map.start();
        } else {
            map.invalidate(ticker.read());
        }
        listShards.answer(shards);
        events.poll().run();
    }

    /** A record put now, due at once. */
    private PendingRecord record(HashKey key) {
        PendingRecord r = TestRecords.pendingAt(key, ticker.read());
        r.seq = ++seq;
        r.deadlineNanos = ticker.read();
        return r;
    }

    private void add(ShardLanes lanes, PendingRecord r) {
        lanes.add(r, map.predict(r.hashHi, r.hashLo));
    }

    private PutBatch take(ShardLanes lanes) {
        return lanes.take(500, 5L << 20, ticker.read(), false);
    }

    @Test
    void aShardSendsItsNextRecordOnlyOnceTheOneInFlightIsDecided() {
        load(Shards.even(2));
        ShardLanes lanes = lanes(100, 51_200);
        PendingRecord a = record(LOW);
        PendingRecord b = record(HIGH);
        add(lanes, a);
        add(lanes, b);
        PutBatch first = take(lanes);
        assertThat(first.records()).hasSize(2).as("one Kinesis record per shard")
                .extracting(KinesisRecord::predictedShard).containsExactlyInAnyOrder(Shards.id(0), Shards.id(1));

        PendingRecord c = record(LOW);
        add(lanes, c);
        assertThat(take(lanes)).as("shard 0 has a record in flight").isNull();
        assertThat(lanes.nextWakeNanos(ticker.read())).as("a response wakes the pipeline").isEqualTo(Long.MAX_VALUE);

        for (KinesisRecord kr : first.records()) {
            lanes.released(kr);
        }
        assertThat(take(lanes).records()).singleElement().satisfies(kr -> assertThat(kr.records()).containsExactly(c));
    }

    @Test
    void whatWaitsBehindARecordInFlightGoesAsOneAggregateBeyondAggregationMaxSize() {
        load(Shards.even(1));
        ShardLanes lanes = lanes(100, 1_000);
        add(lanes, record(LOW));
        PutBatch first = take(lanes);
        List<PendingRecord> waiting = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            PendingRecord r = record(LOW);
            waiting.add(r);
            add(lanes, r);
        }
        lanes.released(first.records().get(0));

        KinesisRecord kr = take(lanes).records().get(0);

        assertThat(kr.records()).as("in put order").containsExactlyElementsOf(waiting);
        assertThat(kr.size()).isGreaterThan(1_000).isLessThanOrEqualTo(ShardLanes.SEND_AGGREGATE_BYTES);
    }

    @Test
    void aRecordToRetryGoesBeforeEveryLaterRecordOfItsShardAfterItsBackoff() {
        load(Shards.even(1));
        ShardLanes lanes = lanes(100, 51_200);
        PendingRecord first = record(LOW);
        add(lanes, first);
        PutBatch sent = take(lanes);
        PendingRecord later = record(LOW);
        add(lanes, later);

        first.notBeforeNanos = ticker.read() + 100 * MS;
        lanes.requeue(first);
        lanes.released(sent.records().get(0));

        assertThat(take(lanes)).as("the lane waits for its head's backoff").isNull();
        assertThat(lanes.nextWakeNanos(ticker.read())).isEqualTo(first.notBeforeNanos);
        ticker.advance(Duration.ofMillis(100));
        assertThat(take(lanes).records().get(0).records()).containsExactly(first, later);
    }

    @Test
    void afterASplitTheChildrenWaitForTheParentsRecordsInFlight() {
        load(Shards.even(1));
        ShardLanes lanes = lanes(100, 51_200);
        add(lanes, record(LOW));
        PutBatch parent = take(lanes);
        assertThat(parent.records().get(0).predictedShard()).isEqualTo(Shards.id(0));

        load(Shards.even(2, 1)); // shard 0 split into shards 1 and 2
        PendingRecord child = record(LOW);
        add(lanes, child);
        assertThat(map.predict(child.hashHi, child.hashLo)).isEqualTo(Shards.id(1));
        assertThat(take(lanes)).as("shard 1 waits for shard 0's record in flight").isNull();

        lanes.released(parent.records().get(0));
        assertThat(take(lanes).records().get(0).records()).containsExactly(child);
    }

    @Test
    void recordsWaitingForAClosedShardMoveToTheShardNowHoldingThemAheadOfLaterOnes() {
        load(Shards.even(1));
        ShardLanes lanes = lanes(100, 51_200);
        add(lanes, record(LOW));
        PutBatch inFlight = take(lanes);
        PendingRecord waiting = record(LOW); // queued for shard 0, behind the record in flight
        add(lanes, waiting);

        load(Shards.even(2, 1));
        PendingRecord later = record(LOW);
        add(lanes, later);
        lanes.released(inFlight.records().get(0));

        assertThat(take(lanes).records().get(0).records()).containsExactly(waiting, later);
    }

    @Test
    void recordsWithoutAPredictionGoOneAtATimeAndPredictedOnesWaitForThem() {
        ShardLanes lanes = lanes(100, 51_200);
        PendingRecord a = record(LOW);
        PendingRecord b = record(LOW);
        lanes.add(a, null);
        lanes.add(b, null);
        PutBatch first = take(lanes);
        assertThat(first.records()).singleElement().satisfies(kr -> assertThat(kr.records()).containsExactly(a));
        assertThat(take(lanes)).isNull();

        load(Shards.even(1)); // b moves to shard 0's lane; it waits for a, sent without a prediction
        assertThat(take(lanes)).isNull();
        lanes.released(first.records().get(0));
        assertThat(take(lanes).records().get(0).records()).containsExactly(b);
    }

    @Test
    void aLaneIsDueAtItsEarliestDeadlineOrOnceItHoldsAnAggregatesWorth() {
        load(Shards.even(1));
        ShardLanes lanes = lanes(100, 300);
        PendingRecord r = record(LOW);
        r.deadlineNanos = ticker.read() + 100 * MS;
        add(lanes, r);
        assertThat(take(lanes)).isNull();
        assertThat(lanes.nextWakeNanos(ticker.read())).isEqualTo(r.deadlineNanos);
        assertThat(lanes.take(500, 5L << 20, ticker.read(), true)).as("a flush sends it").isNotNull();
    }

    @Test
    void aShardOverItsRateWaitsForTokens() {
        load(Shards.even(1));
        ShardLanes lanes = lanes(1, 51_200); // 1 % of 1000 records/s: 10 tokens
        for (int i = 0; i < 10; i++) {
            add(lanes, record(LOW));
            lanes.released(take(lanes).records().get(0));
        }
        add(lanes, record(LOW));
        assertThat(take(lanes)).isNull();
        long wake = lanes.nextWakeNanos(ticker.read());
        assertThat(wake).isGreaterThan(ticker.read());
        ticker.advanceTo(wake);
        assertThat(take(lanes)).isNotNull();
    }

    @Test
    void expiryTakesTheOldRecordsAtTheHeadOfEachLane() {
        load(Shards.even(1));
        ShardLanes lanes = lanes(100, 51_200);
        PendingRecord old = record(LOW);
        add(lanes, old);
        ticker.advance(Duration.ofSeconds(10));
        PendingRecord young = record(LOW);
        add(lanes, young);
        List<PendingRecord> expired = new ArrayList<>();

        lanes.expire(ticker.read() - Duration.ofSeconds(5).toNanos(), expired::add);

        assertThat(expired).containsExactly(old);
        assertThat(lanes.queued()).isEqualTo(1);
        assertThat(lanes.drainAll()).containsExactly(young);
    }

    @Test
    void aRequestKeepsToTheBytesItIsAskedFor() {
        load(Shards.even(2));
        ShardLanes lanes = lanes(100, 51_200);
        PendingRecord low = record(LOW);
        PendingRecord high = record(HIGH);
        add(lanes, low);
        add(lanes, high);
        PutBatch one = lanes.take(500, low.size, ticker.read(), false);
        assertThat(one.records()).hasSize(1);
        assertThat(lanes.take(500, 5L << 20, ticker.read(), false).records()).hasSize(1);
    }
}
