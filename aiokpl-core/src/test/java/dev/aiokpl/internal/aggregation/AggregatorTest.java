package dev.aiokpl.internal.aggregation;

import static dev.aiokpl.internal.testing.TestRecords.bytes;
import static dev.aiokpl.internal.testing.TestRecords.pending;
import static dev.aiokpl.internal.testing.TestRecords.pendingWithDeadline;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.internal.hash.HashKey;
import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.record.PendingRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AggregatorTest {

    private static final long T0 = 1_000_000_000_000L;
    private static final long NO_LIMIT = 4_294_967_295L;

    private final List<KinesisRecord> out = new ArrayList<>();

    private Aggregator aggregator(long maxCount, int maxSize) {
        return new Aggregator(true, maxCount, maxSize, out::add);
    }

    @Test
    void keepsOneOpenAggregatePerPredictedShard() {
        Aggregator agg = aggregator(NO_LIMIT, 51_200);
        List<PendingRecord> a = new ArrayList<>();
        List<PendingRecord> b = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            PendingRecord r = pending("key-" + i, bytes("data-" + i), T0);
            (i % 2 == 0 ? a : b).add(r);
            agg.add(r, i % 2 == 0 ? "shard-A" : "shard-B");
        }
        assertThat(out).isEmpty();
        assertThat(agg.buffered()).isEqualTo(6);

        agg.flushAll();
        assertThat(out).hasSize(2);
        KinesisRecord ka = out.stream().filter(kr -> kr.predictedShard().equals("shard-A")).findFirst().orElseThrow();
        KinesisRecord kb = out.stream().filter(kr -> kr.predictedShard().equals("shard-B")).findFirst().orElseThrow();
        assertThat(ka.records()).containsExactlyElementsOf(a);
        assertThat(kb.records()).containsExactlyElementsOf(b);
        assertDecodesTo(ka, a);
        assertDecodesTo(kb, b);
        assertThat(agg.buffered()).isZero();
    }

    @Test
    void anAggregateOfSeveralIsSentWithPartitionKeyAAndTheFirstRecordsHashKey() {
        Aggregator agg = aggregator(NO_LIMIT, 51_200);
        PendingRecord first = pending("first", bytes("1"), T0);
        PendingRecord second = pending("second", "12345", bytes("2"), T0);
        agg.add(first, "s");
        agg.add(second, "s");
        agg.flushAll();

        KinesisRecord kr = out.get(0);
        assertThat(kr.aggregated()).isTrue();
        assertThat(kr.partitionKey()).isEqualTo(Aggregator.AGGREGATE_PARTITION_KEY).isEqualTo("a");
        assertThat(kr.explicitHashKey()).isEqualTo(HashKey.ofPartitionKey("first").toDecimalString());
        assertThat(AggregationCodec.isAggregated(kr.data())).isTrue();
        assertThat(kr.stream()).isEqualTo(first.stream);
        assertThat(kr.size()).isEqualTo(1 + kr.data().length);
        assertDecodesTo(kr, List.of(first, second));
    }

    @Test
    void anAggregateWhoseFirstRecordHasAnExplicitHashKeyUsesIt() {
        Aggregator agg = aggregator(NO_LIMIT, 51_200);
        String ehk = "170141183460469231731687303715884105728"; // 2^127
        agg.add(pending("x", ehk, bytes("1"), T0), "s");
        agg.add(pending("y", bytes("2"), T0), "s");
        agg.flushAll();
        assertThat(out.get(0).explicitHashKey()).isEqualTo(ehk);
    }

    @Test
    void anAggregateOfOneIsSentRawWithItsOwnKeys() {
        Aggregator agg = aggregator(NO_LIMIT, 51_200);
        PendingRecord plain = pending("plain", bytes("p"), T0);
        PendingRecord explicit = pending("explicit", "42", bytes("e"), T0);
        agg.add(plain, "s1");
        agg.add(explicit, "s2");
        agg.flushAll();

        KinesisRecord kp = out.stream().filter(kr -> kr.predictedShard().equals("s1")).findFirst().orElseThrow();
        assertThat(kp.aggregated()).isFalse();
        assertThat(kp.partitionKey()).isEqualTo("plain");
        assertThat(kp.explicitHashKey()).isNull();
        assertThat(kp.data()).isSameAs(plain.data);
        assertThat(kp.records()).containsExactly(plain);

        KinesisRecord ke = out.stream().filter(kr -> kr.predictedShard().equals("s2")).findFirst().orElseThrow();
        assertThat(ke.partitionKey()).isEqualTo("explicit");
        assertThat(ke.explicitHashKey()).isEqualTo("42");
        assertThat(ke.data()).isSameAs(explicit.data);
    }

    @Test
    void closesOnMaxCount() {
        Aggregator agg = aggregator(3, 51_200);
        List<PendingRecord> rs = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            PendingRecord r = pending("k" + i, bytes("d" + i), T0);
            rs.add(r);
            agg.add(r, "s");
        }
        assertThat(out).hasSize(2);
        assertDecodesTo(out.get(0), rs.subList(0, 3));
        assertDecodesTo(out.get(1), rs.subList(3, 6));
        assertThat(agg.buffered()).isEqualTo(1);
        agg.flushAll();
        assertThat(out.get(2).aggregated()).isFalse();
        assertThat(out.get(2).records()).containsExactly(rs.get(6));
    }

    @Test
    void maxCountOfOneSendsEveryRecordRawAtOnce() {
        Aggregator agg = aggregator(1, 51_200);
        agg.add(pending("k1", bytes("1"), T0), "s");
        agg.add(pending("k2", bytes("2"), T0), "s");
        assertThat(out).hasSize(2).noneMatch(KinesisRecord::aggregated);
        assertThat(out).extracting(KinesisRecord::predictedShard).containsOnly("s");
    }

    @Test
    void closesBeforeTheRecordThatWouldOverflowMaxSize() {
        int maxSize = 300;
        Aggregator agg = aggregator(NO_LIMIT, maxSize);
        List<PendingRecord> rs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            PendingRecord r = pending("key" + i, new byte[50], T0);
            rs.add(r);
            agg.add(r, "s");
        }
        agg.flushAll();
        int n = 0;
        for (KinesisRecord kr : out) {
            assertThat(kr.data().length).isLessThanOrEqualTo(maxSize);
            assertDecodesTo(kr, rs.subList(n, n + kr.records().size()));
            n += kr.records().size();
        }
        assertThat(n).isEqualTo(10);
        // the first aggregate is as full as it can be: one more record would not fit
        AggregateBuilder b = new AggregateBuilder();
        for (PendingRecord r : out.get(0).records()) {
            b.add(r.partitionKey, r.explicitHashKey, r.data);
        }
        PendingRecord next = rs.get(out.get(0).records().size());
        assertThat(b.sizeWith(next.partitionKey, null, next.data.length)).isGreaterThan(maxSize);
    }

    @Test
    void anOversizeRecordTravelsAloneAndKeepsOrder() {
        Aggregator agg = aggregator(NO_LIMIT, 200);
        PendingRecord small1 = pending("s1", bytes("x"), T0);
        PendingRecord big = pending("big", new byte[500], T0);
        PendingRecord small2 = pending("s2", bytes("y"), T0);
        agg.add(small1, "s");
        agg.add(big, "s");
        assertThat(out).as("the open aggregate closes first, then the big record goes alone").hasSize(2);
        assertThat(out.get(0).records()).containsExactly(small1);
        assertThat(out.get(1).records()).containsExactly(big);
        assertThat(out.get(1).aggregated()).isFalse();
        assertThat(out.get(1).partitionKey()).isEqualTo("big");
        assertThat(out.get(1).predictedShard()).isEqualTo("s");
        agg.add(small2, "s");
        agg.flushAll();
        assertThat(out.get(2).records()).containsExactly(small2);
    }

    @Test
    void closesAtTheEarliestDeadlineOfItsRecords() {
        Aggregator agg = aggregator(NO_LIMIT, 51_200);
        agg.add(pendingWithDeadline("a1", T0, T0 + 100), "A");
        agg.add(pendingWithDeadline("a2", T0, T0 + 50), "A");
        agg.add(pendingWithDeadline("a3", T0, T0 + 80), "A");
        agg.add(pendingWithDeadline("b1", T0, T0 + 200), "B");
        assertThat(agg.nextDeadline()).isEqualTo(T0 + 50);

        agg.flushExpired(T0 + 49);
        assertThat(out).isEmpty();
        agg.flushExpired(T0 + 50);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).predictedShard()).isEqualTo("A");
        assertThat(out.get(0).records()).hasSize(3);
        assertThat(out.get(0).deadlineNanos()).isEqualTo(T0 + 50);
        assertThat(agg.nextDeadline()).isEqualTo(T0 + 200);

        agg.flushExpired(T0 + 200);
        assertThat(out).hasSize(2);
        assertThat(out.get(1).deadlineNanos()).isEqualTo(T0 + 200);
        assertThat(agg.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aNewAggregateStartsWithAFreshDeadline() {
        Aggregator agg = aggregator(NO_LIMIT, 51_200);
        agg.add(pendingWithDeadline("a1", T0, T0 + 10), "A");
        agg.flushExpired(T0 + 10);
        agg.add(pendingWithDeadline("a2", T0, T0 + 500), "A");
        assertThat(agg.nextDeadline()).isEqualTo(T0 + 500);
    }

    @Test
    void disabledAggregationSendsEveryRecordRawAtOnce() {
        Aggregator agg = new Aggregator(false, NO_LIMIT, 51_200, out::add);
        PendingRecord r1 = pending("k1", bytes("1"), T0);
        PendingRecord r2 = pending("k2", "7", bytes("2"), T0);
        agg.add(r1, "s");
        agg.add(r2, "s");
        assertThat(out).hasSize(2).noneMatch(KinesisRecord::aggregated);
        assertThat(out.get(0).partitionKey()).isEqualTo("k1");
        assertThat(out.get(1).explicitHashKey()).isEqualTo("7");
        assertThat(out).extracting(KinesisRecord::predictedShard).containsOnly("s");
        assertThat(agg.buffered()).isZero();
        assertThat(agg.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aRecordWithoutPredictionIsSentRawAtOnce() {
        Aggregator agg = aggregator(NO_LIMIT, 51_200);
        PendingRecord r = pending("k", bytes("d"), T0);
        agg.add(r, null);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).predictedShard()).isNull();
        assertThat(out.get(0).aggregated()).isFalse();
        assertThat(out.get(0).records()).containsExactly(r);
    }

    @Test
    void drainAllReturnsBufferedRecordsWithoutEmitting() {
        Aggregator agg = aggregator(NO_LIMIT, 51_200);
        PendingRecord r1 = pending("k1", bytes("1"), T0);
        PendingRecord r2 = pending("k2", bytes("2"), T0);
        agg.add(r1, "A");
        agg.add(r2, "B");
        assertThat(agg.drainAll()).containsExactlyInAnyOrder(r1, r2);
        assertThat(out).isEmpty();
        assertThat(agg.buffered()).isZero();
        agg.flushAll();
        assertThat(out).isEmpty();
    }

    static void assertDecodesTo(KinesisRecord kr, List<PendingRecord> records) {
        assertThat(kr.records()).containsExactlyElementsOf(records);
        if (records.size() == 1) {
            assertThat(AggregationCodec.isAggregated(kr.data())).isFalse();
            return;
        }
        List<DecodedRecord> expected = new ArrayList<>();
        for (PendingRecord r : records) {
            expected.add(new DecodedRecord(r.partitionKey, r.explicitHashKey, r.data));
        }
        assertThat(AggregationCodec.decode(kr.data())).containsExactlyElementsOf(expected);
    }
}
