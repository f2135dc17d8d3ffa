package dev.aiokpl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import dev.aiokpl.testkit.ReadRecord;
import dev.aiokpl.testkit.StreamReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/** {@code aiokpl put} against kinesis-local, checked by reading the stream back with KCL. */
@IntegrationTest
class PutCommandIT {

    private static KinesisEmulator emulator;
    private static KinesisAsyncClient client;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        emulator = KinesisEmulator.kinesisLocal();
        client = emulator.newClient();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    /** The options every run here uses: the emulator, and room for its slow requests on a busy machine. */
    private static List<String> args(String stream, String... more) {
        List<String> args = new ArrayList<>(List.of("put", "--stream", stream, "--endpoint",
                emulator.endpoint().toString(), "--request-timeout-ms", "30000"));
        args.addAll(List.of(more));
        return args;
    }

    private static String jsonLine(int i, String user) {
        return "{\"user_id\":\"" + user + "\",\"seq\":" + i + ",\"msg\":\"event number " + i + "\"}";
    }

    @Test
    void tenThousandJsonLinesArriveKeyedByTheirField() throws IOException {
        String stream = emulator.uniqueStreamName("cli-put");
        emulator.createStream(stream, 2);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            lines.add(jsonLine(i, "user-" + (i % 300)));
        }
        Path file = Files.write(dir.resolve("events.jsonl"), lines, StandardCharsets.UTF_8);

        Cli.Result r = Cli.run(args(stream, "--partition-key-field", "user_id", file.toString())
                .toArray(String[]::new));

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(Cli.row(r.out(), "lines read")).isEqualTo("10000");
        assertThat(Cli.row(r.out(), "sent")).isEqualTo("10000");
        assertThat(Cli.row(r.out(), "succeeded")).isEqualTo("10000");
        assertThat(Cli.row(r.out(), "failed")).isEqualTo("0");
        assertThat(Long.parseLong(Cli.row(r.out(), "Kinesis records"))).isBetween(1L, 10_000L);
        assertThat(r.err()).doesNotContain("failed records");

        List<ReadRecord> read = StreamReader.readAll(client, stream);
        assertThat(read).noneMatch(ReadRecord::rawMagic);
        assertThat(read.stream().map(ReadRecord::dataAsString)).containsExactlyInAnyOrderElementsOf(lines);
        Map<String, String> keyOfLine = read.stream()
                .collect(Collectors.toMap(ReadRecord::dataAsString, ReadRecord::partitionKey));
        assertThat(keyOfLine.get(jsonLine(301, "user-1"))).isEqualTo("user-1");
        assertThat(read).allSatisfy(rec -> assertThat(rec.dataAsString()).contains(rec.partitionKey()));
    }

    @Test
    void aLineWithAnEmptyKeyIsReportedByNumberAndTheRestIsDelivered() throws IOException {
        String stream = emulator.uniqueStreamName("cli-put-bad-line");
        emulator.createStream(stream, 1);
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            lines.add(jsonLine(i, i == 7 ? "" : "user-" + i));
        }
        lines.add(9, "");  // a blank line (line 10) is skipped, not an error
        Path file = Files.write(dir.resolve("events.jsonl"), lines, StandardCharsets.UTF_8);
        Path failures = dir.resolve("failures.jsonl");

        Cli.Result r = Cli.run(args(stream, "--partition-key-field", "user_id", file.toString()).toArray(String[]::new));

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(Cli.row(r.out(), "lines read")).isEqualTo("31");
        assertThat(Cli.row(r.out(), "records")).isEqualTo("30");
        assertThat(Cli.row(r.out(), "succeeded")).isEqualTo("29");
        assertThat(Cli.row(r.out(), "failed")).isEqualTo("1");
        assertThat(Cli.row(r.out(), "InvalidInput")).isEqualTo("1");
        assertThat(r.err()).contains("line 7: InvalidInput: partition key field 'user_id' is empty");

        List<String> read = StreamReader.readAll(client, stream).stream().map(ReadRecord::dataAsString).toList();
        List<String> expected = new ArrayList<>(lines);
        expected.remove("");
        expected.remove(jsonLine(7, ""));
        assertThat(read).containsExactlyInAnyOrderElementsOf(expected);

        Cli.Result again = Cli.run(args(stream, "--partition-key-field", "user_id", "--failures", failures.toString(),
                file.toString()).toArray(String[]::new));
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("1 failed record(s) written to " + failures);
        assertThat(Files.readAllLines(failures)).containsExactly(
                "{\"line\":7,\"errorCode\":\"InvalidInput\",\"errorMessage\":\"partition key field 'user_id' is empty\"}");
    }

    @Test
    void rawLinesFromStandardInput() {
        String stream = emulator.uniqueStreamName("cli-put-stdin");
        emulator.createStream(stream, 1);
        String input = "first line\nsecond line\r\nthird line";
        Cli.Result r = Cli.run(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), new ShutdownGuard(),
                args(stream).toArray(String[]::new));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(Cli.row(r.out(), "succeeded")).isEqualTo("3");
        assertThat(StreamReader.readAll(client, stream).stream().map(ReadRecord::dataAsString))
                .containsExactlyInAnyOrder("first line", "second line", "third line");
    }

    @Test
    void aMissingStreamIsAClearErrorWithExitCodeOne() throws IOException {
        Path file = Files.writeString(dir.resolve("one.jsonl"), jsonLine(1, "u") + "\n");
        Cli.Result r = Cli.run(args("no-such-stream-here", file.toString()).toArray(String[]::new));
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: stream 'no-such-stream-here' does not exist at "
                + emulator.endpoint());
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aSignalFlushesWhatWasAcceptedAndPrintsThePartialSummary() throws Exception {
        String stream = emulator.uniqueStreamName("cli-put-signal");
        emulator.createStream(stream, 1);
        PipedOutputStream feed = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(feed, 1 << 16);
        ShutdownGuard guard = new ShutdownGuard();
        CompletableFuture<Cli.Result> running = CompletableFuture.supplyAsync(
                () -> Cli.run(in, guard, args(stream, "--partition-key-field", "user_id", "-").toArray(String[]::new)));
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            lines.append(jsonLine(i, "u" + i)).append('\n');
        }
        feed.write(lines.toString().getBytes(StandardCharsets.UTF_8));
        feed.flush();
        await().atMost(Duration.ofSeconds(60)).until(() -> guard.armed() && in.available() == 0);

        guard.run(); // what the JVM's shutdown hook does on Ctrl-C
        feed.close();
        Cli.Result r = running.get();

        assertThat(r.err()).contains("interrupted after line ");
        assertThat(r.out()).startsWith("put " + stream + ":");
        long sent = Long.parseLong(Cli.row(r.out(), "sent"));
        assertThat(sent).isBetween(1L, 100L);
        assertThat(Cli.row(r.out(), "succeeded")).isEqualTo(Long.toString(sent));
        assertThat(StreamReader.readAll(client, stream)).hasSize((int) sent);
    }
}
