package dev.aiokpl.internal.shardmap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.internal.hash.HashKey;
import dev.aiokpl.internal.testing.ManualTicker;
import dev.aiokpl.internal.testing.ScriptedKinesisClient;
import dev.aiokpl.internal.testing.Shards;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import software.amazon.awssdk.services.kinesis.model.Shard;

/** Binary-search prediction agrees with a linear scan for any partition of the hash key space. */
class ShardMapProperties {

    @Provide
    Arbitrary<TreeSet<BigInteger>> cuts() {
        return Arbitraries.bigIntegers().between(BigInteger.ZERO, Shards.TWO_128.subtract(BigInteger.TWO))
                .set().ofMaxSize(40).map(TreeSet::new);
    }

    @Provide
    Arbitrary<List<BigInteger>> keys() {
        return Arbitraries.bigIntegers().between(BigInteger.ZERO, Shards.TWO_128.subtract(BigInteger.ONE))
                .list().ofMaxSize(50);
    }

    @Property(tries = 300)
    void predictionMatchesALinearScan(@ForAll("cuts") TreeSet<BigInteger> cuts, @ForAll("keys") List<BigInteger> keys,
            @ForAll long seed) {
        // shard i covers (cut[i-1], cut[i]]; the last ends at 2^128-1
        List<Shard> shards = new ArrayList<>();
        BigInteger start = BigInteger.ZERO;
        int i = 0;
        for (BigInteger cut : cuts) {
            shards.add(Shards.open("s" + i++, start, cut));
            start = cut.add(BigInteger.ONE);
        }
        shards.add(Shards.open("s" + i, start, Shards.TWO_128.subtract(BigInteger.ONE)));
        List<Shard> shuffled = new ArrayList<>(shards);
        Collections.shuffle(shuffled, new java.util.Random(seed));

        ScriptedKinesisClient client = new ScriptedKinesisClient(shuffled).pageSize(7);
        ShardMap m = new ShardMap("s", client::listShards, new ManualTicker(), Duration.ofMinutes(5), Runnable::run, () -> { });
        m.start();
        assertThat(m.state()).isEqualTo(ShardMap.State.READY);

        List<BigInteger> probes = new ArrayList<>(keys);
        for (BigInteger cut : cuts) {
            probes.add(cut);
            probes.add(cut.add(BigInteger.ONE));
        }
        probes.add(BigInteger.ZERO);
        probes.add(Shards.TWO_128.subtract(BigInteger.ONE));
        for (BigInteger k : probes) {
            HashKey key = HashKey.parseDecimal(k.toString());
            String expected = Shards.holding(shards, key).shardId();
            assertThat(m.predict(key)).as("key %s", k).isEqualTo(expected);
            assertThat(m.predict(key.hi(), key.lo())).as("key %s as halves", k).isEqualTo(expected);
            for (ShardMap.ShardRange range : m.shards()) {
                assertThat(range.contains(key.hi(), key.lo())).as("%s holds %s", range, k)
                        .isEqualTo(range.shardId().equals(expected));
            }
        }
    }
}
