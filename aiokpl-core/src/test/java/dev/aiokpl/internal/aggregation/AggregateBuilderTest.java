package dev.aiokpl.internal.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.kinesis.retrieval.kpl.Messages;

class AggregateBuilderTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void emptyAggregateIsMagicAndTheMd5OfNothing() throws Exception {
        AggregateBuilder builder = new AggregateBuilder();
        assertThat(builder.count()).isZero();
        assertThat(builder.encodedSize()).isEqualTo(20);
        byte[] empty = builder.build();
        assertThat(HEX.formatHex(empty)).isEqualTo("f3899ac2" + HEX.formatHex(MessageDigest.getInstance("MD5").digest()));
        assertThat(AggregationCodec.decode(empty)).isEmpty();
    }

    @Test
    void oneRecordHasTheExactBytesOfTheFormat() {
        AggregateBuilder builder = new AggregateBuilder();
        builder.add("a", null, new byte[] {1, 2, 3});
        byte[] aggregate = builder.build();
        // 0a 01 'a'            partition_key_table[0] = "a"
        // 1a 07                records[0], 7 bytes:
        //   08 00              partition_key_index = 0
        //   1a 03 01 02 03     data
        assertThat(HEX.formatHex(Aggregates.proto(aggregate))).isEqualTo("0a0161" + "1a07" + "0800" + "1a03010203");
        assertThat(aggregate).isEqualTo(Aggregates.frame(Aggregates.proto(aggregate)));
    }

    @Test
    void tablesAreDeduplicatedInFirstSeenOrder() throws Exception {
        AggregateBuilder builder = new AggregateBuilder();
        builder.add("b", "7", new byte[] {1});
        builder.add("a", null, new byte[] {2});
        builder.add("b", "7", new byte[] {3});
        builder.add("a", "9", new byte[] {4});
        Messages.AggregatedRecord m = Messages.AggregatedRecord.parseFrom(Aggregates.proto(builder.build()));
        assertThat(m.getPartitionKeyTableList()).containsExactly("b", "a");
        assertThat(m.getExplicitHashKeyTableList()).containsExactly("7", "9");
        assertThat(m.getRecordsList()).extracting(Messages.Record::getPartitionKeyIndex).containsExactly(0L, 1L, 0L, 1L);
        assertThat(m.getRecords(1).hasExplicitHashKeyIndex()).isFalse();
        assertThat(m.getRecords(3).getExplicitHashKeyIndex()).isEqualTo(1L);
    }

    @Test
    void sizeWithDoesNotChangeTheBuilder() {
        AggregateBuilder builder = new AggregateBuilder();
        builder.add("k", null, new byte[10]);
        int before = builder.encodedSize();
        int first = builder.sizeWith("new-key", "12345", 100);
        assertThat(builder.sizeWith("new-key", "12345", 100)).isEqualTo(first);
        assertThat(builder.sizeWith("k", null, 10)).isEqualTo(before + 2 + (2 + 2 + 10));
        assertThat(builder.encodedSize()).isEqualTo(before);
        assertThat(builder.count()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 115, 116, 127, 128, 16_381, 16_383, 16_384, 2_097_151, 2_097_152})
    void sizesAreExactAcrossVarintWidths(int dataLength) {
        AggregateBuilder builder = new AggregateBuilder();
        int predicted = builder.sizeWith("pk", "340282366920938463463374607431768211455", dataLength);
        builder.add("pk", "340282366920938463463374607431768211455", new byte[dataLength]);
        assertThat(builder.encodedSize()).isEqualTo(predicted);
        assertThat(builder.build()).hasSize(predicted);
    }

    @Test
    void sizesAreExactWhenIndexesNeedTwoByteVarints() {
        AggregateBuilder builder = new AggregateBuilder();
        List<DecodedRecord> records = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            DecodedRecord r = new DecodedRecord("key-" + i, Integer.toString(i), new byte[i % 7]);
            int predicted = builder.sizeWith(r.partitionKey(), r.explicitHashKey(), r.data().length);
            builder.add(r.partitionKey(), r.explicitHashKey(), r.data());
            assertThat(builder.encodedSize()).isEqualTo(predicted);
            records.add(r);
        }
        byte[] aggregate = builder.build();
        assertThat(aggregate).hasSize(builder.encodedSize());
        assertThat(AggregationCodec.decode(aggregate)).containsExactlyElementsOf(records);
    }

    @Test
    void resetStartsANewAggregateWithFreshIndexes() throws Exception {
        AggregateBuilder builder = new AggregateBuilder();
        builder.add("a", "1", new byte[] {1});
        builder.add("b", "2", new byte[] {2});
        builder.build();
        builder.reset();
        assertThat(builder.count()).isZero();
        assertThat(builder.encodedSize()).isEqualTo(20);
        builder.add("b", "2", new byte[] {3});
        builder.add("a", null, new byte[] {4});
        Messages.AggregatedRecord m = Messages.AggregatedRecord.parseFrom(Aggregates.proto(builder.build()));
        assertThat(m.getPartitionKeyTableList()).containsExactly("b", "a");
        assertThat(m.getExplicitHashKeyTableList()).containsExactly("2");
    }

    @Test
    void manyDistinctKeysAcrossResetsStayCorrect() {
        // More distinct keys than the cross-reset cache keeps: the cache is dropped and rebuilt.
        AggregateBuilder builder = new AggregateBuilder();
        for (int round = 0; round < 5; round++) {
            List<DecodedRecord> records = new ArrayList<>();
            for (int i = 0; i < 1500; i++) {
                String key = "round-" + (round % 2) + "-key-" + (i * 7919 % 1500);
                records.add(new DecodedRecord(key, i % 3 == 0 ? Integer.toString(i) : null, new byte[] {(byte) i}));
            }
            records.forEach(r -> builder.add(r.partitionKey(), r.explicitHashKey(), r.data()));
            assertThat(builder.build()).isEqualTo(AggregationCodec.encode(records));
            builder.reset();
        }
    }

    @Test
    void equalKeysThatAreDistinctStringInstancesShareAnEntry() {
        AggregateBuilder builder = new AggregateBuilder();
        builder.add(new String("key"), null, new byte[0]);
        int withSecond = builder.sizeWith(new String("key"), null, 0);
        builder.add(new String("key"), null, new byte[0]);
        assertThat(builder.encodedSize()).isEqualTo(withSecond);
        assertThat(AggregationCodec.decode(builder.build())).hasSize(2);
    }

    @Test
    void unpairedSurrogatesAreCountedAsStringGetBytesWritesThem() {
        AggregateBuilder builder = new AggregateBuilder();
        String key = "x\uD800y\uDC00";
        int predicted = builder.sizeWith(key, null, 1);
        builder.add(key, null, new byte[1]);
        assertThat(builder.build()).hasSize(predicted);
    }

    @Test
    void rejectsNullsAndNegativeLengths() {
        AggregateBuilder builder = new AggregateBuilder();
        assertThatThrownBy(() -> builder.add(null, null, new byte[0])).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> builder.add("k", null, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> builder.sizeWith(null, null, 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> builder.sizeWith("k", null, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dataLength");
        assertThat(builder.count()).isZero();
        assertThat(builder.encodedSize()).isEqualTo(20);
    }

    @Test
    void varintHelpers() {
        assertThat(AggregateBuilder.varintSize(0)).isEqualTo(1);
        assertThat(AggregateBuilder.varintSize(127)).isEqualTo(1);
        assertThat(AggregateBuilder.varintSize(128)).isEqualTo(2);
        assertThat(AggregateBuilder.varintSize(Integer.MAX_VALUE)).isEqualTo(5);
        byte[] out = new byte[5];
        assertThat(AggregateBuilder.writeVarint(out, 0, 300)).isEqualTo(2);
        assertThat(HEX.formatHex(out, 0, 2)).isEqualTo("ac02");
    }
}
