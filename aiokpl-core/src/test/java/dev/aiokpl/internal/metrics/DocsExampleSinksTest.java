package dev.aiokpl.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.MetricsGranularity;
import dev.aiokpl.MetricsLevel;
import dev.aiokpl.sinks.MetricsSink;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sinks shown in docs/metrics.md print what the page says they print. */
class DocsExampleSinksTest {

    private final ManualScheduler time = new ManualScheduler();

    private List<String> run(MetricsSink sink) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            DefaultMetricsManager manager = new DefaultMetricsManager(MetricsLevel.DETAILED,
                    MetricsGranularity.SHARD, sink, Duration.ofSeconds(10), time, time.clock(), time);
            manager.start();
            manager.record(MetricNames.USER_RECORDS_PUT, 1, "orders", "shardId-000000000001", null);
            manager.record(MetricNames.USER_RECORDS_PUT, 1, "orders", "shardId-000000000001", null);
            time.advance(Duration.ofSeconds(10));
            manager.close();
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void stdoutSinkPrintsOneLinePerSnapshot() {
        assertThat(run(new StdoutSink())).containsExactly(
                "UserRecordsPut count=2 sum=2.0 dims={stream=orders, shard=shardId-000000000001}");
    }

    @Test
    void eventfulStdoutSinkAlsoPrintsEveryObservation() {
        assertThat(run(new EventfulStdoutSink())).containsExactly(
                "event UserRecordsPut=1.0 dims={stream=orders, shard=shardId-000000000001}",
                "event UserRecordsPut=1.0 dims={stream=orders, shard=shardId-000000000001}",
                "UserRecordsPut count=2 sum=2.0 dims={stream=orders, shard=shardId-000000000001}");
    }
}
