package dev.aiokpl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;

/** The whole demo: it starts its own kinesis-local, so it also covers the install and start. */
@IntegrationTest
class DemoCommandIT {

    @Test
    void aSmallDemoReadsEveryRecordBack() {
        Cli.Result r = Cli.run("demo", "--records", "2000", "--shards", "2");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("verification: 2000 sent, 2000 read back, 0 missing, 0 duplicated");
        assertThat(Cli.row(r.out(), "confirmed")).isEqualTo("2000");
        assertThat(Cli.row(r.out(), "failed")).isEqualTo("0");
        assertThat(Double.parseDouble(Cli.row(r.out(), "aggregation ratio"))).isGreaterThan(1.0);
        assertThat(r.err()).contains("kinesis-local ready at http://127.0.0.1:", "created stream aiokpl-demo-",
                "demo: 2000/2000 confirmed (100%)", "kinesis-local stopped");
        // Standard error is not a terminal here: plain lines, no control characters anywhere.
        assertThat((r.out() + r.err()).chars().filter(c -> c < 0x20 && c != '\n')).isEmpty();
    }
}
