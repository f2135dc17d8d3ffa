package dev.aiokpl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DaemonThreadFactoryTest {

    @Test
    void threadsAreNamedDaemonsAndAwaitedUntilTheyHaveEnded() throws Exception {
        DaemonThreadFactory f = new DaemonThreadFactory("test-pool");
        ExecutorService pool = Executors.newFixedThreadPool(2, f);
        CountDownLatch ran = new CountDownLatch(2);
        Thread[] seen = new Thread[2];
        for (int i = 0; i < 2; i++) {
            int k = i;
            pool.execute(() -> {
                seen[k] = Thread.currentThread();
                ran.countDown();
            });
        }
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).allSatisfy(t -> {
            assertThat(t.getName()).startsWith("aiokpl-test-pool-");
            assertThat(t.isDaemon()).isTrue();
        });
        pool.shutdown();
        assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();

        assertThat(f.awaitThreadsEnded(Duration.ofSeconds(5))).isTrue();
        assertThat(seen).allSatisfy(t -> assertThat(t.isAlive()).as(t.getName()).isFalse());
    }

    @Test
    void aThreadThatDoesNotEndIsReportedAfterTheTimeout() throws Exception {
        DaemonThreadFactory f = new DaemonThreadFactory("test-stuck");
        CountDownLatch release = new CountDownLatch(1);
        Thread stuck = f.newThread(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        f.newThread(() -> { }); // never started: counts as ended
        stuck.start();
        assertThat(f.awaitThreadsEnded(Duration.ofMillis(200))).as("still running at the timeout").isFalse();
        release.countDown();
        assertThat(f.awaitThreadsEnded(Duration.ofSeconds(5))).isTrue();
        assertThat(stuck.isAlive()).isFalse();
    }
}
