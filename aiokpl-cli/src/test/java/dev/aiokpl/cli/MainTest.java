package dev.aiokpl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Arguments, help and exit codes; nothing here talks to Kinesis. */
class MainTest {

    @TempDir
    Path dir;

    @Test
    void helpGoesToStdoutWithExitCodeZero() {
        for (String command : new String[] {"demo", "put", "bench"}) {
            Cli.Result r = Cli.run(command, "--help");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).contains("Usage: aiokpl " + command);
            assertThat(r.err()).isEmpty();
        }
        Cli.Result top = Cli.run("--help");
        assertThat(top.exitCode()).isZero();
        assertThat(top.out()).contains("demo", "put", "bench", "Exit codes");
    }

    @Test
    void noCommandIsAUsageError() {
        Cli.Result r = Cli.run();
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("missing command", "Usage: aiokpl");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void unknownOptionIsAUsageErrorWithTheUsage() {
        Cli.Result r = Cli.run("put", "--stream", "s", "--bogus");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--bogus'", "Usage: aiokpl put");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void missingStreamOptionIsAUsageError() {
        Cli.Result r = Cli.run("put", "file.jsonl");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required option: '--stream=STREAM'");
    }

    @Test
    void exclusiveOptionsAreAUsageError() {
        assertThat(Cli.run("put", "--stream", "s", "--partition-key-field", "a", "--partition-key-random")
                .exitCode()).isEqualTo(2);
        assertThat(Cli.run("bench", "--records", "5", "--duration", "5s").exitCode()).isEqualTo(2);
    }

    @Test
    void badValuesAreUsageErrors() {
        Cli.Result notANumber = Cli.run("demo", "--records", "many");
        assertThat(notANumber.exitCode()).isEqualTo(2);
        assertThat(notANumber.err()).contains("'many' is not a long");

        Cli.Result tooSmall = Cli.run("demo", "--record-size", "5");
        assertThat(tooSmall.exitCode()).isEqualTo(2);
        assertThat(tooSmall.err()).contains("--record-size must be in [20, 1000000] (got 5)");

        Cli.Result duration = Cli.run("bench", "--duration", "soon");
        assertThat(duration.exitCode()).isEqualTo(2);
        assertThat(duration.err()).contains("'soon' is not a duration");

        Cli.Result remoteWithoutStream = Cli.run("demo", "--region", "eu-west-1");
        assertThat(remoteWithoutStream.exitCode()).isEqualTo(2);
        assertThat(remoteWithoutStream.err()).contains("--stream is required with --endpoint or --region");
    }

    @Test
    void anInvalidProducerSettingNamesTheFieldAndExitsTwo() {
        Cli.Result r = Cli.run("put", "--stream", "s", "--region", "us-east-1", "--rate-limit", "0", "-");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("rateLimit must be in [1, 10000] (got 0)");
    }

    @Test
    void aBadConfigFileValueNamesTheKplPropertyAndExitsTwo() throws IOException {
        Path config = Files.writeString(dir.resolve("kpl.properties"), "RateLimit=fast\n");
        Cli.Result r = Cli.run("put", "--stream", "s", "--region", "us-east-1", "--config", config.toString(), "-");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("RateLimit must be an integer (got \"fast\")");
    }

    @Test
    void aMissingInputFileIsAnErrorWithExitCodeOne() {
        Cli.Result r = Cli.run("put", "--stream", "s", "--endpoint", "http://127.0.0.1:9", dir.resolve("none").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("error: no such file: " + dir.resolve("none"));
    }

    @Test
    void versionIsPrinted() {
        Cli.Result r = Cli.run("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("aiokpl ");
    }
}
