package dev.aiokpl.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.Producer;
import dev.aiokpl.it.ItSupport.Sent;
import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import dev.aiokpl.testkit.ReadRecord;
import dev.aiokpl.testkit.StreamReader;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Issue 3: a shard split between two waves of records. The producer's map is stale for the second
 * wave (the periodic refresh is 5 min away): its aggregates for the parent land on a child, and those
 * holding records of both children must be retried as {@code Wrong Shard}, because KCL drops them. The
 * third wave goes out on the refreshed map straight to the children.
 */
@IntegrationTest
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ReshardIT {

    private static final Logger LOG = LoggerFactory.getLogger(ReshardIT.class);
    private static final int WAVE = 3_000;
    private static final Duration WAVE_TIMEOUT = Duration.ofMinutes(2);

    @Test
    void aSplitDuringARunLosesNothingAndLaterRecordsGoToTheChildren() throws Exception {
        KinesisEmulator emulator = KinesisEmulator.kinesisLocal();
        String stream = emulator.uniqueStreamName("reshard");
        emulator.createStream(stream, 2);
        List<Shard> before = emulator.listShards(stream);
        Shard parent = before.stream()
                .min(Comparator.comparing(s -> new BigInteger(s.hashKeyRange().startingHashKey())))
                .orElseThrow();
        BigInteger start = new BigInteger(parent.hashKeyRange().startingHashKey());
        BigInteger end = new BigInteger(parent.hashKeyRange().endingHashKey());
        BigInteger splitAt = start.add(end.subtract(start).add(BigInteger.ONE).shiftRight(1));

        List<Sent> wave1;
        List<Sent> wave2;
        List<Sent> wave3;
        List<String> children;
        List<Shard> after;
        try (Producer producer = Producer.create(ItSupport.config(emulator).build())) {
            wave1 = new ArrayList<>(ItSupport.awaitShardMap(producer, stream, Duration.ofMinutes(1)));
            wave1.addAll(ItSupport.putRandom(producer, stream, "wave1", WAVE));
            ItSupport.awaitSuccess(wave1, WAVE_TIMEOUT);
            LOG.info("wave1: {}", ItSupport.summary(wave1));
            ItSupport.assertPredictedShards(wave1, before);

            children = emulator.splitShard(stream, parent.shardId(), splitAt.toString());
            after = emulator.listShards(stream);

            wave2 = ItSupport.putRandom(producer, stream, "wave2", WAVE);
            ItSupport.awaitSuccess(wave2, WAVE_TIMEOUT);
            LOG.info("wave2: {}", ItSupport.summary(wave2));
            // whatever the stale map predicted, every record ends on the open shard owning its key
            ItSupport.assertPredictedShards(wave2, after);
            assertThat(wave2).filteredOn(s -> s.result().shardId().equals(parent.shardId())).isEmpty();

            wave3 = ItSupport.putRandom(producer, stream, "wave3", WAVE);
            ItSupport.awaitSuccess(wave3, WAVE_TIMEOUT);
            LOG.info("wave3: {}", ItSupport.summary(wave3));
        }
        ItSupport.assertPredictedShards(wave3, after);
        // One attempt each: had an aggregate still been predicted onto the parent, it would hold
        // records of both children (hundreds of random keys) and come back as Wrong Shard.
        assertThat(wave3).allSatisfy(s -> assertThat(s.result().attempts())
                .as("attempts of %s", s.data()).hasSize(1));
        assertThat(wave3).filteredOn(s -> s.hashKey().compareTo(start) >= 0 && s.hashKey().compareTo(end) <= 0)
                .isNotEmpty()
                .allSatisfy(s -> assertThat(s.result().shardId()).isIn(children));

        List<Sent> all = new ArrayList<>(wave1);
        all.addAll(wave2);
        all.addAll(wave3);
        long wrongShard = ItSupport.attemptsWith(all, "Wrong Shard");
        List<ReadRecord> read;
        long unfiltered;
        try (KinesisAsyncClient client = emulator.newClient()) {
            read = StreamReader.readAll(client, stream, Duration.ofMinutes(2));
            unfiltered = ItSupport.countUnfiltered(client, emulator, stream, Duration.ofMinutes(2));
        }
        LOG.info("split of {} into {}: {} Wrong Shard attempts; KCL discarded {} of {} user records read",
                parent.shardId(), children, wrongShard, unfiltered - read.size(), unfiltered);
        ItSupport.assertReadBackExactly(all, read);
        assertThat(unfiltered - read.size())
                .as("user records KCL's range check discards: exactly those the producer retried as Wrong Shard")
                .isEqualTo(wrongShard);
    }
}
