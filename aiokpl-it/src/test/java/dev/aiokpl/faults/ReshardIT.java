package dev.aiokpl.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.Producer;
import dev.aiokpl.internal.retry.Retrier;
import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import dev.aiokpl.testkit.ReadRecord;
import dev.aiokpl.testkit.StreamReader;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * A split and then a merge while the producer sends, on kinesis-local (faithful resharding, no proxy):
 * nothing is lost, and KCL's de-aggregation, given each shard's hash key range, discards nothing —
 * every confirmed record is read back, from the shard and at the sequence number its result names.
 */
@IntegrationTest
class ReshardIT {

    static final Duration DURATION = Duration.ofSeconds(12);
    static final int RECORDS_PER_SECOND = 200;

    @Test
    void splitAndMergeDuringARunLoseNothing() throws Exception {
        KinesisEmulator local = KinesisEmulator.kinesisLocal();
        String stream = local.uniqueStreamName("faults-reshard");
        local.createStream(stream, 2);
        List<Shard> initial = local.listShards(stream);
        Shard first = initial.get(0);
        Shard second = initial.get(1);
        BigInteger start = new BigInteger(first.hashKeyRange().startingHashKey());
        BigInteger end = new BigInteger(first.hashKeyRange().endingHashKey());
        String middle = start.add(end).shiftRight(1).toString();
        Ledger ledger = new Ledger();
        String[] children = new String[3];
        try (KinesisAsyncClient reader = local.newClient()) {
            try (Producer producer = Producer.create(Scenarios.config(local, local.endpoint()).build())) {
                long t0 = System.nanoTime();
                CompletableFuture<Void> reshards = CompletableFuture.runAsync(() -> {
                    at(t0, 3);
                    List<String> split = local.splitShard(stream, first.shardId(), middle);
                    // the upper child starts at the new starting hash key; it is adjacent to the second shard
                    for (Shard s : local.listShards(stream)) {
                        if (split.contains(s.shardId())) {
                            children[s.hashKeyRange().startingHashKey().equals(middle) ? 1 : 0] = s.shardId();
                        }
                    }
                    at(t0, 7);
                    children[2] = local.mergeShards(stream, children[1], second.shardId());
                });
                Scenarios.pace(DURATION, RECORDS_PER_SECOND, i -> ledger.put(producer, stream, 128, 200));
                reshards.get(60, TimeUnit.SECONDS);
                assertThat(producer.flush()).succeedsWithin(Duration.ofSeconds(60));
                assertThat(ledger.awaitAll(Duration.ofSeconds(10))).as("futures not completed").isZero();
            }
            List<ReadRecord> read = StreamReader.readAll(reader, stream);
            Ledger.Verdict v = ledger.verify(read);
            Map<String, Long> confirmedByShard = new TreeMap<>();
            for (Ledger.Sent s : ledger.sent()) {
                if (s.result() != null && s.result().successful()) {
                    confirmedByShard.merge(s.result().shardId(), 1L, Long::sum);
                }
            }
            System.out.println("reshard: " + v + "; children " + List.of(children) + "; confirmed by shard "
                    + confirmedByShard);

            assertThat(v.incomplete()).isZero();
            assertThat(v.failedByCode()).as("failed").isEmpty();
            assertThat(v.lost().size()).as("lost or discarded by KCL: %s", Ledger.Verdict.sample(v.lost())).isZero();
            assertThat(v.unexplainedCopies(Scenarios.UNKNOWN_OUTCOME_CODES)).isEmpty();
            assertThat(v.corrupted()).as("unparseable or altered").isZero();
            assertThat(v.wrongSequence().size()).as("read elsewhere than reported: %s",
                    Ledger.Verdict.sample(v.wrongSequence())).isZero();
            assertThat(confirmedByShard).as("records landed on the split's and the merge's children")
                    .containsKeys(children[0], children[2]);
            Scenarios.report("split + merge (kinesis-local)", "split " + first.shardId() + " at 3 s, merge its upper "
                    + "child with " + second.shardId() + " at 7 s", v, ledger.secondsToLastCompletion(),
                    Retrier.WRONG_SHARD + " retries " + v.retriedByCode().getOrDefault(Retrier.WRONG_SHARD, 0L)
                            + "; confirmed by shard " + confirmedByShard);
        }
    }

    /** Parks the resharding thread until {@code seconds} after {@code t0}. */
    private static void at(long t0, int seconds) {
        long until = t0 + TimeUnit.SECONDS.toNanos(seconds);
        long left;
        while ((left = until - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }
}
