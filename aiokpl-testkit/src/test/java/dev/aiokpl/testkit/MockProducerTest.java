package dev.aiokpl.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aiokpl.Attempt;
import dev.aiokpl.Config;
import dev.aiokpl.ProducerFullException;
import dev.aiokpl.RecordResult;
import dev.aiokpl.UserRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** MockProducer's own controls: manual completion, history, counts, close, backpressure, executor, builder. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class MockProducerTest {

    private static final byte[] DATA = "payload".getBytes(StandardCharsets.UTF_8);

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    private final ManualClock clock = new ManualClock();

    private MockProducer manual() {
        return MockProducer.builder().autoComplete(false).clock(clock).build();
    }

    @Test
    void autoCompleteSucceedsBeforePutRecordReturns() {
        MockProducer producer = MockProducer.builder().build();
        CompletableFuture<RecordResult> f = producer.putRecord("orders", "k", DATA);
        assertThat(f).isCompleted();
        assertThat(f.join().shardId()).isEqualTo("shardId-000000000000");
        assertThat(producer.outstandingRecords()).isZero();
        assertThat(producer.history()).extracting(UserRecord::partitionKey).containsExactly("k");
    }

    @Test
    void manualRecordsWaitForTheTestInPutOrder() {
        MockProducer producer = manual();
        CompletableFuture<RecordResult> a = producer.putRecord("orders", "a", DATA);
        CompletableFuture<RecordResult> b = producer.putRecord("orders", "b", DATA);
        CompletableFuture<RecordResult> c = producer.putRecord("orders", "c", DATA);
        assertThat(List.of(a, b, c)).noneMatch(CompletableFuture::isDone);

        assertThat(producer.completeNext()).isTrue();
        assertThat(a.join().successful()).isTrue();
        assertThat(b).isNotDone();

        assertThat(producer.failNext("ProvisionedThroughputExceededException", "Rate exceeded")).isTrue();
        RecordResult failed = b.join();
        assertThat(failed.successful()).isFalse();
        assertThat(failed.shardId()).isNull();
        assertThat(failed.sequenceNumber()).isNull();
        assertThat(failed.attempts()).singleElement().satisfies(at -> {
            assertThat(at.errorCode()).isEqualTo("ProvisionedThroughputExceededException");
            assertThat(at.errorMessage()).isEqualTo("Rate exceeded");
        });
        assertThatThrownBy(failed::orThrow).hasMessageContaining("ProvisionedThroughputExceededException: Rate exceeded");

        assertThat(producer.completeAll()).isEqualTo(1);
        assertThat(c.join().successful()).isTrue();
        assertThat(producer.completeNext()).isFalse();
        assertThat(producer.failNext("InternalFailure", null)).isFalse();
    }

    @Test
    void failAllFailsEveryPendingRecordOldestFirst() {
        MockProducer producer = manual();
        List<CompletableFuture<RecordResult>> futures = List.of(producer.putRecord("orders", "a", DATA),
                producer.putRecord("orders", "b", DATA));
        assertThat(producer.failAll("AccessDeniedException", "no")).isEqualTo(2);
        assertThat(futures).allSatisfy(f -> assertThat(f.join().attempts().get(0).errorCode())
                .isEqualTo("AccessDeniedException"));
        assertThat(producer.failAll("AccessDeniedException", "no")).isZero();
        assertThatThrownBy(() -> producer.failNext(null, "m")).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("errorCode");
    }

    @Test
    void countsAgeAndAttemptTimesFollowTheClock() {
        MockProducer producer = manual();
        CompletableFuture<RecordResult> f = producer.putRecord("orders", "key", DATA);
        clock.advance(Duration.ofSeconds(2));
        producer.putRecord("orders", "key", DATA);
        assertThat(producer.outstandingRecords()).isEqualTo(2);
        assertThat(producer.outstandingBytes()).isEqualTo(2L * ("key".length() + DATA.length));
        clock.advance(Duration.ofSeconds(3));
        assertThat(producer.oldestRecordAge()).isEqualTo(Duration.ofSeconds(5));

        producer.completeNext();
        Attempt attempt = f.join().attempts().get(0);
        assertThat(attempt.delay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(attempt.endedAt()).isEqualTo(clock.instant());
        assertThat(producer.oldestRecordAge()).isEqualTo(Duration.ofSeconds(3));
        producer.completeAll();
        assertThat(producer.outstandingRecords()).isZero();
        assertThat(producer.outstandingBytes()).isZero();
        assertThat(producer.oldestRecordAge()).isEqualTo(Duration.ZERO);
    }

    @Test
    void historyKeepsEveryAcceptedRecordUntilCleared() {
        MockProducer producer = manual();
        producer.putRecord("orders", "a", "42", DATA);
        assertThatThrownBy(() -> producer.putRecord("orders", "", DATA)).isInstanceOf(IllegalArgumentException.class);
        UserRecord given = UserRecord.builder().stream("audit").partitionKey("b").data(DATA).build();
        producer.putRecord(given);
        producer.completeAll();

        List<UserRecord> history = producer.history();
        assertThat(history).hasSize(2);
        assertThat(history.get(0).explicitHashKey()).isEqualTo("42");
        assertThat(history.get(0).data()).isEqualTo(java.nio.ByteBuffer.wrap(DATA));
        assertThat(history.get(1)).isSameAs(given);
        assertThatThrownBy(() -> history.add(given)).isInstanceOf(UnsupportedOperationException.class);

        producer.putRecord("orders", "c", DATA);
        producer.clear();
        assertThat(producer.history()).isEmpty();
        assertThat(producer.outstandingRecords()).isEqualTo(1); // clear() forgets, it does not complete
    }

    @Test
    void sharesEvenlySplitShardsAndNumbersSuccessesInOrder() {
        MockProducer producer = MockProducer.builder().shardCount(3).build();
        assertThat(producer.putRecord("s", "k", "0", DATA).join().shardId()).isEqualTo(MockProducer.shardId(0));
        assertThat(producer.putRecord("s", "k", HashKeys.MAX.toString(), DATA).join().shardId())
                .isEqualTo(MockProducer.shardId(2));
        String middle = HashKeys.MAX.shiftRight(1).toString();
        assertThat(producer.putRecord("s", "k", middle, DATA).join().shardId()).isEqualTo(MockProducer.shardId(1));

        List<String> sequenceNumbers = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            sequenceNumbers.add(producer.putRecord("s", "k" + i, DATA).join().sequenceNumber());
        }
        assertThat(sequenceNumbers).isSorted().doesNotHaveDuplicates().allMatch(s -> s.length() == 56);
    }

    @Test
    void flushWaitsForTheRecordsPutBeforeIt() {
        MockProducer producer = manual();
        producer.putRecord("orders", "a", DATA);
        CompletableFuture<Void> flush = producer.flush();
        CompletableFuture<RecordResult> later = producer.putRecord("orders", "b", DATA);
        assertThat(flush).isNotDone();
        producer.completeNext();
        assertThat(flush).isCompleted();
        assertThat(later).isNotDone();
    }

    @Test
    void closeFailsWhatIsPendingAsClosedAndRefusesMore() {
        MockProducer producer = manual();
        CompletableFuture<RecordResult> f = producer.putRecord("orders", "a", DATA);
        CompletableFuture<Void> flush = producer.flush();
        assertThat(producer.closed()).isFalse();
        producer.close();
        assertThat(producer.closed()).isTrue();
        assertThat(f.join().attempts().get(0).errorCode()).isEqualTo("Closed");
        assertThat(flush).isCompleted();
        assertThatThrownBy(() -> producer.putRecord("orders", "a", DATA)).isInstanceOf(IllegalStateException.class);
        assertThat(producer.completeAll()).isZero();
    }

    @Test
    void aCallbackMayCloseTheProducerThatCompletesIt() {
        MockProducer producer = manual();
        producer.putRecord("orders", "a", DATA).thenRun(producer::close);
        CompletableFuture<RecordResult> second = producer.putRecord("orders", "b", DATA);
        producer.completeNext();
        assertThat(producer.closed()).isTrue();
        assertThat(second.join().attempts().get(0).errorCode()).isEqualTo("Closed");
    }

    @Test
    void aSecondCloseWaitsForTheFirst() throws Exception {
        CountDownLatch inCallback = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        MockProducer producer = manual();
        producer.putRecord("orders", "a", DATA).thenRun(() -> {
            inCallback.countDown();
            await(release);
        });
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> first = threads.submit(producer::close);
            assertThat(inCallback.await(10, TimeUnit.SECONDS)).isTrue();
            Future<?> second = threads.submit(producer::close);
            assertThatThrownBy(() -> second.get(200, TimeUnit.MILLISECONDS))
                    .isInstanceOf(java.util.concurrent.TimeoutException.class);
            release.countDown();
            first.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aFullProducerRefusesAtOnceByDefault() {
        MockProducer producer = MockProducer.builder().autoComplete(false).maxOutstandingRecords(2).build();
        producer.putRecord("orders", "a", DATA);
        producer.putRecord("orders", "b", DATA);
        assertThatThrownBy(() -> producer.putRecord("orders", "c", DATA)).isInstanceOf(ProducerFullException.class)
                .hasMessageContaining("maxOutstandingRecords=2");
        assertThat(producer.history()).hasSize(2);
        producer.completeNext();
        producer.putRecord("orders", "c", DATA);
        assertThat(producer.outstandingRecords()).isEqualTo(2);
    }

    @Test
    void aBlockedPutProceedsWhenAnotherThreadCompletesARecord() throws Exception {
        MockProducer producer = MockProducer.builder().autoComplete(false).maxOutstandingRecords(1)
                .maxBlockTime(Duration.ofSeconds(30)).build();
        producer.putRecord("orders", "a", DATA);
        CompletableFuture<CompletableFuture<RecordResult>> blocked =
                CompletableFuture.supplyAsync(() -> producer.putRecord("orders", "b", DATA));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> producer.outstandingRecords() == 1 && !blocked.isDone());
        producer.completeNext();
        assertThat(blocked.get(10, TimeUnit.SECONDS)).isNotDone();
        assertThat(producer.history()).extracting(UserRecord::partitionKey).containsExactly("a", "b");
    }

    @Test
    void aBlockedPutGivesUpAfterMaxBlockTimeOrWhenInterrupted() {
        MockProducer producer = MockProducer.builder().autoComplete(false).maxOutstandingRecords(1)
                .maxBlockTime(Duration.ofMillis(50)).build();
        producer.putRecord("orders", "a", DATA);
        assertThatThrownBy(() -> producer.putRecord("orders", "b", DATA)).isInstanceOf(ProducerFullException.class)
                .hasMessageContaining("maxBlockTime=50 ms");

        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> producer.putRecord("orders", "b", DATA))
                    .isInstanceOf(ProducerFullException.class).hasCauseInstanceOf(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void futuresCompleteOnTheGivenExecutor() {
        List<Runnable> tasks = new ArrayList<>();
        MockProducer producer = MockProducer.builder().callbackExecutor(tasks::add).build();
        CompletableFuture<RecordResult> f = producer.putRecord("orders", "a", DATA);
        CompletableFuture<Void> flush = producer.flush();
        assertThat(producer.outstandingRecords()).isZero(); // completed by the mock, not delivered yet
        assertThat(f).isNotDone();
        assertThat(flush).isNotDone();

        tasks.forEach(Runnable::run);
        assertThat(f.join().successful()).isTrue();
        assertThat(flush).isCompleted();
    }

    @Test
    void theConfigurationSetsTheSizeLimitAndIsReturned() {
        Config config = Config.builder().region("eu-west-1").maxRecordSize(2048).build();
        MockProducer producer = MockProducer.builder().config(config).build();
        assertThat(producer.config()).isSameAs(config);
        producer.putRecord("orders", "k", new byte[2047]);
        assertThatThrownBy(() -> producer.putRecord("orders", "k", new byte[2048]))
                .hasMessageContaining("maxRecordSize=2048");
        assertThat(producer.metrics().snapshots()).isEmpty();
        assertThat(producer.metrics().flush()).isCompleted();
        assertThat(MockProducer.builder().build().config().maxRecordSize()).isEqualTo(Config.DEFAULT_MAX_RECORD_SIZE);
    }

    @Test
    void theBuilderNamesTheBadFieldAndValue() {
        assertThatThrownBy(() -> MockProducer.builder().shardCount(0).build())
                .hasMessage("shardCount must be in [1, 100000] (got 0)");
        assertThatThrownBy(() -> MockProducer.builder().maxOutstandingRecords(0).build())
                .hasMessage("maxOutstandingRecords must be at least 1 (got 0)");
        assertThatThrownBy(() -> MockProducer.builder().maxBlockTime(Duration.ofSeconds(-1)).build())
                .hasMessage("maxBlockTime must be in [PT0S, PT24H] (got PT-1S)");
        assertThatThrownBy(() -> MockProducer.builder().callbackExecutor(null).build())
                .hasMessage("callbackExecutor must not be null");
        assertThatThrownBy(() -> MockProducer.builder().clock(null).build()).hasMessage("clock must not be null");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
