package dev.aiokpl.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.aiokpl.ProducerFullException;
import dev.aiokpl.internal.testing.ManualTicker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Backpressure: blocking, timing out, waking and interrupting a full producer's callers. Deadlines are
 * read from a manual ticker: a caller that waited would never see its deadline pass unless the test
 * moves the ticker.
 */
class CapacityTest {

    private final ManualTicker ticker = new ManualTicker();

    private Capacity capacity(long maxRecords, long maxBytes) {
        return new Capacity(maxRecords, maxBytes, ticker);
    }

    /** Acquires on another thread; returns once that thread waits for room. */
    private static CompletableFuture<Void> acquireWaiting(Capacity c, int size, long maxBlockNanos) {
        AtomicReference<Thread> waiter = new AtomicReference<>();
        CompletableFuture<Void> acquired = CompletableFuture.runAsync(() -> {
            waiter.set(Thread.currentThread());
            c.acquire(size, maxBlockNanos);
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> waiter.get() != null
                && waiter.get().getState() == Thread.State.TIMED_WAITING);
        return acquired;
    }

    @Test
    void countsRecordsAndBytesUntilReleased() {
        Capacity c = capacity(10, 1000);
        c.acquire(100, 0);
        c.acquire(50, 0);
        assertThat(c.records()).isEqualTo(2);
        assertThat(c.bytes()).isEqualTo(150);
        c.release(100);
        assertThat(c.records()).isEqualTo(1);
        assertThat(c.bytes()).isEqualTo(50);
    }

    @Test
    void zeroBlockTimeNeverBlocks() {
        Capacity c = capacity(1, 1000);
        c.acquire(10, 0);
        // The ticker never moves: a caller that waited would not return.
        assertThatThrownBy(() -> c.acquire(10, 0)).isInstanceOf(ProducerFullException.class)
                .hasMessageContaining("maxOutstandingRecords=1").hasMessageContaining("maxBlockTime=0 ms")
                .hasNoCause();
        assertThat(c.records()).isEqualTo(1);
        assertThat(c.bytes()).isEqualTo(10);
    }

    @Test
    void theByteLimitBlocksToo() {
        Capacity c = capacity(100, 100);
        c.acquire(60, 0);
        assertThatThrownBy(() -> c.acquire(60, 0)).isInstanceOf(ProducerFullException.class)
                .hasMessageContaining("maxOutstandingBytes=100");
        assertThat(c.records()).as("the record count is given back").isEqualTo(1);
        assertThat(c.bytes()).isEqualTo(60);
        c.acquire(40, 0);
        assertThat(c.bytes()).isEqualTo(100);
    }

    @Test
    void aRecordLargerThanTheByteLimitFitsAnEmptyProducer() {
        Capacity c = capacity(100, 100);
        c.acquire(500, 0);
        assertThat(c.bytes()).isEqualTo(500);
        assertThatThrownBy(() -> c.acquire(1, 0)).isInstanceOf(ProducerFullException.class);
    }

    @Test
    void blocksUntilMaxBlockTimeHasPassedOnTheTickerThenThrows() throws Exception {
        Capacity c = capacity(1, 1000);
        c.acquire(10, 0);
        CompletableFuture<Void> acquired = acquireWaiting(c, 10, TimeUnit.MILLISECONDS.toNanos(150));

        ticker.advance(Duration.ofMillis(149));
        assertThat(acquired).as("maxBlockTime has not passed on the ticker").isNotDone();
        ticker.advance(Duration.ofMillis(1));
        await().atMost(Duration.ofSeconds(10)).until(acquired::isDone);
        assertThat(acquired).isCompletedExceptionally();
        assertThatThrownBy(acquired::join).hasCauseInstanceOf(ProducerFullException.class)
                .hasMessageContaining("maxBlockTime=150 ms");
        assertThat(c.records()).isEqualTo(1);
    }

    @Test
    void releaseWakesABlockedCaller() throws Exception {
        Capacity c = capacity(1, 1000);
        c.acquire(10, 0);
        CompletableFuture<Void> acquired = acquireWaiting(c, 20, TimeUnit.SECONDS.toNanos(60));
        assertThat(acquired).isNotDone();

        c.release(10);
        acquired.get(10, TimeUnit.SECONDS);
        assertThat(c.records()).isEqualTo(1);
        assertThat(c.bytes()).isEqualTo(20);
    }

    @Test
    void anInterruptedCallerGetsProducerFullWithTheInterruptAndKeepsItsFlag() throws Exception {
        Capacity c = capacity(1, 1000);
        c.acquire(10, 0);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean flagAfter = new AtomicBoolean();
        Thread t = new Thread(() -> {
            try {
                c.acquire(10, TimeUnit.SECONDS.toNanos(60));
            } catch (Throwable e) {
                thrown.set(e);
                flagAfter.set(Thread.currentThread().isInterrupted());
            }
        }, "capacity-waiter");
        t.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> t.getState() == Thread.State.TIMED_WAITING);
        t.interrupt();
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(ProducerFullException.class)
                .hasCauseInstanceOf(InterruptedException.class).hasMessageContaining("interrupted");
        assertThat(flagAfter).isTrue();
        assertThat(c.records()).as("nothing was taken").isEqualTo(1);
    }

    @Test
    void anAlreadyInterruptedCallerThatFitsIsNotDisturbed() {
        Capacity c = capacity(2, 1000);
        Thread.currentThread().interrupt();
        try {
            c.acquire(10, TimeUnit.SECONDS.toNanos(1));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
