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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/** Issue 3: explicit hash keys at each shard's start, end and midpoint land on that shard. */
@IntegrationTest
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ExplicitHashKeyIT {

    private static final Logger LOG = LoggerFactory.getLogger(ExplicitHashKeyIT.class);
    private static final int SHARDS = 4;
    /** Records per key: several, so records of one shard share aggregates (and their key tables). */
    private static final int PER_KEY = 5;

    @Test
    void explicitHashKeysAimedAtEachShardLandOnIt() throws Exception {
        KinesisEmulator emulator = KinesisEmulator.kinesisLocal();
        String stream = emulator.uniqueStreamName("explicit");
        emulator.createStream(stream, SHARDS);
        List<Shard> shards = emulator.listShards(stream);
        assertThat(shards).hasSize(SHARDS);

        List<Sent> sent = new ArrayList<>();
        Map<String, String> shardOfData = new HashMap<>();
        List<Sent> probes;
        try (Producer producer = Producer.create(ItSupport.config(emulator).build())) {
            probes = ItSupport.awaitShardMap(producer, stream, Duration.ofMinutes(1));
            int i = 0;
            for (Shard shard : shards) {
                BigInteger start = new BigInteger(shard.hashKeyRange().startingHashKey());
                BigInteger end = new BigInteger(shard.hashKeyRange().endingHashKey());
                BigInteger mid = start.add(end).shiftRight(1);
                for (BigInteger key : List.of(start, mid, end)) {
                    for (int n = 0; n < PER_KEY; n++) {
                        // a partition key of another shard: only the explicit hash key may decide
                        Sent s = ItSupport.put(producer, stream, UUID.randomUUID().toString(), key.toString(),
                                "explicit", i++);
                        sent.add(s);
                        shardOfData.put(s.data(), shard.shardId());
                    }
                }
            }
            ItSupport.awaitSuccess(sent, Duration.ofMinutes(2));
        }
        LOG.info("{}", ItSupport.summary(sent));
        assertThat(sent).allSatisfy(s -> assertThat(s.result().shardId())
                .as("shard of %s (explicit hash key %s)", s.data(), s.explicitHashKey())
                .isEqualTo(shardOfData.get(s.data())));
        ItSupport.assertPredictedShards(sent, shards);

        List<ReadRecord> read;
        try (KinesisAsyncClient client = emulator.newClient()) {
            read = StreamReader.readAll(client, stream, Duration.ofMinutes(2));
        }
        List<Sent> all = new ArrayList<>(probes);
        all.addAll(sent);
        ItSupport.assertReadBackExactly(all, read);
        Map<String, Sent> byData = sent.stream().collect(Collectors.toMap(Sent::data, Function.identity()));
        assertThat(read).filteredOn(r -> byData.containsKey(r.dataAsString())).hasSameSizeAs(sent).allSatisfy(r -> {
            assertThat(r.shardId()).isEqualTo(shardOfData.get(r.dataAsString()));
            if (r.fromAggregate()) {
                assertThat(r.explicitHashKey()).isEqualTo(byData.get(r.dataAsString()).explicitHashKey());
            }
        });
        assertThat(read).filteredOn(r -> byData.containsKey(r.dataAsString()))
                .anySatisfy(r -> assertThat(r.fromAggregate()).isTrue());
    }
}
