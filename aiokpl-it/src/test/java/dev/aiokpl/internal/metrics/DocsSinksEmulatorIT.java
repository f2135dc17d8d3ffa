package dev.aiokpl.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.Config;
import dev.aiokpl.MetricsLevel;
import dev.aiokpl.Producer;
import dev.aiokpl.RecordResult;
import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The two sinks of docs/metrics.md (StdoutSink, EventfulStdoutSink), plugged into a producer that
 * sends to the local emulator: they receive the KPL's names with the stream and shard dimensions.
 */
@IntegrationTest
class DocsSinksEmulatorIT {

    @Test
    void docsSinksReceiveKplNamesAndDimensionsFromARealRun() throws Exception {
        KinesisEmulator emulator = KinesisEmulator.kinesisLocal();
        String stream = emulator.uniqueStreamName("metrics-docs");
        emulator.createStream(stream, 2);

        String out = captureStdout(() -> {
            Config config = Config.builder()
                    .region(emulator.region())
                    .endpointOverride(emulator.endpoint())
                    .credentialsProvider(emulator.credentialsProvider())
                    .metricsLevel(MetricsLevel.DETAILED)
                    .metricsSink(new EventfulStdoutSink())
                    .metricsUploadInterval(Duration.ofSeconds(1))
                    .build();
            List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
            try (Producer producer = Producer.create(config)) {
                for (int i = 0; i < 200; i++) {
                    futures.add(producer.putRecord(stream, "key-" + i, ("value-" + i).getBytes(StandardCharsets.UTF_8)));
                }
                producer.flush().get(60, TimeUnit.SECONDS);
            }
            for (CompletableFuture<RecordResult> f : futures) {
                assertThat(f.get(1, TimeUnit.SECONDS).successful()).isTrue();
            }
        });

        // Snapshot lines (export) and event lines (record), with the stream and shard dimensions.
        assertThat(out).contains("UserRecordsPut count=")
                .contains("KinesisRecordsPut count=")
                .contains("UserRecordsReceived count=")
                .contains("RequestTime count=")
                .contains("stream=" + stream)
                .contains("shard=shardId-");
        assertThat(out).contains("event UserRecordsReceived=1.0 dims={stream=" + stream + "}")
                .containsPattern("event UserRecordsPut=1\\.0 dims=\\{stream=" + stream + ", shard=shardId-\\d+}");
        double put = out.lines().filter(l -> l.startsWith("UserRecordsPut count="))
                .mapToDouble(l -> Double.parseDouble(l.replaceAll(".* sum=([0-9.E]+) .*", "$1"))).sum();
        assertThat(put).isEqualTo(200.0);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static String captureStdout(ThrowingRunnable body) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
