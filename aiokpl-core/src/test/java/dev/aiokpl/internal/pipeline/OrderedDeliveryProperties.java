package dev.aiokpl.internal.pipeline;

import static dev.aiokpl.internal.testing.TestRecords.STREAM;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.RecordResult;
import dev.aiokpl.internal.TimeBase;
import dev.aiokpl.internal.collector.PutBatch;
import dev.aiokpl.internal.hash.HashKey;
import dev.aiokpl.internal.metrics.MetricsRecorder;
import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.record.PendingRecord;
import dev.aiokpl.internal.retry.Backoff;
import dev.aiokpl.internal.retry.Retrier;
import dev.aiokpl.internal.shardmap.ShardMap;
import dev.aiokpl.internal.testing.ManualTicker;
import dev.aiokpl.internal.testing.ScriptedListShards;
import dev.aiokpl.internal.testing.Shards;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Ordered delivery's per-shard send state, driven through one stream's pipeline on a manual clock by
 * a scripted service that answers requests out of order, fails entries partially, throttles, times
 * out whole requests (after writing some of their entries, or none), takes its time, and splits every
 * shard (the producer learns it from where its records land). The property
 * (SPEC §3 "Ordering"): for every partition key, the records confirmed on its shard were written in
 * put order, a record that finally failed leaving only a gap; and every record ends, none lost. A
 * consumer reads a parent shard before its children, so a copy's place is its shard's generation,
 * then the service's write counter; a copy the consumer would drop (an aggregate's record outside the
 * range of the shard it landed on) has no place.
 */
class OrderedDeliveryProperties {

    /** One step of the script: what happens ({@code kind}) with two free parameters. */
    record Step(int kind, int a, int b) {
    }

    @Provide
    Arbitrary<List<Step>> scripts() {
        Arbitrary<Step> step = Combinators.combine(Arbitraries.integers().between(0, 9),
                Arbitraries.integers().between(0, 1_000), Arbitraries.integers().between(0, 1_000)).as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(300);
    }

    @Property(tries = 200)
    void confirmedRecordsOfAKeyWereWrittenInPutOrder(@ForAll("scripts") List<Step> script,
            @ForAll @IntRange(min = 1, max = 4) int shards, @ForAll @IntRange(min = 1, max = 12) int keys,
            @ForAll boolean aggregation) {
        Simulation sim = new Simulation(shards, keys, aggregation);
        for (Step step : script) {
            sim.run(step);
        }
        sim.drain();
        sim.check();
    }

