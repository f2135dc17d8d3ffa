package dev.aiokpl.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.aiokpl.Attempt;
import dev.aiokpl.Config;
import dev.aiokpl.RecordResult;
import dev.aiokpl.internal.DaemonThreadFactory;
import dev.aiokpl.internal.Ticker;
import dev.aiokpl.internal.TimeBase;
import dev.aiokpl.internal.Utf8;
import dev.aiokpl.internal.hash.HashKey;
import dev.aiokpl.internal.testing.ScriptedKinesisClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * close() on a running engine (its pipeline thread started, the system ticker): it drains what it
 * can within closeTimeout, then fails the rest as Closed, and leaves no future incomplete.
 */
class EngineCloseTest {

    private static final String STREAM = "orders";

    private final ScriptedKinesisClient client = new ScriptedKinesisClient();
    private Engine engine;

    private Engine start(Config.Builder config) {
        engine = new Engine(config.region("us-east-1").build(), client,
                new TimeBase(Ticker.system(), Clock.systemUTC()), Runnable::run, () -> 0.5);
        engine.start(new DaemonThreadFactory("pipeline-test"));
        return engine;
    }

    /** Records leave the aggregator after 5 ms. */
    private static Config.Builder fast() {
        return Config.builder().recordMaxBufferedTime(Duration.ofMillis(5));
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close(Duration.ZERO);
        }
        client.releasePutRecords();
    }

    private List<CompletableFuture<RecordResult>> put(int n) {
        List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String pk = "key-" + i;
            byte[] data = ("data-" + i).getBytes(StandardCharsets.UTF_8);
            futures.add(engine.put(STREAM, pk, null, HashKey.ofPartitionKey(pk), data, Utf8.length(pk) + data.length));
        }
        return futures;
    }

    private static long closeMillis(Engine engine, Duration timeout) {
        long start = System.nanoTime();
        engine.close(timeout);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static void assertAllClosed(List<CompletableFuture<RecordResult>> futures) {
        assertThat(futures).allSatisfy(f -> {
            assertThat(f).as("no future left incomplete").isDone();
            RecordResult r = f.join();
            assertThat(r.successful()).isFalse();
            Attempt last = r.attempts().get(r.attempts().size() - 1);
            assertThat(last.errorCode()).isEqualTo("Closed");
            assertThat(last.errorMessage()).contains("closeTimeout");
        });
    }

    @Test
    void closeDrainsRecordsThatCanStillBeSent() {
        start(fast());
        List<CompletableFuture<RecordResult>> futures = put(20);
        engine.close(Duration.ofSeconds(30));
        assertThat(futures).allSatisfy(f -> assertThat(f.getNow(null).successful()).isTrue());
        assertThat(engine.outstandingRecords()).isZero();
    }

    @Test
    void closeFailsRecordsInFlightAsClosedAfterCloseTimeout() {
        client.holdPutRecords(true);
        start(fast());
        List<CompletableFuture<RecordResult>> futures = put(10);
        await().atMost(Duration.ofSeconds(10)).until(() -> !client.heldPutRecords().isEmpty());

        long took = closeMillis(engine, Duration.ofMillis(300));
        assertThat(took).as("waited closeTimeout, not longer").isBetween(250L, 4_000L);
        assertAllClosed(futures);
        assertThat(engine.outstandingRecords()).isZero();
        assertThat(engine.outstandingBytes()).isZero();

        // late responses change nothing
        client.releasePutRecords();
        assertAllClosed(futures);
    }

    @Test
    void recordsInFlightAtCloseSayTheyMayHaveBeenWritten() {
        client.holdPutRecords(true);
        start(fast());
        List<CompletableFuture<RecordResult>> futures = put(10);
        await().atMost(Duration.ofSeconds(10)).until(() -> !client.heldPutRecords().isEmpty());
        engine.close(Duration.ofMillis(100));
        assertAllClosed(futures);
        assertThat(futures).allSatisfy(f -> {
            List<Attempt> attempts = f.join().attempts();
            assertThat(attempts.get(attempts.size() - 1).errorMessage()).contains("may have been written");
        });
    }

    @Test
    void recordsNeverSentSayNothingOfBeingWritten() {
        client.holdListShards(true);
        start(fast());
        List<CompletableFuture<RecordResult>> futures = put(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.heldListShards() == 1);
        engine.close(Duration.ofMillis(100));
        assertAllClosed(futures);
        assertThat(futures).allSatisfy(f -> assertThat(f.join().attempts().get(0).errorMessage())
                .doesNotContain("written"));
    }

    @Test
    void closeFailsRecordsWaitingForTheShardMapAsClosed() {
        client.holdListShards(true);
        start(Config.builder().recordMaxBufferedTime(Duration.ofSeconds(20)).recordTtl(Duration.ofSeconds(30)));
        List<CompletableFuture<RecordResult>> futures = put(5);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.heldListShards() == 1);
        long took = closeMillis(engine, Duration.ofMillis(200));
        assertThat(took).isLessThan(4_000L);
        assertAllClosed(futures);
        assertThat(engine.outstandingRecords()).isZero();
    }

    @Test
    void closeFailsRecordsWaitingForARetryAsClosedKeepingTheirError() {
        client.putRecordsAnswer(ScriptedKinesisClient.allEntriesFail("InternalFailure", "try again"));
        start(fast());
        List<CompletableFuture<RecordResult>> futures = put(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.putRecordsRequests().size() >= 2);
        engine.close(Duration.ofMillis(100));
        assertAllClosed(futures);
        RecordResult r = futures.get(0).join();
        assertThat(r.attempts().get(0).errorCode()).isEqualTo("InternalFailure");
        assertThat(r.attempts().get(r.attempts().size() - 1).errorMessage()).contains("InternalFailure");
    }

    @Test
    void anInterruptedCloseStopsWaitingFailsTheRestAndKeepsTheFlag() {
        client.holdPutRecords(true);
        start(fast());
        List<CompletableFuture<RecordResult>> futures = put(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> !client.heldPutRecords().isEmpty());
        Thread.currentThread().interrupt();
        long took;
        try {
            took = closeMillis(engine, Duration.ofSeconds(30));
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt flag is kept").isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(took).as("did not wait closeTimeout").isLessThan(10_000L);
        assertAllClosed(futures);
    }

    @Test
    void putAfterCloseIsRefusedAndCloseIsIdempotent() {
        start(fast());
        engine.close(Duration.ofSeconds(1));
        assertThatThrownBy(() -> put(1)).isInstanceOf(IllegalStateException.class);
        engine.close(Duration.ofSeconds(1));
        assertThat(engine.outstandingRecords()).isZero();
    }
}
