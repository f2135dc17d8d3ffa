package dev.aiokpl.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.aiokpl.Attempt;
import dev.aiokpl.Config;
import dev.aiokpl.RecordResult;
import dev.aiokpl.internal.DaemonThreadFactory;
import dev.aiokpl.internal.TimeBase;
import dev.aiokpl.internal.Utf8;
import dev.aiokpl.internal.hash.HashKey;
import dev.aiokpl.internal.testing.JumpingTicker;
import dev.aiokpl.internal.testing.ScriptedKinesisClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * close() on a running engine (its pipeline thread started, the system ticker plus jumps the test
 * makes): it drains what it can within closeTimeout, measured on the engine's ticker, then fails the
 * rest as Closed, and leaves no future incomplete. No test asserts a wall-clock window.
 */
class EngineCloseTest {

    private static final String STREAM = "orders";

    private final ScriptedKinesisClient client = new ScriptedKinesisClient();
    private final JumpingTicker ticker = new JumpingTicker();
    private Engine engine;

    private Engine start(Config.Builder config) {
        engine = new Engine(config.region("us-east-1").build(), client,
                new TimeBase(ticker, Clock.systemUTC()), Runnable::run, () -> 0.5);
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
    void closeFailsRecordsInFlightAsClosedOnceCloseTimeoutHasPassedOnTheTicker() throws Exception {
        client.holdPutRecords(true);
        // Neither the request timeout nor the TTL may end the records before closeTimeout does.
        start(fast().requestTimeout(Duration.ofMinutes(10)).recordTtl(Duration.ofDays(1)));
        List<CompletableFuture<RecordResult>> futures = put(10);
        await().atMost(Duration.ofSeconds(10)).until(() -> !client.heldPutRecords().isEmpty());

        CompletableFuture<Void> closing = new CompletableFuture<>();
        Thread closer = new Thread(() -> {
            engine.close(Duration.ofMinutes(5));
            closing.complete(null);
        }, "closer");
        closer.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> closer.getState() == Thread.State.TIMED_WAITING);
        ticker.jump(Duration.ofMinutes(4));
        assertThat(closing).as("closeTimeout has not passed on the ticker").isNotDone();
        assertThat(futures).noneMatch(CompletableFuture::isDone);
        ticker.jump(Duration.ofMinutes(1));
        closing.get(10, TimeUnit.SECONDS);
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
        engine.close(Duration.ofMillis(200));
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
    void anInterruptedCloseStopsWaitingFailsTheRestAndKeepsTheFlag() throws InterruptedException {
        client.holdPutRecords(true);
        start(fast());
        List<CompletableFuture<RecordResult>> futures = put(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> !client.heldPutRecords().isEmpty());
        AtomicBoolean flagKept = new AtomicBoolean();
        Thread closer = new Thread(() -> {
            Thread.currentThread().interrupt();
            engine.close(Duration.ofDays(1)); // never passes on the ticker: only the interrupt ends the wait
            flagKept.set(Thread.currentThread().isInterrupted());
        }, "closer");
        closer.start();
        closer.join(10_000);
        assertThat(closer.isAlive()).as("did not wait closeTimeout").isFalse();
        assertThat(flagKept).as("the interrupt flag is kept").isTrue();
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
