package dev.aiokpl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aiokpl.internal.testing.ScriptedKinesisClient;
import dev.aiokpl.internal.testing.Shards;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The public entry point against a scripted client: validation, acceptance, close. */
class ProducerTest {

    private static final byte[] DATA = "payload".getBytes(StandardCharsets.UTF_8);

    private final ScriptedKinesisClient client = new ScriptedKinesisClient(Shards.even(2));
    private Producer producer;

    @BeforeEach
    void create() {
        producer = Producer.create(Config.builder().region("us-east-1").maxRecordSize(1024).aggregationMaxSize(1024)
                .maxOutstandingBytes(1024 * 1024).recordMaxBufferedTime(Duration.ofMillis(10))
                .closeTimeout(Duration.ofSeconds(5)).build(), client);
    }

    @AfterEach
    void close() {
        producer.close();
    }

    @Test
    void putsARecordAndReportsItsShardAndSequenceNumber() throws Exception {
        RecordResult r = producer.putRecord("orders", "user-1", DATA).get(10, TimeUnit.SECONDS);
        assertThat(r.successful()).isTrue();
        assertThat(r.shardId()).startsWith("shardId-");
        assertThat(r.sequenceNumber()).isNotBlank();
        assertThat(r.attempts()).hasSize(1);
        assertThat(producer.outstandingRecords()).isZero();
        assertThat(client.putRecordsEntries()).hasSize(1);
        assertThat(client.putRecordsEntries().get(0).partitionKey()).isEqualTo("user-1");
    }

    @Test
    void everyOverloadAccepts() throws Exception {
        producer.putRecord("orders", "k1", DATA);
        producer.putRecord("orders", "k2", ByteBuffer.wrap(DATA));
        producer.putRecord("orders", "k3", "42", DATA);
        producer.putRecord("orders", "k4", UserRecordTest.MAX_HASH_KEY, ByteBuffer.wrap(DATA));
        producer.putRecord(UserRecord.builder().stream("orders").partitionKey("k5").data(DATA).build());
        producer.flush().get(10, TimeUnit.SECONDS);
        assertThat(producer.outstandingRecords()).isZero();
        assertThat(producer.outstandingBytes()).isZero();
        assertThat(producer.oldestRecordAge()).isEqualTo(Duration.ZERO);
    }

    @Test
    void doesNotCloseTheClientItWasGiven() {
        producer.close();
        assertThat(client.isClosed()).isFalse();
    }

    @Test
    void putAfterCloseIsRefused() {
        producer.close();
        assertThatThrownBy(() -> producer.putRecord("orders", "k", DATA)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        producer.close(); // idempotent
    }

    private void assertRejected(Consumer<Producer> put, String... messageParts) {
        assertThatThrownBy(() -> put.accept(producer)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(messageParts);
        assertThat(producer.outstandingRecords()).as("nothing accepted").isZero();
        assertThat(producer.outstandingBytes()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "bad stream", "orders?", "ünicode"})
    void rejectsBadStreamNames(String stream) {
        assertRejected(p -> p.putRecord(stream, "k", DATA), "stream", stream);
    }

    @Test
    void rejectsANullOrLongStreamName() {
        assertRejected(p -> p.putRecord(null, "k", DATA), "stream");
        assertRejected(p -> p.putRecord("s".repeat(129), "k", DATA), "stream", "129");
    }

    @Test
    void rejectsPartitionKeysOutside1To256CodePoints() {
        assertRejected(p -> p.putRecord("orders", "", DATA), "partitionKey");
        assertRejected(p -> p.putRecord("orders", null, DATA), "partitionKey");
        assertRejected(p -> p.putRecord("orders", "k".repeat(257), DATA), "partitionKey", "257");
        assertRejected(p -> p.putRecord("orders", UserRecordTest.EMOJI.repeat(257), DATA), "partitionKey", "257");
        producer.putRecord("orders", UserRecordTest.EMOJI.repeat(100), DATA); // 400 bytes of key + data fits
        producer.putRecord("orders", "k".repeat(256), DATA);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "01", "abc", "340282366920938463463374607431768211456", ""})
    void rejectsBadExplicitHashKeys(String ehk) {
        assertRejected(p -> p.putRecord("orders", "k", ehk, DATA), "explicitHashKey", ehk);
    }

    @Test
    void rejectsNullData() {
        assertRejected(p -> p.putRecord("orders", "k", (byte[]) null), "data");
        assertRejected(p -> p.putRecord("orders", "k", (ByteBuffer) null), "data");
        assertRejected(p -> p.putRecord("orders", "k", "1", (byte[]) null), "data");
    }

    @Test
    void rejectsRecordsOverMaxRecordSizeCountingThePartitionKeyInUtf8() {
        assertRejected(p -> p.putRecord("orders", "k", new byte[1024]), "1025", "maxRecordSize=1024");
        assertRejected(p -> p.putRecord("orders", "é", new byte[1023]), "1025", "maxRecordSize=1024");
        assertRejected(p -> p.putRecord("orders", UserRecordTest.EMOJI, ByteBuffer.allocate(1021)), "1025",
                "maxRecordSize=1024");
        producer.putRecord("orders", "é", new byte[1022]);
        producer.putRecord("orders", "k", new byte[1023]);
        assertThat(producer.outstandingRecords()).isBetween(0L, 2L);
    }

    @Test
    void aRejectedRecordIsNeverSent() throws Exception {
        assertRejected(p -> p.putRecord("orders", "k", new byte[2000]), "2001");
        assertRejected(p -> p.putRecord(UserRecord.builder().stream("orders").partitionKey("k").data(new byte[2000])
                .build()), "maxRecordSize");
        producer.flush().get(10, TimeUnit.SECONDS);
        assertThat(client.putRecordsRequests()).isEmpty();
    }

    @Test
    void createRejectsNulls() {
        Config config = Config.builder().region("us-east-1").build();
        assertThatThrownBy(() -> Producer.create(null, client)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Producer.create(config, null)).isInstanceOf(NullPointerException.class);
    }
}
