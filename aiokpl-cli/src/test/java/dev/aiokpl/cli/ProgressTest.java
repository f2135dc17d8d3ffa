package dev.aiokpl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Io io(boolean terminal, int columns) {
        return new Io(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(new byte[0]), terminal, columns);
    }

    @Test
    void plainLinesHaveNoControlCharacters() {
        RunStats stats = new RunStats(false);
        stats.countAccepted();
        stats.succeeded(100, 5_000_000);
        Progress p = new Progress(io(false, 80), Progress.Mode.LINES, "demo", 10, stats, () -> 9);
        p.start();
        p.stop();
        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(text).startsWith("demo: 1/10 confirmed (10%), ").contains("outstanding 9, errors 0").endsWith("\n");
        assertThat(text.chars().filter(c -> c < 0x20 && c != '\n')).isEmpty();
    }

    @Test
    void theBarRedrawsInPlaceAndFitsTheTerminal() {
        RunStats stats = new RunStats(false);
        for (int i = 0; i < 50; i++) {
            stats.countAccepted();
            stats.succeeded(100, 1_000_000);
        }
        stats.failed(3, "Expired", "too old");
        Progress p = new Progress(io(true, 80), Progress.Mode.BAR, "demo", 100, stats, () -> 49);
        String bar = p.bar(51, 1234, 49, 1, 2.0);
        assertThat(bar).startsWith("[").contains("]  51% 51/100", "1234 rec/s", "outstanding 49", "errors 1");
        assertThat(bar.length()).isLessThanOrEqualTo(79);
        p.start();
        p.stop();
        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(text).startsWith("\r[").contains("\u001b[K").endsWith("\n");
    }

    @Test
    void aNarrowTerminalDropsTheBarButKeepsTheNumbers() {
        Progress p = new Progress(io(true, 50), Progress.Mode.BAR, "demo", 100, new RunStats(false), () -> 0);
        assertThat(p.bar(10, 5, 0, 0, 1.0)).startsWith("10%").hasSizeLessThanOrEqualTo(49);
    }

    @Test
    void anUnknownTotalShowsCounts() {
        RunStats stats = new RunStats(false);
        stats.countAccepted();
        Progress p = new Progress(io(false, 80), Progress.Mode.LINES, "put", -1, stats, () -> 1);
        assertThat(p.line(0, 0, 1, 0, 1.0)).startsWith("put: 1 sent, 0 done, 0 records/s");
    }
}
