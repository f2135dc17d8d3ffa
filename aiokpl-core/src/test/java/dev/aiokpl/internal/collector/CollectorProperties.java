package dev.aiokpl.internal.collector;

import static dev.aiokpl.internal.testing.TestRecords.STREAM;
import static dev.aiokpl.internal.testing.TestRecords.kinesisRecord;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.internal.record.KinesisRecord;
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
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Whatever records arrive: no request exceeds the entry count or byte size, every record is sent
 * once and in order, and a request is only closed early when one of the rules says so.
 */
class CollectorProperties {

    record Input(int size, int shard) {
    }

    @Provide
    Arbitrary<List<Input>> inputs() {
        Arbitrary<Integer> size = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.integers().between(2, 2_000)),
                Tuple.of(2, Arbitraries.integers().between(2_000, 60_000)),
                Tuple.of(1, Arbitraries.integers().between(60_000, 300_000)));
        Arbitrary<Integer> shard = Arbitraries.integers().between(-1, 5);
        return Combinators.combine(size, shard).as(Input::new).list().ofMaxSize(400);
    }

    @Property(tries = 300)
    void requestsRespectTheLimitsAndKeepOrder(@ForAll("inputs") List<Input> inputs,
            @ForAll @IntRange(min = 1, max = 500) int maxCount,
            @ForAll @LongRange(min = 300_000, max = 5L * 1024 * 1024) long maxSize) {
        List<PutBatch> out = new ArrayList<>();
        Collector c = new Collector(STREAM, maxCount, maxSize, out::add);
        List<KinesisRecord> sent = new ArrayList<>();
        for (Input in : inputs) {
            KinesisRecord kr = kinesisRecord(in.shard() < 0 ? null : "shard-" + in.shard(), in.size(), 0, 0);
            sent.add(kr);
            c.add(kr);
        }
        c.flushAll();

        List<KinesisRecord> received = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            PutBatch b = out.get(i);
            assertThat(b.records()).isNotEmpty().hasSizeLessThanOrEqualTo(maxCount);
            long size = b.records().stream().mapToLong(KinesisRecord::size).sum();
            assertThat(b.size()).isEqualTo(size).isLessThanOrEqualTo(maxSize);
            received.addAll(b.records());
            if (i < out.size() - 1) {
                KinesisRecord next = out.get(i + 1).records().get(0);
                Map<String, Long> perShard = new HashMap<>();
                for (KinesisRecord kr : b.records()) {
                    if (kr.predictedShard() != null) {
                        perShard.merge(kr.predictedShard(), (long) kr.size(), Long::sum);
                    }
                }
                boolean shardFull = perShard.values().stream().anyMatch(v -> v >= Collector.SHARD_BYTES_PER_REQUEST);
                boolean full = b.records().size() == maxCount || size + next.size() > maxSize || size == maxSize;
                assertThat(shardFull || full).as("request %d closed early", i).isTrue();
                // the per-shard rule closes at the record that reaches 256 KiB, not later
                Map<String, Long> before = new HashMap<>();
                List<KinesisRecord> rs = b.records();
                for (int j = 0; j < rs.size() - 1; j++) {
                    KinesisRecord kr = rs.get(j);
                    if (kr.predictedShard() != null) {
                        long v = before.merge(kr.predictedShard(), (long) kr.size(), Long::sum);
                        assertThat(v).isLessThan(Collector.SHARD_BYTES_PER_REQUEST);
                    }
                }
            }
        }
        assertThat(received).containsExactlyElementsOf(sent);
    }
}
