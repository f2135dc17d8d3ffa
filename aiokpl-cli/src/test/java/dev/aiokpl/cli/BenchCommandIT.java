package dev.aiokpl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import org.junit.jupiter.api.Test;

/** {@code aiokpl bench} against an existing stream on the shared kinesis-local. */
@IntegrationTest
class BenchCommandIT {

    @Test
    void jsonReportsTheNumbersOnOneLine() throws Exception {
        KinesisEmulator emulator = KinesisEmulator.kinesisLocal();
        String stream = emulator.uniqueStreamName("cli-bench");
        emulator.createStream(stream, 2);

        Cli.Result r = Cli.run("bench", "--records", "3000", "--record-size", "50", "--keys", "10", "--json",
                "--endpoint", emulator.endpoint().toString(), "--stream", stream, "--request-timeout-ms", "30000");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out().lines()).hasSize(1);
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("records").asLong()).isEqualTo(3000);
        assertThat(json.get("failed").asLong()).isZero();
        assertThat(json.get("recordSize").asInt()).isEqualTo(50);
        assertThat(json.get("shards").asInt()).isEqualTo(2);
        assertThat(json.get("recordsPerSecond").asDouble()).isPositive();
        assertThat(json.get("mbPerSecond").asDouble()).isPositive();
        assertThat(json.get("cpuSecondsPerMillionRecords").asDouble()).isPositive();
        assertThat(json.get("latencyP50Ms").asDouble()).isPositive();
        assertThat(json.get("latencyP99Ms").asDouble()).isGreaterThanOrEqualTo(json.get("latencyP50Ms").asDouble());
        assertThat(json.get("latencyMaxMs").asDouble()).isGreaterThanOrEqualTo(json.get("latencyP99Ms").asDouble());
        assertThat(json.get("kinesisRecords").asLong()).isBetween(1L, 3000L);
    }

    @Test
    void theTableNamesEachNumber() {
        KinesisEmulator emulator = KinesisEmulator.kinesisLocal();
        String stream = emulator.uniqueStreamName("cli-bench-table");
        emulator.createStream(stream, 1);

        Cli.Result r = Cli.run("bench", "--duration", "1s", "--rate", "500", "--endpoint",
                emulator.endpoint().toString(), "--stream", stream, "--request-timeout-ms", "30000");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("bench summary:");
        assertThat(Long.parseLong(Cli.row(r.out(), "records"))).isBetween(400L, 600L);
        assertThat(r.out()).contains("records/s", "MB/s", "CPU per million records", "latency p50", "latency p99",
                "latency max");
    }
}
