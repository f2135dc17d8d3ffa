package dev.aiokpl.kafka.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class RecordMapperTest {

    private static final BigInteger TWO_128 = BigInteger.ONE.shiftLeft(128);

    private static SinkRecord withKey(Object key) {
        return new SinkRecord("t", 2, null, key, null, new byte[] {1}, 7);
    }

    @Test
    void thePartitionKeyIsTheRecordKey() {
        assertThat(RecordMapper.partitionKey(withKey("user-1"))).isEqualTo("user-1");
        assertThat(RecordMapper.partitionKey(withKey(42L))).isEqualTo("42");
        assertThat(RecordMapper.partitionKey(withKey(new byte[] {0, 1, 2}))).isEqualTo("AAEC");
        assertThat(RecordMapper.partitionKey(withKey(ByteBuffer.wrap(new byte[] {0, 1, 2})))).isEqualTo("AAEC");
        assertThat(RecordMapper.partitionKey(withKey(null))).as("keyless: partition and offset").isEqualTo("2-7");
    }

    @Test
    void aKeyTooLongForKinesisIsHashedSoEqualKeysStayTogether() {
        String longKey = "k".repeat(300);
        String pk = RecordMapper.partitionKey(withKey(longKey));
        assertThat(pk).hasSize(64).isEqualTo(RecordMapper.partitionKey(withKey(longKey)));
    }

    @Test
    void partitionsSpreadEvenlyOverTheHashRange() {
        List<BigInteger> keys = IntStream.range(0, 4).mapToObj(RecordMapper::partitionHashKey).map(BigInteger::new).toList();
        BigInteger quarter = TWO_128.shiftRight(2);
        assertThat(keys).containsExactly(BigInteger.ZERO, quarter.multiply(BigInteger.TWO), quarter,
                quarter.multiply(BigInteger.valueOf(3)));
        assertThat(new BigInteger(RecordMapper.partitionHashKey(Integer.MAX_VALUE))).isLessThan(TWO_128);
    }

    @Test
    void valuesWithBytesOfTheirOwnAreSent() {
        assertThat(RecordMapper.data(new byte[] {1, 2})).containsExactly(1, 2);
        assertThat(RecordMapper.data(ByteBuffer.wrap(new byte[] {3}))).containsExactly(3);
        assertThat(RecordMapper.data("é")).isEqualTo("é".getBytes(StandardCharsets.UTF_8));
        assertThat(RecordMapper.data(12)).isEqualTo("12".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aStructOrAMapNamesTheConverterToUse() {
        Struct struct = new Struct(SchemaBuilder.struct().field("a", SchemaBuilder.int32().build()).build()).put("a", 1);
        assertThatThrownBy(() -> RecordMapper.data(struct)).isInstanceOf(DataException.class)
                .hasMessageContaining("ByteArrayConverter");
        assertThatThrownBy(() -> RecordMapper.data(Map.of())).isInstanceOf(DataException.class);
    }
}
