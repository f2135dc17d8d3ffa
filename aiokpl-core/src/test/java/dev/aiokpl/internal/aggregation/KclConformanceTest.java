package dev.aiokpl.internal.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/** Our aggregates as KCL's AggregatorUtil (what consumers run) reads them. */
class KclConformanceTest {

    private static final List<DecodedRecord> RECORDS = List.of(
            new DecodedRecord("user-1", null, "first".getBytes(StandardCharsets.UTF_8)),
            new DecodedRecord("user-2", null, new byte[0]),
            new DecodedRecord("user-1", "85070591730234615865843651857942052864", "third".getBytes(StandardCharsets.UTF_8)),
            new DecodedRecord("\u00e9t\u00e9-\u65e5\u672c-\uD83D\uDE00", null, new byte[] {0, (byte) 0xFF}),
            new DecodedRecord("user-3", "0", new byte[1000]),
            new DecodedRecord("user-4", "340282366920938463463374607431768211455", new byte[] {42}));

    @Test
    void fullRangeGivesBackEveryRecordWithItsKeysAndData() {
        List<KinesisClientRecord> out = Kcl.deaggregate(AggregationCodec.encode(RECORDS), BigInteger.ZERO, Kcl.MAX_HASH_KEY);
        assertThat(Kcl.userRecords(out)).containsExactlyElementsOf(RECORDS);
        assertThat(out).allSatisfy(r -> assertThat(r.aggregated()).isTrue());
        assertThat(out).extracting(KinesisClientRecord::subSequenceNumber).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void aShardRangeHoldingEveryHashKeyGivesBackEveryRecord() {
        List<DecodedRecord> records = RECORDS.subList(0, 4);
        BigInteger min = records.stream().map(Kcl::hashKey).min(BigInteger::compareTo).orElseThrow();
        BigInteger max = records.stream().map(Kcl::hashKey).max(BigInteger::compareTo).orElseThrow();
        List<KinesisClientRecord> out = Kcl.deaggregate(AggregationCodec.encode(records), min, max);
        assertThat(Kcl.userRecords(out)).containsExactlyElementsOf(records);
    }

    @Test
    void oneSubRecordOutsideTheShardRangeMakesKclDropTheWholeAggregate() {
        // SPEC section 3: KCL does not drop only the stray sub-record, it drops all of them. This is
        // why the retrier must retry every user record of a Kinesis record that landed on a shard
        // whose range misses any one of their hash keys.
        List<DecodedRecord> records = RECORDS.subList(0, 4);
        BigInteger min = records.stream().map(Kcl::hashKey).min(BigInteger::compareTo).orElseThrow();
        BigInteger max = records.stream().map(Kcl::hashKey).max(BigInteger::compareTo).orElseThrow();
        byte[] aggregate = AggregationCodec.encode(records);
        assertThat(Kcl.deaggregate(aggregate, min.add(BigInteger.ONE), max)).isEmpty();
        assertThat(Kcl.deaggregate(aggregate, min, max.subtract(BigInteger.ONE))).isEmpty();
        assertThat(Kcl.deaggregate(aggregate, max.add(BigInteger.ONE), Kcl.MAX_HASH_KEY)).isEmpty();
    }

    @Test
    void aSingleRecordAggregateIsReadBack() {
        List<DecodedRecord> one = List.of(new DecodedRecord("only", null, new byte[] {1, 2, 3}));
        BigInteger h = Kcl.hashKey(one.get(0));
        assertThat(Kcl.userRecords(Kcl.deaggregate(AggregationCodec.encode(one), h, h))).isEqualTo(one);
        assertThat(Kcl.deaggregate(AggregationCodec.encode(one), h.add(BigInteger.ONE), Kcl.MAX_HASH_KEY)).isEmpty();
    }

    @Test
    void aCorruptedMd5IsRejectedByUsAndPassedThroughRawByKcl() {
        byte[] aggregate = AggregationCodec.encode(RECORDS);
        aggregate[aggregate.length - 3] ^= 0x10;
        assertThatThrownBy(() -> AggregationCodec.decode(aggregate)).isInstanceOf(InvalidAggregateException.class);

        List<KinesisClientRecord> out = Kcl.deaggregate(aggregate, BigInteger.ZERO, Kcl.MAX_HASH_KEY);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).aggregated()).isFalse();
        assertThat(Kcl.bytes(out.get(0))).isEqualTo(aggregate).startsWith(AggregationCodec.MAGIC);
    }

    @Test
    void aCorruptedMagicIsRejectedByUsAndPassedThroughRawByKcl() {
        byte[] aggregate = AggregationCodec.encode(RECORDS);
        aggregate[1] ^= 0x01;
        assertThatThrownBy(() -> AggregationCodec.decode(aggregate)).isInstanceOf(InvalidAggregateException.class);

        List<KinesisClientRecord> out = Kcl.deaggregate(aggregate, BigInteger.ZERO, Kcl.MAX_HASH_KEY);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).aggregated()).isFalse();
        assertThat(Kcl.bytes(out.get(0))).isEqualTo(aggregate);
    }

    @Test
    void anEmptyAggregateDecodesToNothingButKclPassesItThroughRaw() {
        // The pipeline never sends one; this pins the difference so nobody relies on it.
        byte[] empty = AggregationCodec.encode(List.of());
        assertThat(AggregationCodec.decode(empty)).isEmpty();
        List<KinesisClientRecord> out = Kcl.deaggregate(empty, BigInteger.ZERO, Kcl.MAX_HASH_KEY);
        assertThat(out).hasSize(1);
        assertThat(Kcl.bytes(out.get(0))).isEqualTo(empty);
    }
}
