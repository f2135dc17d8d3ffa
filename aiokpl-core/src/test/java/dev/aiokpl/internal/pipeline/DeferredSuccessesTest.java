package dev.aiokpl.internal.pipeline;

import static dev.aiokpl.internal.testing.TestRecords.STREAM;
import static dev.aiokpl.internal.testing.TestRecords.kinesisRecord;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.shardmap.ShardMap;
import dev.aiokpl.internal.testing.ManualTicker;
import dev.aiokpl.internal.testing.ScriptedListShards;
import dev.aiokpl.internal.testing.Shards;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.Test;

/**
 * A success on a shard the map did not know waits for a map whose ListShards started at or after its
 * request, or until it gives up (10 s after the answer, or its oldest record's TTL): on a manual clock.
 */
class DeferredSuccessesTest {

    private static final long TTL = Duration.ofSeconds(30).toNanos();

    private final ManualTicker ticker = new ManualTicker();
    private final Queue<Runnable> events = new ArrayDeque<>();
    private final ScriptedListShards listShards = new ScriptedListShards();
    private final ShardMap map = new ShardMap(STREAM, listShards, ticker, Duration.ofMinutes(5), events::add, () -> { });
    private final DeferredSuccesses deferred = new DeferredSuccesses();
    private final List<DeferredSuccesses.Deferred> resolved = new ArrayList<>();

    private void load() {
        if (listShards.calls() == 0) {
            map.start();
        } else {
            map.invalidate(ticker.read());
        }
        listShards.answer(Shards.even(2, 1));
        events.poll().run();
    }

    @Test
    void onlyAMapLoadedAfterTheRequestStartedResolvesIt() {
        load();
        long requestStart = ticker.advance(Duration.ofMillis(10));
        KinesisRecord kr = kinesisRecord(Shards.id(0), 100, 0, ticker.read());
        long answer = ticker.advance(Duration.ofMillis(20));
        deferred.add(kr, Shards.id(3), "49", requestStart, answer, TTL);

        deferred.resolve(map, ticker.read(), resolved::add);
        assertThat(resolved).as("the map is older than the request").isEmpty();
        assertThat(deferred.nextWakeNanos()).isEqualTo(answer + DeferredSuccesses.GIVE_UP_NANOS);

        load();
        deferred.resolve(map, ticker.read(), resolved::add);
        assertThat(resolved).singleElement().satisfies(d -> {
            assertThat(d.kr()).isSameAs(kr);
            assertThat(d.shardId()).isEqualTo(Shards.id(3));
            assertThat(d.sequenceNumber()).isEqualTo("49");
        });
        assertThat(deferred.nextWakeNanos()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void itGivesUpWaitingAtItsOldestRecordsTtlIfThatComesFirst() {
        long arrival = ticker.read();
        ticker.advance(Duration.ofSeconds(25));
        KinesisRecord kr = kinesisRecord(Shards.id(0), 100, 0, arrival);
        deferred.add(kr, Shards.id(3), "1", ticker.read(), ticker.read(), TTL);
        assertThat(deferred.nextWakeNanos()).isEqualTo(arrival + TTL);

        deferred.resolve(map, arrival + TTL - 1, resolved::add);
        assertThat(resolved).isEmpty();
        deferred.resolve(map, arrival + TTL, resolved::add);
        assertThat(resolved).hasSize(1);
    }

    @Test
    void drainReturnsWhatWaits() {
        KinesisRecord kr = kinesisRecord(Shards.id(0), 100, 0, ticker.read());
        deferred.add(kr, Shards.id(3), "1", ticker.read(), ticker.read(), TTL);
        assertThat(deferred.drain()).extracting(DeferredSuccesses.Deferred::kr).containsExactly(kr);
        assertThat(deferred.drain()).isEmpty();
    }
}
