package dev.aiokpl.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aiokpl.Attempt;
import dev.aiokpl.Config;
import dev.aiokpl.Producer;
import dev.aiokpl.RecordResult;
import dev.aiokpl.UserRecord;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What any {@link Producer} must do, run against {@link MockProducer} and against the real producer
 * on kinesis-local, so the test double cannot drift from the real thing: the same validation
 * errors (types and messages), the same refusal after close, flush and close that leave no record
 * hanging, and results of the same shape.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
abstract class ProducerContract {

    /** Shards of the stream (the mock's {@code shardCount}). */
    static final int SHARDS = 4;
    static final int MAX_RECORD_SIZE = 1024;
    private static final byte[] DATA = "payload".getBytes(StandardCharsets.UTF_8);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private Producer producer;

    /**
     * A producer of the kind under test, with {@code config} (its {@code maxRecordSize} is
     * {@link #MAX_RECORD_SIZE}) completed as it needs, writing to {@link #stream()}.
     */
    abstract Producer create(Config.Builder config);

    /** A stream of {@link #SHARDS} evenly split shards. */
    abstract String stream();

    /** The id of the shard of {@link #stream()} that holds {@code hashKey}, as Kinesis routes it. */
    abstract String shardHolding(BigInteger hashKey);

    @BeforeEach
    void open() {
        producer = create(Config.builder().region("us-east-1").maxRecordSize(MAX_RECORD_SIZE)
                .aggregationMaxSize(MAX_RECORD_SIZE));
    }

    @AfterEach
    void close() {
        producer.close();
    }

