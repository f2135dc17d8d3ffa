package dev.aiokpl.internal.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.kinesis.retrieval.kpl.Messages;

class AggregationCodecTest {

    private static final HexFormat HEX = HexFormat.of();

    private static byte[] framed(String protoHex) {
        return Aggregates.frame(HEX.parseHex(protoHex));
    }

    private static void assertRejected(byte[] input, String messagePart) {
        assertThatThrownBy(() -> AggregationCodec.decode(input))
                .isInstanceOf(InvalidAggregateException.class)
                .hasMessageContaining(messagePart);
    }

    @Test
    void magicIsTheKplMagic() {
        assertThat(HEX.formatHex(AggregationCodec.MAGIC)).isEqualTo("f3899ac2");
    }

    @Test
    void isAggregatedNeedsTheMagicAndRoomForTheMd5() {
        assertThat(AggregationCodec.isAggregated(AggregationCodec.encode(List.of()))).isTrue();
        assertThat(AggregationCodec.isAggregated(new byte[] {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2})).isFalse();
        assertThat(AggregationCodec.isAggregated(new byte[30])).isFalse();
        assertThat(AggregationCodec.isAggregated(new byte[0])).isFalse();
        assertThat(AggregationCodec.isAggregated(null)).isFalse();
    }

    @Test
    void rejectsAWrongMagic() {
        byte[] aggregate = AggregationCodec.encode(List.of(new DecodedRecord("k", null, new byte[] {1})));
        aggregate[0] ^= 1;
        assertRejected(aggregate, "magic");
        assertRejected(new byte[0], "magic");
        assertRejected("plain text that is long enough".getBytes(), "magic");
    }

    @Test
    void rejectsAMagicTooShortForTheMd5() {
        assertRejected(new byte[] {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2, 0, 0}, "too short");
    }

    @Test
    void rejectsAWrongMd5() {
        byte[] aggregate = AggregationCodec.encode(List.of(new DecodedRecord("k", null, new byte[] {1})));
        aggregate[aggregate.length - 1] ^= 1;
        assertRejected(aggregate, "MD5");
        byte[] other = AggregationCodec.encode(List.of(new DecodedRecord("k", null, new byte[] {1})));
        other[6] ^= 1; // a protobuf byte: the trailer no longer matches
        assertRejected(other, "MD5");
    }

    @Test
    void rejectsIndexesOutsideTheTables() {
        Messages.AggregatedRecord pkOut = Messages.AggregatedRecord.newBuilder()
                .addPartitionKeyTable("a")
                .addRecords(Messages.Record.newBuilder().setPartitionKeyIndex(1).setData(ByteString.EMPTY))
                .build();
        assertRejected(Aggregates.frame(pkOut.toByteArray()), "partition_key_index 1 is outside the table of 1");

        Messages.AggregatedRecord ehkOut = Messages.AggregatedRecord.newBuilder()
                .addPartitionKeyTable("a")
                .addRecords(Messages.Record.newBuilder().setPartitionKeyIndex(0).setExplicitHashKeyIndex(0)
                        .setData(ByteString.EMPTY))
                .build();
        assertRejected(Aggregates.frame(ehkOut.toByteArray()), "explicit_hash_key_index 0 is outside the table of 0");

        // 2^64-1 as an index must not wrap to -1 and pass.
        assertRejected(framed("0a0161" + "1a0d" + "08ffffffffffffffffff01" + "1a00"), "18446744073709551615");
    }

    @Test
    void rejectsRecordsMissingRequiredFields() {
        assertRejected(framed("0a0161" + "1a02" + "1a00"), "partition_key_index");
        assertRejected(framed("0a0161" + "1a02" + "0800"), "data");
        // A tag without its required key.
        assertRejected(framed("0a0161" + "1a08" + "0800" + "1a00" + "22021200"), "tag");
    }

    @Test
    void rejectsMalformedProtobuf() {
        assertRejected(framed("0a05616263"), "runs past the end");
        assertRejected(framed("1a"), "truncated varint");
        assertRejected(framed("0a0161" + "1a03" + "0800"), "runs past the end");
        assertRejected(framed("08ffffffffffffffffffff01"), "longer than 10 bytes");
        assertRejected(framed("00"), "invalid field tag 0");
        assertRejected(framed("0b" + "0c"), "groups");
        assertRejected(framed("0f"), "invalid wire type 7");
        assertRejected(framed("7d0000"), "truncated fixed-width");
    }

    @Test
    void skipsUnknownFieldsAndAcceptsTablesAfterRecords() {
        // records[0] first, then an unknown varint, fixed32, fixed64 and length-delimited field,
        // then the tables; the record itself carries an unknown field and a tag.
        String proto = "1a10" + "0800" + "1000" + "1a0109" + "7801" + "22050a016b1a00"
                + "f80101" + "fd0101020304" + "f9010102030405060708" + "fa01026869"
                + "0a0161" + "12023432";
        assertThat(AggregationCodec.decode(framed(proto)))
                .containsExactly(new DecodedRecord("a", "42", new byte[] {9}));
    }

    @Test
    void laterScalarFieldsWinAsInProtobuf() {
        // partition_key_index written twice: protobuf keeps the last.
        String proto = "0a0161" + "0a0162" + "1a07" + "0800" + "0801" + "1a0107";
        assertThat(AggregationCodec.decode(framed(proto)))
                .containsExactly(new DecodedRecord("b", null, new byte[] {7}));
    }

    @Test
    void tagsWrittenByOtherProducersAreAcceptedAndDropped() throws Exception {
        Messages.AggregatedRecord m = Messages.AggregatedRecord.newBuilder()
                .addPartitionKeyTable("pk")
                .addRecords(Messages.Record.newBuilder().setPartitionKeyIndex(0).setData(ByteString.copyFromUtf8("x"))
                        .addTags(Messages.Tag.newBuilder().setKey("k").setValue("v"))
                        .addTags(Messages.Tag.newBuilder().setKey("only-key")))
                .build();
        assertThat(AggregationCodec.decode(Aggregates.frame(m.toByteArray())))
                .containsExactly(new DecodedRecord("pk", null, "x".getBytes()));
    }

    @Test
    void encodeOfNoRecordsIsTheEmptyAggregate() {
        assertThat(AggregationCodec.encode(List.of())).isEqualTo(new AggregateBuilder().build());
    }

    @Test
    void decodedDataIsACopy() {
        byte[] aggregate = AggregationCodec.encode(List.of(new DecodedRecord("k", null, new byte[] {5})));
        DecodedRecord r = AggregationCodec.decode(aggregate).get(0);
        r.data()[0] = 6;
        assertThat(AggregationCodec.decode(aggregate).get(0).data()).containsExactly(5);
    }

    @Test
    void decodedRecordComparesDataByContent() {
        DecodedRecord a = new DecodedRecord("k", null, new byte[] {1, 2});
        DecodedRecord b = new DecodedRecord("k", null, new byte[] {1, 2});
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(new DecodedRecord("k", null, new byte[] {1, 3}));
        assertThat(a).isNotEqualTo(new DecodedRecord("k", "1", new byte[] {1, 2}));
        assertThat(a.toString()).contains("2 bytes");
        assertThatThrownBy(() -> new DecodedRecord(null, null, new byte[0])).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new DecodedRecord("k", null, null)).isInstanceOf(NullPointerException.class);
    }
}
