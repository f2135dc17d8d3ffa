package dev.aiokpl.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aiokpl.internal.metrics.DefaultMetricsManagerTest.RecordingEventfulSink;
import dev.aiokpl.sinks.MetricEvent;
import dev.aiokpl.sinks.MetricSnapshot;
import dev.aiokpl.sinks.MetricsSink;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SinkGuardTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final ManualScheduler time = new ManualScheduler();

    private static final List<MetricSnapshot> WINDOW = List.of(new MetricSnapshot("UserRecordsPut", 1, 1.0, 1.0,
            1.0, Map.of("stream", "s"), ManualScheduler.EPOCH, ManualScheduler.EPOCH.plusSeconds(10)));

    private SinkGuard guard(MetricsSink sink) {
        return new SinkGuard(sink, time, time, TIMEOUT.toNanos());
    }

    private SinkGuard started(MetricsSink sink) {
        SinkGuard guard = guard(sink);
        guard.start();
        return guard;
    }

    @Nested
    class Exports {

        @Test
        void aWindowGoesToTheSinkAndTheFutureCompletesWithTheSinks() {
            CompletableFuture<Void> sinkDone = new CompletableFuture<>();
            ScriptedSink sink = new ScriptedSink().thenAnswer(() -> sinkDone);
            SinkGuard guard = started(sink);

            CompletableFuture<Void> over = guard.export(() -> WINDOW);

            assertThat(sink.exports()).containsExactly(WINDOW);
            assertThat(over).isNotDone();
            sinkDone.complete(null);
            assertThat(over).isCompletedWithValue(null);
            assertThat(time.pendingTasks()).as("timeout cancelled").isZero();
        }

        @Test
        void anEmptyWindowIsNotExported() {
            ScriptedSink sink = new ScriptedSink();
            SinkGuard guard = started(sink);

            assertThat(guard.export(List::of)).isCompletedWithValue(null);
            assertThat(sink.calls()).containsExactly("start");
        }

        @Test
        void aThrowingExportIsContainedAndTheNextOneStillGoes() {
            ScriptedSink sink = new ScriptedSink().thenAnswer(() -> {
                throw new IllegalStateException("boom");
            });
            SinkGuard guard = started(sink);

            assertThat(guard.export(() -> WINDOW)).isCompletedWithValue(null);
            assertThat(guard.export(() -> WINDOW)).isCompletedWithValue(null);
            assertThat(sink.exports()).hasSize(2);
        }

        @Test
        void aFailedOrNullExportFutureCompletesNormally() {
            ScriptedSink sink = new ScriptedSink()
                    .thenAnswer(() -> CompletableFuture.failedFuture(new RuntimeException("503")))
                    .thenAnswer(() -> null);
            SinkGuard guard = started(sink);

            assertThat(guard.export(() -> WINDOW)).isCompletedWithValue(null);
            assertThat(guard.export(() -> WINDOW)).isCompletedWithValue(null);
        }

        @Test
        void anExportThatNeverCompletesIsGivenUpAfterTheTimeout() {
            SinkGuard guard = started(new ScriptedSink().thenAnswer(CompletableFuture::new));

            CompletableFuture<Void> over = guard.export(() -> WINDOW);
            time.advance(TIMEOUT.minusNanos(1));
            assertThat(over).isNotDone();
            time.advance(Duration.ofNanos(1));
            assertThat(over).isCompletedWithValue(null);
        }

        @Test
        void aVirtualMachineErrorIsNotContained() {
            SinkGuard guard = started(new ScriptedSink().thenAnswer(() -> {
                throw new OutOfMemoryError("test");
            }));

            assertThatThrownBy(() -> guard.export(() -> WINDOW)).isInstanceOf(OutOfMemoryError.class);
        }
    }

    @Nested
    class Scheduling {

        @Test
        void onSchedulerRunsTheStepOnTheScheduler() {
            SinkGuard guard = started(new ScriptedSink());
            CompletableFuture<Void> step = new CompletableFuture<>();

            CompletableFuture<Void> result = guard.onScheduler(() -> step);

            assertThat(time.executedTasks()).isEqualTo(1);
            assertThat(result).isNotDone();
            step.completeExceptionally(new RuntimeException("never seen"));
            assertThat(result).isCompletedWithValue(null);
        }

        @Test
        void onSchedulerRunsTheStepHereOnceTheSchedulerIsShutDown() {
            SinkGuard guard = started(new ScriptedSink());
            time.shutdown();
            AtomicInteger runs = new AtomicInteger();

            CompletableFuture<Void> result = guard.onScheduler(() -> {
                runs.incrementAndGet();
                return CompletableFuture.completedFuture(null);
            });

            assertThat(runs).hasValue(1);
            assertThat(result).isCompletedWithValue(null);
        }

        @Test
        void aStepThatThrowsStillCompletesTheResult() {
            SinkGuard guard = started(new ScriptedSink());

            CompletableFuture<Void> result = guard.onScheduler(() -> {
                throw new IllegalStateException("boom");
            });

            assertThat(result).isCompletedWithValue(null);
        }

        @Test
        void repeatRunsTheTaskEveryPeriod() {
            SinkGuard guard = started(new ScriptedSink());
            AtomicInteger ticks = new AtomicInteger();

            guard.repeat(ticks::incrementAndGet, Duration.ofSeconds(5).toNanos());
            time.advance(Duration.ofSeconds(5).minusNanos(1));
            assertThat(ticks).hasValue(0);
            time.advance(Duration.ofSeconds(10).plusNanos(1));
            assertThat(ticks).hasValue(3);
        }

        @Test
        @Timeout(value = 10, unit = TimeUnit.SECONDS)
        void withoutASchedulerItRunsExportsOnItsOwnDaemonThreadAndStopsIt() throws Exception {
            ThreadRecordingSink sink = new ThreadRecordingSink();
            SinkGuard guard = new SinkGuard(sink, time, null, TIMEOUT.toNanos());
            guard.start();

            guard.onScheduler(() -> guard.export(() -> WINDOW)).get(5, TimeUnit.SECONDS);
            Thread thread = sink.exportThread.get(5, TimeUnit.SECONDS);
            assertThat(thread.getName()).isEqualTo(DefaultMetricsManager.THREAD_NAME);
            assertThat(thread.isDaemon()).isTrue();

            guard.close();
            thread.join(5_000);
            assertThat(thread.isAlive()).isFalse();
        }
    }

    @Nested
    class Lifecycle {

        @Test
        void closeClosesTheSinkOnceAndStopsLaterExports() {
            ScriptedSink sink = new ScriptedSink();
            SinkGuard guard = started(sink);

            guard.close();
            guard.close();
            AtomicInteger taken = new AtomicInteger();
            CompletableFuture<Void> late = guard.export(() -> {
                taken.incrementAndGet();
                return WINDOW;
            });

            assertThat(late).isCompletedWithValue(null);
            assertThat(taken).as("no window taken once closed").hasValue(0);
            assertThat(sink.calls()).containsExactly("start", "close");
            assertThat(time.isShutdown()).as("a given scheduler is left running").isFalse();
        }

        @Test
        void startAndCloseThatThrowAreContained() {
            FailingLifecycleSink sink = new FailingLifecycleSink();
            SinkGuard guard = guard(sink);

            assertThatCode(guard::start).doesNotThrowAnyException();
            assertThat(guard.export(() -> WINDOW)).isCompletedWithValue(null);
            assertThatCode(guard::close).doesNotThrowAnyException();
            assertThat(sink.kept.count("UserRecordsPut")).as("exports still attempted").isEqualTo(1);
        }

        @Test
        @Timeout(value = 10, unit = TimeUnit.SECONDS)
        void closeDoesNotWaitForAnExportHungInsideTheSink() throws Exception {
            CountDownLatch inSink = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ScriptedSink sink = new ScriptedSink().thenAnswer(() -> {
                inSink.countDown();
                awaitQuietly(release);
                return CompletableFuture.completedFuture(null);
            });
            SinkGuard guard = started(sink);
            Thread exporter = new Thread(() -> guard.export(() -> WINDOW));
            exporter.start();
            inSink.await();

            guard.close();

            assertThat(sink.calls()).containsExactly("start", "export", "close");
            release.countDown();
            exporter.join();
        }

        @Test
        @Timeout(value = 10, unit = TimeUnit.SECONDS)
        void theFinalExportIsWaitedForAtMostTheTimeout() {
            SinkGuard guard = new SinkGuard(new ScriptedSink(), time, time, Duration.ofMillis(1).toNanos());

            assertThatCode(() -> guard.awaitFinalExport(new CompletableFuture<>())).doesNotThrowAnyException();
            guard.awaitFinalExport(CompletableFuture.completedFuture(null));
        }

        @Test
        void anInterruptedWaitForTheFinalExportKeepsTheInterruptStatus() {
            SinkGuard guard = guard(new ScriptedSink());

            Thread.currentThread().interrupt();
            guard.awaitFinalExport(new CompletableFuture<>());

            assertThat(Thread.interrupted()).isTrue();
        }

        private void awaitQuietly(CountDownLatch latch) {
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Nested
    class Records {

        @Test
        void anEventfulSinkGetsEachObservation() {
            RecordingEventfulSink sink = new RecordingEventfulSink();
            SinkGuard guard = started(sink);
            MetricEvent event = new MetricEvent("BufferingTime", 120, ManualScheduler.EPOCH, Map.of("stream", "s"));

            guard.record(event);

            assertThat(guard.eventful()).isTrue();
            assertThat(sink.events).containsExactly(event);
        }

        @Test
        void aThrowingRecordIsContained() {
            RecordingEventfulSink sink = new RecordingEventfulSink();
            sink.failRecords = true;
            SinkGuard guard = started(sink);

            for (int i = 0; i < 100; i++) {
                assertThatCode(() -> guard.record(new MetricEvent("UserRecordsPut", 1, ManualScheduler.EPOCH,
                        Map.of()))).doesNotThrowAnyException();
            }
        }

        @Test
        void aPlainSinkIsNotEventful() {
            assertThat(guard(new ScriptedSink()).eventful()).isFalse();
        }
    }

    @Nested
    class Throttle {

        private static final long T0 = 1_000_000_000_000L;
        private final WarningThrottle throttle = new WarningThrottle(T0);

        @Test
        void theFirstWarningGoesThroughAndTheRestOfTheMinuteIsCounted() {
            assertThat(throttle.tryAcquire(T0)).isZero();
            assertThat(throttle.tryAcquire(T0 + 1)).isEqualTo(-1);
            assertThat(throttle.tryAcquire(T0 + WarningThrottle.PERIOD_NANOS - 1)).isEqualTo(-1);

            assertThat(throttle.tryAcquire(T0 + WarningThrottle.PERIOD_NANOS)).as("suppressed since the last")
                    .isEqualTo(2);
            assertThat(throttle.tryAcquire(T0 + WarningThrottle.PERIOD_NANOS + 1)).isEqualTo(-1);
        }

        @Test
        void aQuietMinuteResetsTheCount() {
            throttle.tryAcquire(T0);
            throttle.tryAcquire(T0 + 1);
            throttle.tryAcquire(T0 + WarningThrottle.PERIOD_NANOS);

            assertThat(throttle.tryAcquire(T0 + 3 * WarningThrottle.PERIOD_NANOS)).isZero();
        }
    }

    /** A sink that completes {@link #exportThread} with the thread of its first export. */
    private static final class ThreadRecordingSink implements MetricsSink {
        final CompletableFuture<Thread> exportThread = new CompletableFuture<>();

        @Override
        public CompletableFuture<Void> export(List<MetricSnapshot> snapshots) {
            exportThread.complete(Thread.currentThread());
            return CompletableFuture.completedFuture(null);
        }
    }
}