    /** The pipeline of one stream, a service that writes into per-shard logs, and what was put. */
    private static final class Simulation {
        private final ManualTicker ticker = new ManualTicker();
        private final TimeBase time = new TimeBase(ticker, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        private final Queue<Runnable> events = new ArrayDeque<>();
        private final ScriptedListShards listShards = new ScriptedListShards();
        private final ShardMap map = new ShardMap(STREAM, listShards, ticker, Duration.ofMinutes(5), events::add,
                () -> { });
        private final Capacity capacity = new Capacity(1_000_000, 1L << 34, ticker);
        private final FlushTracker flushTracker = new FlushTracker();
        private final Completer completer = new Completer(Runnable::run, flushTracker);
        private final RecordMetrics metrics = new RecordMetrics(MetricsRecorder.NOOP);
        private final RecordCompletion completion = new RecordCompletion(Duration.ofSeconds(30), Duration.ofSeconds(5),
                time, capacity, new ArrivalOrder(), completer, metrics);
        private final StreamPipeline pipeline;
        private final int shards;
        private final int keys;
        private final List<PutBatch> inFlight = new ArrayList<>();
        private final List<Long> sentAt = new ArrayList<>();
        /** Every put record, by key, in put order. */
        private final Map<Integer, List<PendingRecord>> putByKey = new HashMap<>();
        /** The open shards, as the service routes; and each shard's generation (0, then 1 after a split...). */
        private List<Shard> topology;
        private final Map<String, Integer> generation = new HashMap<>();
        private int nextShardId;
        private int splits;
        /** Where each written copy landed: its shard's generation, the service's write counter, the index in its aggregate. */
        private final Map<PendingRecord, long[]> confirmedAt = new HashMap<>();
        private final Map<String, PendingRecord> byData = new HashMap<>();
        private long writes;
        private int puts;

        Simulation(int shards, int keys, boolean aggregation) {
            this.shards = shards;
            this.keys = keys;
            this.pipeline = new StreamPipeline(STREAM, map,
                    new Retrier(false, new Backoff(100_000_000L, 2_000_000_000L, () -> 0.5), time), completion,
                    metrics, aggregation, Integer.MAX_VALUE, 51_200, 150, 500, 5L << 20, 100_000_000L,
                    Duration.ofSeconds(30).toNanos(), true);
            topology = Shards.even(shards);
            for (Shard shard : topology) {
                generation.put(shard.shardId(), 0);
            }
            nextShardId = shards;
            map.start();
            listShards.answer(topology);
            events.poll().run();
        }

        void run(Step step) {
            switch (step.kind()) {
                case 0, 1, 2, 3 -> put(step.a() % keys);
                case 4 -> iterate(step.a() % 150, step.b() % 3 == 0);
                case 5, 6 -> answer(step.a(), step.b());
                case 7 -> timeout(step.a(), step.b());
                case 8 -> iterate(step.a() % 5 == 0 ? 4_000 : 20, false);
                default -> {
                    if (step.a() % 8 == 0 && splits < 2) {
                        split();
                    } else {
                        put(step.a() % keys);
                        put(step.b() % keys);
                    }
                }
            }
        }

        private void put(int key) {
            long hi = Long.divideUnsigned(-1L, keys) * key + 12_345;
            HashKey hash = HashKey.of(hi, 7);
            byte[] data = ("r" + puts++).getBytes(StandardCharsets.UTF_8);
            capacity.acquire(data.length + 8, ticker.read());
            PendingRecord r = new PendingRecord(STREAM, "pk-" + key, hash.toDecimalString(), hash.hi(), hash.lo(), data,
                    data.length + 8, ticker.read(), new CompletableFuture<>(), flushTracker.enter());
            putByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
            byData.put(new String(data, StandardCharsets.UTF_8), r);
            pipeline.admit(r, ticker.read());
        }

        /** The service splits every shard in two; the producer's map reloads on the evidence it sees. */
        private void split() {
            splits++;
            int count = topology.size() * 2;
            int generationNow = splits;
            topology = Shards.even(count, nextShardId);
            nextShardId += count;
            for (Shard shard : topology) {
                generation.put(shard.shardId(), generationNow);
            }
        }

        /** The open shard holding a hash key. */
        private Shard route(String explicitHashKey) {
            BigInteger hash = new BigInteger(explicitHashKey);
            for (Shard shard : topology) {
                if (hash.compareTo(new BigInteger(shard.hashKeyRange().startingHashKey())) >= 0
                        && hash.compareTo(new BigInteger(shard.hashKeyRange().endingHashKey())) <= 0) {
                    return shard;
                }
            }
            throw new AssertionError("no shard holds " + explicitHashKey);
        }

        /** Answers the shard map's ListShards calls with the current topology. */
        private void answerListShards() {
            if (listShards.calls() > answeredListShards) { // the map loads one page at a time
                answeredListShards = listShards.calls();
                listShards.answer(topology);
            }
        }

        private int answeredListShards = 1;

        /** Advances the clock, runs the stages and sends what is ready (a sender with connections to spare). */
        private void iterate(long millis, boolean flush) {
            ticker.advance(Duration.ofMillis(millis));
            answerListShards();
            Runnable ev;
            while ((ev = events.poll()) != null) {
                ev.run();
            }
            pipeline.process(ticker.read(), flush);
            PutBatch next;
            while ((next = pipeline.take(500, 5L << 20)) != null) {
                assertOneRecordPerShard(next);
                inFlight.add(next);
                sentAt.add(ticker.read());
            }
            completer.dispatch();
        }

        private void assertOneRecordPerShard(PutBatch batch) {
            List<String> seen = new ArrayList<>();
            for (KinesisRecord kr : batch.records()) {
                assertThat(seen).as("one Kinesis record per shard per request").doesNotContain(kr.predictedShard());
                seen.add(kr.predictedShard());
            }
        }

        /** Answers request {@code which} (any of those in flight): each entry succeeds, is throttled, or fails. */
        private void answer(int which, int faults) {
            if (inFlight.isEmpty()) {
                return;
            }
            int i = which % inFlight.size();
            PutBatch batch = inFlight.remove(i);
            long start = sentAt.remove(i);
            List<PutRecordsResultEntry> entries = new ArrayList<>();
            for (int e = 0; e < batch.records().size(); e++) {
                KinesisRecord kr = batch.records().get(e);
                int roll = (faults + 37 * e) % 10;
                if (faults % 3 != 0 && roll == 0) {
                    entries.add(failure("ProvisionedThroughputExceededException"));
                } else if (faults % 3 != 0 && roll == 1) {
                    entries.add(failure("InternalFailure"));
                } else {
                    Shard shard = route(kr.explicitHashKey());
                    entries.add(PutRecordsResultEntry.builder().shardId(shard.shardId())
                            .sequenceNumber(Long.toString(write(kr))).build());
                }
            }
            ticker.advance(Duration.ofMillis(1));
            pipeline.onResponse(batch, start, ticker.read(), PutRecordsResponse.builder().records(entries).build(), null);
            completer.dispatch();
        }

        /** Request {@code which} times out; the service wrote some of its entries (per {@code written}'s bits) or none. */
        private void timeout(int which, int written) {
            if (inFlight.isEmpty()) {
                return;
            }
            int i = which % inFlight.size();
            PutBatch batch = inFlight.remove(i);
            long start = sentAt.remove(i);
            for (int e = 0; e < batch.records().size(); e++) {
                if ((written >> (e % 10) & 1) == 1) {
                    write(batch.records().get(e)); // written, but the producer never hears of it
                }
            }
            ticker.advance(Duration.ofMillis(1));
            pipeline.onResponse(batch, start, ticker.read(), null, ApiCallTimeoutException.create(6_000));
            completer.dispatch();
        }

        /**
         * The service writes a Kinesis record on the shard its hash key routes to: each user record's first
         * copy a consumer would keep gets its position.
         */
        private long write(KinesisRecord kr) {
            long at = ++writes;
            Shard shard = route(kr.explicitHashKey());
            BigInteger start = new BigInteger(shard.hashKeyRange().startingHashKey());
            BigInteger end = new BigInteger(shard.hashKeyRange().endingHashKey());
            List<PendingRecord> records = kr.records();
            for (int j = 0; j < records.size(); j++) {
                BigInteger hash = new BigInteger(records.get(j).explicitHashKey);
                if (hash.compareTo(start) >= 0 && hash.compareTo(end) <= 0) {
                    confirmedAt.putIfAbsent(records.get(j), new long[] {generation.get(shard.shardId()), at, j});
                }
            }
            return at;
        }

        private static PutRecordsResultEntry failure(String code) {
            return PutRecordsResultEntry.builder().errorCode(code).errorMessage(code).build();
        }

        /** Answers everything until every record ended (bounded). */
        void drain() {
            for (int round = 0; round < 10_000 && (capacity.records() > 0 || !inFlight.isEmpty()); round++) {
                while (!inFlight.isEmpty()) {
                    answer(0, 0);
                }
                iterate(200, true);
            }
        }

        void check() {
            assertThat(capacity.records()).as("every record ended").isZero();
            for (Map.Entry<Integer, List<PendingRecord>> e : putByKey.entrySet()) {
                long[] last = null;
                PendingRecord lastRecord = null;
                for (PendingRecord r : e.getValue()) {
                    RecordResult result = r.future.getNow(null);
                    assertThat(result).as("record %s ended", r.partitionKey).isNotNull();
                    if (!result.successful()) {
                        continue; // a final failure leaves a gap
                    }
                    long[] at = confirmedAt.get(r);
                    assertThat(at).as("a confirmed record was written").isNotNull();
                    if (last != null) {
                        assertThat(Arrays.compare(at, last)).as("key %s: %s read at %s, after %s at %s", e.getKey(),
                                new String(r.data, StandardCharsets.UTF_8), Arrays.toString(at),
                                new String(lastRecord.data, StandardCharsets.UTF_8), Arrays.toString(last))
                                .isPositive();
                    }
                    last = at;
                    lastRecord = r;
                }
            }
        }
    }
}
