package dev.aiokpl.internal.aggregation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.record.PendingRecord;
import dev.aiokpl.internal.testing.TestRecords;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Whatever records arrive: every aggregate's encoding stays within maxSize and maxCount, decodes to
 * exactly its records in order, was closed only when the next record would not fit, and every
 * record comes out exactly once, in order per shard.
 */
class AggregatorProperties {

    record Input(String partitionKey, String explicitHashKey, int dataLength, int shard) {
    }

    @Provide
    Arbitrary<List<Input>> inputs() {
        Arbitrary<String> pk = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12)),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().all().ofMinLength(1).ofMaxLength(256)
                        .filter(s -> s.codePoints().allMatch(cp -> cp < 0xD800 || cp > 0xDFFF))),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("same", "other")));
        Arbitrary<String> ehk = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.just((String) null)),
                net.jqwik.api.Tuple.of(1, Arbitraries.bigIntegers().between(java.math.BigInteger.ZERO,
                        java.math.BigInteger.ONE.shiftLeft(128).subtract(java.math.BigInteger.ONE)).map(Object::toString)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("0", "1")));
        Arbitrary<Integer> data = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(0, 100)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(100, 3000)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(3000, 70_000)));
        Arbitrary<Integer> shard = Arbitraries.integers().between(0, 2);
        return Combinators.combine(pk, ehk, data, shard).as(Input::new).list().ofMaxSize(150);
    }

    @Property(tries = 300)
    void aggregatesRespectTheLimitsAndRoundTrip(@ForAll("inputs") List<Input> inputs,
            @ForAll @IntRange(min = 64, max = 60_000) int maxSize, @ForAll @LongRange(min = 1, max = 40) long maxCount,
            @ForAll boolean unlimitedCount) {
        long count = unlimitedCount ? 4_294_967_295L : maxCount;
        List<KinesisRecord> out = new ArrayList<>();
        Aggregator agg = new Aggregator(true, count, maxSize, out::add);
        Map<String, List<PendingRecord>> sentPerShard = new HashMap<>();
        java.util.Random random = new java.util.Random(inputs.size());
        for (Input in : inputs) {
            byte[] data = new byte[in.dataLength()];
            random.nextBytes(data);
            PendingRecord r = TestRecords.pending(in.partitionKey(), in.explicitHashKey(), data, 0);
            String shard = "shard-" + in.shard();
            sentPerShard.computeIfAbsent(shard, k -> new ArrayList<>()).add(r);
            agg.add(r, shard);
        }
        agg.flushAll();
        assertThat(agg.buffered()).isZero();

        Map<String, List<PendingRecord>> receivedPerShard = new HashMap<>();
        Map<String, List<KinesisRecord>> krsPerShard = new HashMap<>();
        for (KinesisRecord kr : out) {
            receivedPerShard.computeIfAbsent(kr.predictedShard(), k -> new ArrayList<>()).addAll(kr.records());
            krsPerShard.computeIfAbsent(kr.predictedShard(), k -> new ArrayList<>()).add(kr);
            assertThat((long) kr.records().size()).isLessThanOrEqualTo(count);
            if (kr.aggregated()) {
                assertThat(kr.data().length).as("encoded aggregate size").isLessThanOrEqualTo(maxSize);
                assertThat(kr.partitionKey()).isEqualTo("a");
                assertThat(kr.explicitHashKey()).isEqualTo(kr.records().get(0).hashKey().toDecimalString());
                AggregatorTest.assertDecodesTo(kr, kr.records());
            } else {
                PendingRecord r = kr.records().get(0);
                assertThat(kr.partitionKey()).isEqualTo(r.partitionKey);
                assertThat(kr.explicitHashKey()).isEqualTo(r.explicitHashKey);
                assertThat(kr.data()).isSameAs(r.data);
            }
        }
        assertThat(receivedPerShard).isEqualTo(sentPerShard);

        // Every aggregate but a shard's last was closed for a reason: full count, or the next record
        // would not have fitted.
        for (List<KinesisRecord> krs : krsPerShard.values()) {
            for (int i = 0; i < krs.size() - 1; i++) {
                KinesisRecord kr = krs.get(i);
                if (kr.records().size() == count) {
                    continue;
                }
                PendingRecord next = krs.get(i + 1).records().get(0);
                AggregateBuilder b = new AggregateBuilder();
                for (PendingRecord r : kr.records()) {
                    b.add(r.partitionKey, r.explicitHashKey, r.data);
                }
                assertThat(b.sizeWith(next.partitionKey, next.explicitHashKey, next.data.length))
                        .as("aggregate %d of a shard closed early", i).isGreaterThan(maxSize);
            }
        }
    }
}
