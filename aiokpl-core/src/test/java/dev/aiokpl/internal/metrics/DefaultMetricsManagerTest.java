package dev.aiokpl.internal.metrics;

import static dev.aiokpl.internal.metrics.ManualScheduler.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import dev.aiokpl.MetricsGranularity;
import dev.aiokpl.MetricsLevel;
import dev.aiokpl.sinks.Dimensions;
import dev.aiokpl.sinks.EventfulMetricsSink;
import dev.aiokpl.sinks.InMemorySink;
import dev.aiokpl.sinks.MetricEvent;
import dev.aiokpl.sinks.MetricSnapshot;
import dev.aiokpl.sinks.MetricsSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DefaultMetricsManagerTest {

    private static final Duration INTERVAL = Duration.ofSeconds(10);

    private final ManualScheduler time = new ManualScheduler();

    private DefaultMetricsManager manager(MetricsLevel level, MetricsGranularity granularity, MetricsSink sink) {
        return new DefaultMetricsManager(level, granularity, sink, INTERVAL, time, time.clock(), time);
    }

    private DefaultMetricsManager started(MetricsSink sink) {
        DefaultMetricsManager manager = manager(MetricsLevel.DETAILED, MetricsGranularity.SHARD, sink);
        manager.start();
        return manager;
    }

    private static MetricSnapshot only(List<MetricSnapshot> snapshots) {
        assertThat(snapshots).hasSize(1);
        return snapshots.get(0);
    }

    @Nested
    class Windows {

        @Test
        void eachUploadTickExportsTheObservationsSinceThePreviousOne() {
            InMemorySink sink = new InMemorySink();
            DefaultMetricsManager manager = started(sink);

            manager.record("UserRecordsPut", 1, "s", "shard-1", null);
            manager.record("UserRecordsPut", 3, "s", "shard-1", null);
            time.advance(Duration.ofSeconds(9));
            assertThat(sink.exports()).isEmpty();
            manager.record("UserRecordsPut", 2, "s", "shard-1", null);
            time.advance(Duration.ofSeconds(1));

            assertThat(sink.exports()).hasSize(1);
            MetricSnapshot first = only(sink.exports().get(0));
            assertThat(first.name()).isEqualTo("UserRecordsPut");
            assertThat(first.count()).isEqualTo(3);
            assertThat(first.sum()).isEqualTo(6.0);
            assertThat(first.min()).isEqualTo(1.0);
            assertThat(first.max()).isEqualTo(3.0);
            assertThat(first.windowStart()).isEqualTo(at(Duration.ZERO));
            assertThat(first.windowEnd()).isEqualTo(at(INTERVAL));

            manager.record("UserRecordsPut", 5, "s", "shard-1", null);
            time.advance(INTERVAL);

            assertThat(sink.exports()).hasSize(2);
            MetricSnapshot second = only(sink.exports().get(1));
            assertThat(second.count()).isEqualTo(1);
            assertThat(second.sum()).isEqualTo(5.0);
            assertThat(second.min()).isEqualTo(5.0);
            assertThat(second.max()).isEqualTo(5.0);
            assertThat(second.windowStart()).isEqualTo(first.windowEnd());
            assertThat(second.windowEnd()).isEqualTo(at(INTERVAL.multipliedBy(2)));
        }

        @Test
        void anEmptyWindowIsNotExportedButStillClosesOnTheTick() {
            ScriptedSink sink = new ScriptedSink();
            DefaultMetricsManager manager = started(sink);

            time.advance(INTERVAL);
            assertThat(sink.calls()).containsExactly("start");

            manager.record("UserRecordsReceived", 1, "s", null, null);
            time.advance(INTERVAL);

            MetricSnapshot snapshot = only(sink.exports().get(0));
            assertThat(snapshot.windowStart()).isEqualTo(at(INTERVAL));
            assertThat(snapshot.windowEnd()).isEqualTo(at(INTERVAL.multipliedBy(2)));
        }

        @Test
        void flushExportsTheOpenWindowAtOnceAndTheNextWindowStartsThen() {
            InMemorySink sink = new InMemorySink();
            DefaultMetricsManager manager = started(sink);

            manager.record("RequestTime", 12, "s", null, null);
            time.advance(Duration.ofSeconds(4));
            CompletableFuture<Void> flushed = manager.flush();

            assertThat(flushed).isCompleted();
            MetricSnapshot flushedWindow = only(sink.exports().get(0));
            assertThat(flushedWindow.windowEnd()).isEqualTo(at(Duration.ofSeconds(4)));

            manager.record("RequestTime", 20, "s", null, null);
            time.advance(Duration.ofSeconds(6));
            MetricSnapshot next = only(sink.exports().get(1));
            assertThat(next.windowStart()).isEqualTo(at(Duration.ofSeconds(4)));
            assertThat(next.windowEnd()).isEqualTo(at(INTERVAL));
            assertThat(next.sum()).isEqualTo(20.0);
        }

        @Test
        void seriesAreSplitByKeptDimensionsAndOrderedByNameThenDimensions() {
            InMemorySink sink = new InMemorySink();
            DefaultMetricsManager manager = started(sink);

            manager.record("UserRecordsPut", 1, "s", "shard-2", null);
            manager.record("ErrorsByCode", 1, "s", "shard-1", "Throttled");
            manager.record("UserRecordsPut", 1, "s", "shard-1", null);
            manager.record("UserRecordsPut", 1, "s", "shard-1", null);
            manager.record("ErrorsByCode", 1, "s", "shard-1", "InternalFailure");
            manager.flush();

            List<MetricSnapshot> export = sink.exports().get(0);
            assertThat(export).extracting(MetricSnapshot::name, MetricSnapshot::count, MetricSnapshot::dimensions)
                    .containsExactly(
                            tuple("ErrorsByCode", 1L,
                                    Map.of("stream", "s", "shard", "shard-1", "error_code", "InternalFailure")),
                            tuple("ErrorsByCode", 1L,
                                    Map.of("stream", "s", "shard", "shard-1", "error_code", "Throttled")),
                            tuple("UserRecordsPut", 2L,
                                    Map.of("stream", "s", "shard", "shard-1")),
                            tuple("UserRecordsPut", 1L,
                                    Map.of("stream", "s", "shard", "shard-2")));
        }

        @Test
        void observationsMadeBeforeStartLandInTheFirstWindow() {
            InMemorySink sink = new InMemorySink();
            DefaultMetricsManager manager = manager(MetricsLevel.DETAILED, MetricsGranularity.SHARD, sink);
            manager.record("UserRecordsReceived", 1, "s", null, null);
            manager.start();
            time.advance(INTERVAL);

            assertThat(sink.count("UserRecordsReceived")).isEqualTo(1);
        }
    }

    @Nested
    class DimensionsKept {

        @ParameterizedTest(name = "{0} x {1} keeps {2}")
        @CsvSource({
            "SUMMARY,  GLOBAL, ''",
            "SUMMARY,  STREAM, stream",
            "SUMMARY,  SHARD,  stream",
            "DETAILED, GLOBAL, error_code",
            "DETAILED, STREAM, stream error_code",
            "DETAILED, SHARD,  stream shard error_code",
        })
        void levelAndGranularityDecideTheDimensions(MetricsLevel level, MetricsGranularity granularity,
                                                   String kept) {
            InMemorySink sink = new InMemorySink();
            DefaultMetricsManager manager = manager(level, granularity, sink);
            manager.start();

            manager.record("ErrorsByCode", 1, "orders", "shardId-000000000001", "Throttled");
            manager.flush();

            List<String> expected = kept.isBlank() ? List.of() : List.of(kept.trim().split(" "));
            assertThat(only(sink.exports().get(0)).dimensions().keySet()).containsExactlyElementsOf(expected);
        }

        @Test
        void summaryDropsShardAndErrorCodeSoTheirSeriesMerge() {
            InMemorySink sink = new InMemorySink();
            DefaultMetricsManager manager = manager(MetricsLevel.SUMMARY, MetricsGranularity.SHARD, sink);
            manager.start();

            manager.record("ErrorsByCode", 1, "orders", "shard-1", "Throttled");
            manager.record("ErrorsByCode", 1, "orders", "shard-2", "InternalFailure");
            manager.flush();

            MetricSnapshot merged = only(sink.exports().get(0));
            assertThat(merged.count()).isEqualTo(2);
            assertThat(merged.dimensions()).containsExactly(entry(Dimensions.STREAM, "orders"));
        }

        @Test
        void detailedDimensionsAreOrderedStreamShardErrorCode() {
            InMemorySink sink = new InMemorySink();
            DefaultMetricsManager manager = started(sink);

            manager.record("ErrorsByCode", 1, "orders", "shard-1", "Throttled");
            manager.flush();

            assertThat(only(sink.exports().get(0)).dimensions()).containsExactly(
                    entry("stream", "orders"), entry("shard", "shard-1"), entry("error_code", "Throttled"));
        }

        @Test
        void absentDimensionsAreLeftOut() {
            InMemorySink sink = new InMemorySink();
            DefaultMetricsManager manager = started(sink);

            manager.record("RequestTime", 7, "orders", null, null);
            manager.record("UserRecordsPending", 3, null, null, null);
            manager.flush();

            assertThat(sink.snapshots("RequestTime").get(0).dimensions()).containsExactly(entry("stream", "orders"));
            assertThat(sink.snapshots("UserRecordsPending").get(0).dimensions()).isEmpty();
        }
    }

    @Nested
    class Lifecycle {

        @Test
        void startStartsTheSinkOnceAndSchedulesTheUploadLoop() {
            ScriptedSink sink = new ScriptedSink();
            DefaultMetricsManager manager = started(sink);
            manager.start();

            assertThat(sink.calls()).containsExactly("start");
            assertThat(time.pendingTasks()).isEqualTo(1);
        }

        @Test
        void closeExportsTheLastWindowThenClosesTheSink() {
            ScriptedSink sink = new ScriptedSink();
            DefaultMetricsManager manager = started(sink);
            manager.record("UserRecordsPut", 1, "s", "shard-1", null);
            time.advance(INTERVAL);
            manager.record("UserRecordsPut", 4, "s", "shard-1", null);
            time.advance(Duration.ofSeconds(3));

            manager.close();

            assertThat(sink.calls()).containsExactly("start", "export", "export", "close");
            MetricSnapshot last = only(sink.exports().get(1));
            assertThat(last.sum()).isEqualTo(4.0);
            assertThat(last.windowEnd()).isEqualTo(at(INTERVAL.plusSeconds(3)));
            assertThat(time.pendingTasks()).as("upload loop cancelled").isZero();
            assertThat(time.isShutdown()).as("a given scheduler is left running").isFalse();
        }

        @Test
        void closeIsIdempotentAndLaterCallsAreHarmless() {
            ScriptedSink sink = new ScriptedSink();
            DefaultMetricsManager manager = started(sink);
            manager.record("UserRecordsPut", 1, "s", null, null);
            manager.close();
            manager.close();
            manager.record("UserRecordsPut", 1, "s", null, null);

            assertThat(manager.flush()).isCompleted();
            time.advance(INTERVAL.multipliedBy(3));
            assertThat(sink.calls()).containsExactly("start", "export", "close");
            assertThatThrownBy(manager::start).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void closeBeforeStartLeavesTheSinkAlone() {
            ScriptedSink sink = new ScriptedSink();
            DefaultMetricsManager manager = manager(MetricsLevel.DETAILED, MetricsGranularity.SHARD, sink);
            manager.record("UserRecordsPut", 1, "s", null, null);
            manager.close();

            assertThat(sink.calls()).isEmpty();
        }

        @Test
        void flushBeforeStartCompletesWithoutExporting() {
            ScriptedSink sink = new ScriptedSink();
            DefaultMetricsManager manager = manager(MetricsLevel.DETAILED, MetricsGranularity.SHARD, sink);
            manager.record("UserRecordsPut", 1, "s", null, null);

            assertThat(manager.flush()).isCompleted();
            assertThat(sink.calls()).isEmpty();
        }

        @Test
        @Timeout(value = 10, unit = TimeUnit.SECONDS)
        void withoutASchedulerItRunsAndStopsItsOwnDaemonThread() throws Exception {
            InMemorySink sink = new InMemorySink();
            DefaultMetricsManager manager = new DefaultMetricsManager(MetricsLevel.DETAILED,
                    MetricsGranularity.SHARD, sink, Duration.ofMinutes(1), time, time.clock(), null);
            manager.start();

            Thread thread = ownThread(manager);
            assertThat(thread.isDaemon()).isTrue();
            manager.record("UserRecordsPut", 2, "s", null, null);
            manager.flush().get(5, TimeUnit.SECONDS);
            assertThat(sink.sum("UserRecordsPut")).isEqualTo(2.0);

            manager.record("UserRecordsPut", 3, "s", null, null);
            manager.close();
            thread.join(5_000);

            assertThat(thread.isAlive()).isFalse();
            assertThat(sink.sum("UserRecordsPut")).isEqualTo(5.0);
            assertThat(sink.closed()).isTrue();
        }

        private Thread ownThread(DefaultMetricsManager manager) throws Exception {
            // The thread starts with its first task; make sure there is one.
            manager.flush().get(5, TimeUnit.SECONDS);
            List<Thread> threads = new ArrayList<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals(DefaultMetricsManager.THREAD_NAME) && t.isAlive()) {
                    threads.add(t);
                }
            }
            assertThat(threads).hasSize(1);
            return threads.get(0);
        }
    }

    @Nested
    class FailingSinks {

        @Test
        void aSinkThatThrowsFromExportDoesNotLoseLaterWindows() {
            ScriptedSink sink = new ScriptedSink().thenAnswer(() -> {
                throw new IllegalStateException("boom");
            });
            DefaultMetricsManager manager = started(sink);

            manager.record("UserRecordsPut", 1, "s", null, null);
            time.advance(INTERVAL);
            manager.record("UserRecordsPut", 2, "s", null, null);
            time.advance(INTERVAL);

            assertThat(sink.exports()).hasSize(2);
            assertThat(only(sink.exports().get(1)).sum()).isEqualTo(2.0);
        }

        @Test
        void aFailedExportFutureDoesNotLoseLaterWindowsAndFlushStillCompletesNormally() {
            ScriptedSink sink = new ScriptedSink()
                    .thenAnswer(() -> CompletableFuture.failedFuture(new RuntimeException("503")));
            DefaultMetricsManager manager = started(sink);

            manager.record("UserRecordsPut", 1, "s", null, null);
            CompletableFuture<Void> flushed = manager.flush();
            assertThat(flushed).isCompletedWithValue(null);

            manager.record("UserRecordsPut", 2, "s", null, null);
            time.advance(INTERVAL);
            assertThat(sink.exports()).hasSize(2);
            assertThat(only(sink.exports().get(1)).sum()).isEqualTo(2.0);
        }

        @Test
        void anExportThatNeverCompletesIsGivenUpAfterTheTimeout() {
            ScriptedSink sink = new ScriptedSink().thenAnswer(CompletableFuture::new);
            DefaultMetricsManager manager = started(sink);

            manager.record("UserRecordsPut", 1, "s", null, null);
            CompletableFuture<Void> flushed = manager.flush();
            time.advance(INTERVAL.minusNanos(1));
            assertThat(flushed).isNotDone();
            time.advance(Duration.ofNanos(1));
            assertThat(flushed).isCompletedWithValue(null);

            manager.record("UserRecordsPut", 2, "s", null, null);
            time.advance(INTERVAL);
            assertThat(sink.exports()).hasSize(2);
            assertThat(only(sink.exports().get(1)).sum()).isEqualTo(2.0);
        }

        @Test
        void theExportTimeoutIsCappedAtThirtySeconds() {
            ScriptedSink sink = new ScriptedSink().thenAnswer(CompletableFuture::new);
            DefaultMetricsManager manager = new DefaultMetricsManager(MetricsLevel.DETAILED,
                    MetricsGranularity.SHARD, sink, Duration.ofMinutes(5), time, time.clock(), time);
            manager.start();

            manager.record("UserRecordsPut", 1, "s", null, null);
            CompletableFuture<Void> flushed = manager.flush();
            time.advance(Duration.ofSeconds(30).minusNanos(1));
            assertThat(flushed).isNotDone();
            time.advance(Duration.ofNanos(1));
            assertThat(flushed).isDone();
        }

        @Test
        @Timeout(value = 10, unit = TimeUnit.SECONDS)
        void closeIsBoundedWhenTheFinalExportNeverCompletes() {
            ScriptedSink sink = new ScriptedSink().thenAnswer(CompletableFuture::new);
            DefaultMetricsManager manager = new DefaultMetricsManager(MetricsLevel.DETAILED,
                    MetricsGranularity.SHARD, sink, Duration.ofMillis(50), time, time.clock(), time);
            manager.start();
            manager.record("UserRecordsPut", 1, "s", null, null);

            manager.close();

            assertThat(sink.calls()).containsExactly("start", "export", "close");
        }

        @Test
        void startAndCloseThatThrowAreContained() {
            FailingLifecycleSink sink = new FailingLifecycleSink();
            DefaultMetricsManager manager = manager(MetricsLevel.DETAILED, MetricsGranularity.SHARD, sink);

            assertThatCode(manager::start).doesNotThrowAnyException();
            manager.record("UserRecordsPut", 1, "s", null, null);
            assertThatCode(manager::close).doesNotThrowAnyException();
            assertThat(sink.kept.count("UserRecordsPut")).isEqualTo(1);
        }

        @Test
        void aSinkReturningNullIsTreatedAsDone() {
            ScriptedSink sink = new ScriptedSink().thenAnswer(() -> null);
            DefaultMetricsManager manager = started(sink);
            manager.record("UserRecordsPut", 1, "s", null, null);

            assertThat(manager.flush()).isCompleted();
        }
    }

    @Nested
    class Eventful {

        @Test
        void everyObservationReachesTheEventfulSinkWithKeptDimensionsAndWallTime() {
            RecordingEventfulSink sink = new RecordingEventfulSink();
            DefaultMetricsManager manager = manager(MetricsLevel.DETAILED, MetricsGranularity.STREAM, sink);
            manager.start();

            manager.record("BufferingTime", 120, "orders", "shard-1", null);
            time.advance(Duration.ofMillis(250));
            manager.record("BufferingTime", 80, "orders", "shard-2", null);

            assertThat(sink.events).containsExactly(
                    new MetricEvent("BufferingTime", 120, at(Duration.ZERO), Map.of("stream", "orders")),
                    new MetricEvent("BufferingTime", 80, at(Duration.ofMillis(250)), Map.of("stream", "orders")));
            manager.flush();
            assertThat(sink.inMemory.count("BufferingTime")).isEqualTo(2);
        }

        @Test
        void aThrowingRecordIsContainedAndTheObservationStillCounts() {
            RecordingEventfulSink sink = new RecordingEventfulSink();
            sink.failRecords = true;
            DefaultMetricsManager manager = started(sink);

            for (int i = 0; i < 100; i++) {
                assertThatCode(() -> manager.record("UserRecordsPut", 1, "s", null, null))
                        .doesNotThrowAnyException();
            }
            manager.flush();
            assertThat(sink.inMemory.count("UserRecordsPut")).isEqualTo(100);
        }
    }

    @Nested
    class History {

        @Test
        void snapshotsShowRecentWindowsAndTheOpenOneWithoutResettingIt() {
            ScriptedSink sink = new ScriptedSink();
            DefaultMetricsManager manager = started(sink);

            manager.record("UserRecordsPut", 1, "s", null, null);
            time.advance(INTERVAL);
            manager.record("UserRecordsPut", 2, "s", null, null);
            time.advance(Duration.ofSeconds(5));

            List<MetricSnapshot> view = manager.snapshots();
            assertThat(view).extracting(MetricSnapshot::sum).containsExactly(1.0, 2.0);
            assertThat(view.get(1).windowStart()).isEqualTo(at(INTERVAL));
            assertThat(view.get(1).windowEnd()).isEqualTo(at(Duration.ofSeconds(15)));
            assertThat(manager.snapshots()).extracting(MetricSnapshot::sum).containsExactly(1.0, 2.0);

            time.advance(Duration.ofSeconds(5));
            assertThat(only(sink.exports().get(1)).sum()).as("peeking did not reset").isEqualTo(2.0);
        }

        @Test
        void windowsExportedMoreThanSixtySecondsAgoDropOut() {
            DefaultMetricsManager manager = started(new InMemorySink());

            manager.record("UserRecordsPut", 1, "s", null, null);
            time.advance(INTERVAL);
            assertThat(manager.snapshots()).hasSize(1);
            time.advance(Duration.ofSeconds(60));
            assertThat(manager.snapshots()).hasSize(1);
            time.advance(Duration.ofNanos(1));
            assertThat(manager.snapshots()).isEmpty();
        }

        @Test
        void aWindowTheSinkRejectedIsStillVisible() {
            ScriptedSink sink = new ScriptedSink()
                    .thenAnswer(() -> CompletableFuture.failedFuture(new RuntimeException("403")));
            DefaultMetricsManager manager = started(sink);

            manager.record("UserRecordsPut", 1, "s", null, null);
            time.advance(INTERVAL);

            assertThat(manager.snapshots()).extracting(MetricSnapshot::count).containsExactly(1L);
        }
    }

    @Nested
    class LevelNone {

        @Test
        void noneIsInert() {
            ScriptedSink sink = new ScriptedSink();
            DefaultMetricsManager manager = manager(MetricsLevel.NONE, MetricsGranularity.SHARD, sink);

            manager.start();
            manager.record("UserRecordsPut", 1, "s", "shard-1", null);

            assertThat(manager.enabled()).isFalse();
            assertThat(manager.snapshots()).isEmpty();
            assertThat(manager.flush()).isCompleted();
            assertThat(time.pendingTasks()).isZero();
            assertThat(time.executedTasks()).isZero();
            manager.close();
            assertThat(sink.calls()).as("never started, exported or closed").isEmpty();
        }

        @Test
        void noneNeverCreatesAThread() {
            RecordingEventfulSink sink = new RecordingEventfulSink();
            List<Thread> ownBefore = threadsNamed(DefaultMetricsManager.THREAD_NAME);
            DefaultMetricsManager manager = new DefaultMetricsManager(MetricsLevel.NONE,
                    MetricsGranularity.SHARD, sink, INTERVAL, time, time.clock(), null);

            manager.start();
            manager.record("UserRecordsPut", 1, "s", null, null);
            manager.flush();

            assertThat(threadsNamed(DefaultMetricsManager.THREAD_NAME)).containsExactlyInAnyOrderElementsOf(ownBefore);
            assertThat(sink.events).isEmpty();
            assertThat(sink.inMemory.started()).isFalse();
            manager.close();
            assertThat(sink.inMemory.closed()).isFalse();
        }

        private List<Thread> threadsNamed(String name) {
            List<Thread> found = new ArrayList<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals(name)) {
                    found.add(t);
                }
            }
            return found;
        }
    }

    @Test
    void rejectsANonPositiveUploadInterval() {
        assertThatThrownBy(() -> new DefaultMetricsManager(MetricsLevel.DETAILED, MetricsGranularity.SHARD,
                new InMemorySink(), Duration.ZERO, time, time.clock(), time))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("uploadInterval");
    }

    /** An eventful sink that keeps its events and delegates exports to an {@link InMemorySink}. */
    static final class RecordingEventfulSink implements EventfulMetricsSink {
        final List<MetricEvent> events = new CopyOnWriteArrayList<>();
        final InMemorySink inMemory = new InMemorySink();
        volatile boolean failRecords;

        @Override
        public void record(MetricEvent event) {
            if (failRecords) {
                throw new IllegalStateException("record failed");
            }
            events.add(event);
        }

        @Override
        public CompletableFuture<Void> export(List<MetricSnapshot> snapshots) {
            return inMemory.export(snapshots);
        }

        @Override
        public void start() {
            inMemory.start();
        }

        @Override
        public void close() {
            inMemory.close();
        }
    }
}