    private void assertRejected(Consumer<Producer> put, String message) {
        assertThatThrownBy(() -> put.accept(producer)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void rejectsInvalidStreamNames() {
        assertRejected(p -> p.putRecord(null, "k", DATA), "stream must not be null");
        assertRejected(p -> p.putRecord("", "k", DATA), "stream name must be 1..128 characters (got 0 characters: \"\")");
        assertRejected(p -> p.putRecord("bad name", "k", DATA),
                "stream name may only hold [a-zA-Z0-9_.-] (got \"bad name\", bad character at index 3)");
        assertRejected(p -> p.putRecord("s".repeat(129), "k", DATA),
                "stream name must be 1..128 characters (got 129 characters: \"" + "s".repeat(64) + "...\")");
    }

    @Test
    void rejectsInvalidPartitionKeys() {
        assertRejected(p -> p.putRecord(stream(), null, DATA), "partitionKey must not be null");
        assertRejected(p -> p.putRecord(stream(), "", DATA),
                "partitionKey must be 1..256 Unicode code points (got an empty key)");
        assertRejected(p -> p.putRecord(stream(), "k".repeat(257), DATA),
                "partitionKey must be 1..256 Unicode code points (got a key of 257 code points)");
    }

    @Test
    void rejectsMissingAndOversizedData() {
        assertRejected(p -> p.putRecord(stream(), "k", (byte[]) null), "data must not be null");
        assertRejected(p -> p.putRecord(stream(), "k", new byte[MAX_RECORD_SIZE]),
                "record size (partition key + data) is 1025 bytes (data 1024 bytes), over the limit of "
                        + "maxRecordSize=1024 bytes");
        assertRejected(p -> p.putRecord(UserRecord.builder().stream(stream()).partitionKey("k")
                        .data(new byte[MAX_RECORD_SIZE]).build()),
                "record size (partition key + data) is 1025 bytes (data 1024 bytes), over the limit of "
                        + "maxRecordSize=1024 bytes");
    }

    @Test
    void rejectsInvalidExplicitHashKeys() {
        assertRejected(p -> p.putRecord(stream(), "k", "007", DATA),
                "explicitHashKey must not have leading zeros, a decimal integer in 0..2^128-1; got \"007\"");
        assertRejected(p -> p.putRecord(stream(), "k", "-1", DATA), "explicitHashKey must contain only the digits 0-9 "
                + "(no sign, no spaces), a decimal integer in 0..2^128-1; got \"-1\"");
        String tooBig = HashKeys.MAX.add(BigInteger.ONE).toString();
        assertRejected(p -> p.putRecord(stream(), "k", tooBig, DATA),
                "explicitHashKey must be at most 2^128-1, a decimal integer in 0..2^128-1; got \"" + tooBig + "\"");
    }

    @Test
    void acceptsNothingItRejects() throws Exception {
        assertThatThrownBy(() -> producer.putRecord(stream(), "", DATA)).isInstanceOf(IllegalArgumentException.class);
        assertThat(producer.outstandingRecords()).isZero();
        assertThat(producer.outstandingBytes()).isZero();
        producer.flush().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void refusesRecordsAfterClose() throws Exception {
        producer.close();
        assertThatThrownBy(() -> producer.putRecord(stream(), "k", DATA)).isInstanceOf(IllegalStateException.class)
                .hasMessage("the producer is closed; putRecord is not accepted after close()");
        // Checked before the input, as the real producer does.
        assertThatThrownBy(() -> producer.putRecord(null, null, (byte[]) null)).isInstanceOf(IllegalStateException.class);
        producer.close(); // idempotent
        producer.flush().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void flushCompletesOnceEveryEarlierRecordHasItsResult() throws Exception {
        List<CompletableFuture<RecordResult>> futures = putEveryOverload();
        producer.flush().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(futures).allMatch(CompletableFuture::isDone);
        assertThat(futures).allMatch(f -> f.join().successful());
        assertThat(producer.outstandingRecords()).isZero();
        assertThat(producer.outstandingBytes()).isZero();
        assertThat(producer.oldestRecordAge()).isEqualTo(Duration.ZERO);
    }

    @Test
    void closeLeavesNoRecordWithoutAResult() {
        List<CompletableFuture<RecordResult>> futures = putEveryOverload();
        producer.close();
        assertThat(futures).allMatch(CompletableFuture::isDone);
        for (CompletableFuture<RecordResult> f : futures) {
            RecordResult r = f.join();
            if (!r.successful()) {
                assertThat(last(r).errorCode()).isEqualTo("Closed");
            }
        }
    }

    @Test
    void aSuccessNamesTheShardOfItsHashKeyAndHasOneAttempt() throws Exception {
        RecordResult r = producer.putRecord(stream(), "user-1", DATA).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(r.successful()).isTrue();
        assertThat(r.shardId()).matches("shardId-\\d{12}").isEqualTo(shardHolding(HashKeys.of("user-1")));
        assertThat(r.sequenceNumber()).matches("\\d{20,}");
        assertThat(r.orThrow()).isSameAs(r);
        assertThat(r.attempts()).hasSize(1);
        Attempt a = r.attempts().get(0);
        assertThat(a.successful()).isTrue();
        assertThat(a.shardId()).isEqualTo(r.shardId());
        assertThat(a.sequenceNumber()).isEqualTo(r.sequenceNumber());
        assertThat(a.errorCode()).isNull();
        assertThat(a.startedAt()).isBeforeOrEqualTo(a.endedAt());
        assertThat(a.delay()).isGreaterThanOrEqualTo(Duration.ZERO);
    }

    @Test
    void anExplicitHashKeyChoosesTheShard() throws Exception {
        RecordResult first = producer.putRecord(stream(), "k", "0", DATA).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        RecordResult last = producer.putRecord(stream(), "k", HashKeys.MAX.toString(), DATA)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(first.shardId()).isEqualTo(shardHolding(BigInteger.ZERO));
        assertThat(last.shardId()).isEqualTo(shardHolding(HashKeys.MAX)).isNotEqualTo(first.shardId());
    }

    @Test
    void sequenceNumbersIncreaseOnAShard() throws Exception {
        RecordResult a = producer.putRecord(stream(), "same", DATA).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        RecordResult b = producer.putRecord(stream(), "same", DATA).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(b.shardId()).isEqualTo(a.shardId());
        assertThat(new BigInteger(b.sequenceNumber())).isGreaterThan(new BigInteger(a.sequenceNumber()));
    }

    private List<CompletableFuture<RecordResult>> putEveryOverload() {
        List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
        futures.add(producer.putRecord(stream(), "k1", DATA));
        futures.add(producer.putRecord(stream(), "k2", ByteBuffer.wrap(DATA)));
        futures.add(producer.putRecord(stream(), "k3", "42", DATA));
        futures.add(producer.putRecord(stream(), "k4", HashKeys.MAX.toString(), ByteBuffer.wrap(DATA)));
        futures.add(producer.putRecord(UserRecord.builder().stream(stream()).partitionKey("k5").data(DATA).build()));
        return futures;
    }

    private static Attempt last(RecordResult r) {
        return r.attempts().get(r.attempts().size() - 1);
    }
}
