package dev.aiokpl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UserRecordTest {

    static final String EMOJI = "\uD83D\uDE00"; // one code point, two chars, four UTF-8 bytes
    static final String MAX_HASH_KEY = "340282366920938463463374607431768211455";

    private static UserRecord.Builder valid() {
        return UserRecord.builder().stream("orders").partitionKey("user-1").data(new byte[] {1, 2, 3});
    }

    @Test
    void buildsAValidRecord() {
        UserRecord r = valid().explicitHashKey("42").build();
        assertThat(r.stream()).isEqualTo("orders");
        assertThat(r.partitionKey()).isEqualTo("user-1");
        assertThat(r.explicitHashKey()).isEqualTo("42");
        assertThat(r.data().remaining()).isEqualTo(3);
        assertThat(r.toString()).contains("orders").contains("user-1").contains("3 bytes");
        assertThat(r.toBuilder().build().toString()).isEqualTo(r.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "orders", "Orders_2024-01.v2", "0"})
    void acceptsStreamNames(String stream) {
        assertThat(valid().stream(stream).build().stream()).isEqualTo(stream);
    }

    @Test
    void acceptsAStreamNameOf128Characters() {
        valid().stream("s".repeat(128)).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "my stream", "orders!", "naïve", "a/b", " orders", "orders\n"})
    void rejectsBadStreamNamesNamingThem(String stream) {
        assertThatThrownBy(() -> valid().stream(stream).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stream").hasMessageContaining("\"" + stream + "\"");
    }

    @Test
    void rejectsANullOrTooLongStreamName() {
        assertThatThrownBy(() -> valid().stream(null).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stream");
        assertThatThrownBy(() -> valid().stream("s".repeat(129)).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("129 characters");
    }

    @Test
    void partitionKeyLengthIsCountedInCodePoints() {
        valid().partitionKey("k".repeat(256)).build();
        valid().partitionKey(EMOJI.repeat(256)).build(); // 512 chars, 256 code points
        valid().partitionKey(EMOJI).build();
        assertThatThrownBy(() -> valid().partitionKey("k".repeat(257)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partitionKey")
                .hasMessageContaining("257 code points");
        assertThatThrownBy(() -> valid().partitionKey(EMOJI.repeat(257)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("257 code points");
        assertThatThrownBy(() -> valid().partitionKey(EMOJI.repeat(200) + "k".repeat(57)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("257 code points");
    }

    @Test
    void rejectsAnEmptyOrNullPartitionKey() {
        assertThatThrownBy(() -> valid().partitionKey("").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partitionKey").hasMessageContaining("empty");
        assertThatThrownBy(() -> valid().partitionKey(null).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partitionKey");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "170141183460469231731687303715884105728", MAX_HASH_KEY})
    void acceptsExplicitHashKeysFromZeroToTwoTo128MinusOne(String ehk) {
        assertThat(valid().explicitHashKey(ehk).build().explicitHashKey()).isEqualTo(ehk);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "+1", "01", " 1", "1 ", "abc", "1e10", "0x10",
            "340282366920938463463374607431768211456", "3402823669209384634633746074317682114550"})
    void rejectsBadExplicitHashKeysNamingTheValue(String ehk) {
        assertThatThrownBy(() -> valid().explicitHashKey(ehk).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("explicitHashKey").hasMessageContaining(ehk);
    }

    @Test
    void rejectsNullData() {
        assertThatThrownBy(() -> valid().data((byte[]) null).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("data");
        assertThatThrownBy(() -> valid().data((ByteBuffer) null).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("data");
    }

    @Test
    void aByteBufferIsCopiedAndLeftWhereItWas() {
        ByteBuffer buffer = ByteBuffer.wrap("hello world".getBytes(StandardCharsets.UTF_8));
        buffer.position(6);
        UserRecord r = valid().data(buffer).build();
        assertThat(buffer.position()).isEqualTo(6);
        buffer.put(6, (byte) 'W');
        ByteBuffer data = r.data();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("world");
        assertThatThrownBy(() -> r.data().put((byte) 0)).isInstanceOf(ReadOnlyBufferException.class);
    }
}
