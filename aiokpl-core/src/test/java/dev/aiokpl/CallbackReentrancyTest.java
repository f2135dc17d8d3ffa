package dev.aiokpl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.aiokpl.internal.testing.ScriptedKinesisClient;
import dev.aiokpl.internal.testing.Shards;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC section 2: a record's callback may call the producer back. {@code putRecord},
 * {@code flush().join()} and {@code close()} from inside a callback neither deadlock nor wait out a
 * timeout with the default executor, even when every thread of the default pool is blocked in such a
 * callback; a second concurrent {@code close()} waits for the first; user code never runs on the
 * pipeline thread. The waits below are generous bounds that only a hang would exceed.
 */
class CallbackReentrancyTest {

    private static final byte[] DATA = "payload".getBytes(StandardCharsets.UTF_8);
    /** Far above anything these tests need: a test that waits this long has hung. */
    private static final long HANG_SECONDS = 20;

    private final ScriptedKinesisClient client = new ScriptedKinesisClient(Shards.even(2));
    private Producer producer;

    private Producer start(Config.Builder config) {
        producer = Producer.create(config.region("us-east-1").recordMaxBufferedTime(Duration.ofMillis(5)).build(),
                client);
        return producer;
    }

    @AfterEach
    void stop() {
        client.releasePutRecords();
        client.holdPutRecords(false);
        if (producer != null) {
            producer.close();
        }
    }

    @Test
    void flushJoinInsideACallbackCompletes() throws Exception {
        start(Config.builder());
        CompletableFuture<Boolean> flushedInCallback = producer.putRecord("orders", "k1", DATA)
                .thenApply(result -> {
                    producer.flush().join();
                    return true;
                });
        assertThat(flushedInCallback.get(HANG_SECONDS, TimeUnit.SECONDS)).isTrue();
        producer.putRecord("orders", "k2", DATA);
        producer.flush().get(HANG_SECONDS, TimeUnit.SECONDS);
        assertThat(producer.outstandingRecords()).isZero();
    }

    /**
     * A chain of callbacks, each putting the next record and then waiting in {@code flush().join()}
     * for it: the default pool has two threads, so by the third link every one of them is blocked
     * in a callback, and the next completion needs a thread all the same.
     */
    @Test
    void flushJoinInEveryDefaultCallbackThreadCompletes() throws Exception {
        start(Config.builder());
        int links = 6;
        List<CompletableFuture<Integer>> done = new ArrayList<>();
        for (int i = 0; i < links; i++) {
            done.add(new CompletableFuture<>());
        }
        chain(0, links, done);
        for (int i = 0; i < links; i++) {
            assertThat(done.get(i).get(HANG_SECONDS, TimeUnit.SECONDS)).isEqualTo(i);
        }
        assertThat(producer.flush()).succeedsWithin(Duration.ofSeconds(HANG_SECONDS));
    }

    private void chain(int link, int links, List<CompletableFuture<Integer>> done) {
        producer.putRecord("orders", "link-" + link, DATA).thenAccept(result -> {
            if (link + 1 < links) {
                chain(link + 1, links, done);
                producer.flush().join();
            }
            done.get(link).complete(link);
        });
    }

    @Test
    void closeInsideACallbackDrainsWithoutWaitingOutTheTimeout() throws Exception {
        // A close() that waited for its own callback would wait out closeTimeout (60 s) and then
        // the callback pool's 10 s: far beyond the bound below.
        start(Config.builder().closeTimeout(Duration.ofSeconds(60)));
        CompletableFuture<RecordResult> later = new CompletableFuture<>();
        CompletableFuture<Boolean> closedInCallback = producer.putRecord("orders", "k1", DATA).thenApply(result -> {
            producer.putRecord("orders", "k2", DATA).whenComplete((r, e) -> later.complete(r));
            producer.close();
            return true;
        });
        assertThat(closedInCallback.get(HANG_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(later.get(HANG_SECONDS, TimeUnit.SECONDS).successful())
                .as("the record put just before close() was drained, not failed").isTrue();
        assertThatThrownBy(() -> producer.putRecord("orders", "k3", DATA)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void putRecordInsideACallbackIsAccepted() throws Exception {
        start(Config.builder());
        CompletableFuture<RecordResult> second = producer.putRecord("orders", "k1", DATA)
                .thenCompose(result -> producer.putRecord("orders", "k2", DATA));
        assertThat(second.get(HANG_SECONDS, TimeUnit.SECONDS).successful()).isTrue();
    }

    @Test
    void aSecondConcurrentCloseReturnsOnlyOnceTheFirstHasFinished() throws Exception {
        client.holdPutRecords(true);
        start(Config.builder().closeTimeout(Duration.ofMillis(500)));
        List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            futures.add(producer.putRecord("orders", "k" + i, DATA));
        }
        await().atMost(Duration.ofSeconds(HANG_SECONDS)).until(() -> !client.heldPutRecords().isEmpty());
        Thread first = new Thread(producer::close, "first-close");
        first.start();
        await().atMost(Duration.ofSeconds(HANG_SECONDS)).untilAsserted(() ->
                assertThatThrownBy(() -> producer.putRecord("orders", "late", DATA))
                        .isInstanceOf(IllegalStateException.class));

        producer.close();

        assertThat(futures).as("every record is terminal when any close() returns").allSatisfy(f ->
                assertThat(f).isDone());
        first.join(TimeUnit.SECONDS.toMillis(HANG_SECONDS));
        assertThat(first.isAlive()).isFalse();
    }

    @Test
    void callbacksRejectedByTheUserExecutorNeverRunOnThePipelineThread() throws Exception {
        List<String> threads = new CopyOnWriteArrayList<>();
        start(Config.builder().callbackExecutor(task -> {
            throw new RejectedExecutionException("saturated");
        }));
        List<CompletableFuture<?>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            futures.add(producer.putRecord("orders", "k" + i, DATA)
                    .thenRun(() -> threads.add(Thread.currentThread().getName())));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(HANG_SECONDS, TimeUnit.SECONDS);
        assertThat(threads).hasSize(20).noneMatch(name -> name.contains("pipeline"));
    }

    @Test
    void aCallbackBlockedOnAFullProducerDoesNotStopThePipeline() throws Exception {
        // The user executor rejects everything: the callbacks must not run on the pipeline thread,
        // or this one, waiting for room that only the pipeline can free, would stop it for good.
        start(Config.builder().maxOutstandingRecords(1).maxBlockTime(Duration.ofSeconds(HANG_SECONDS))
                .callbackExecutor(task -> {
                    throw new RejectedExecutionException("saturated");
                }));
        AtomicReference<CompletableFuture<RecordResult>> inner = new AtomicReference<>();
        CompletableFuture<RecordResult> first = producer.putRecord("orders", "k1", DATA);
        CompletableFuture<Void> reentered = first.thenAccept(r -> {
            producer.putRecord("orders", "k2", DATA);
            inner.set(producer.putRecord("orders", "k3", DATA)); // waits for k2 to complete
        });
        reentered.get(HANG_SECONDS, TimeUnit.SECONDS);
        assertThat(inner.get().get(HANG_SECONDS, TimeUnit.SECONDS).successful()).isTrue();
    }
}
