package dev.aiokpl.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A two-column summary: labels left-aligned, values right-aligned, an optional unit after the
 * value. Plain text only, so it reads the same in a terminal, a pipe or a log.
 */
final class Table {

    private record Row(String label, String value, String unit) {
    }

    private final List<Row> rows = new ArrayList<>();

    Table row(String label, String value, String unit) {
        rows.add(new Row(label, value, unit == null ? "" : unit));
        return this;
    }

    Table row(String label, long value) {
        return row(label, Long.toString(value), "");
    }

    Table row(String label, long value, String unit) {
        return row(label, Long.toString(value), unit);
    }

    void print(PrintStream out) {
        int labelWidth = rows.stream().mapToInt(r -> r.label.length()).max().orElse(0);
        int valueWidth = rows.stream().mapToInt(r -> r.value.length()).max().orElse(0);
        for (Row r : rows) {
            String line = "  " + pad(r.label, labelWidth) + "  " + " ".repeat(valueWidth - r.value.length()) + r.value
                    + (r.unit.isEmpty() ? "" : " " + r.unit);
            out.println(line.stripTrailing());
        }
        out.flush();
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }

    /** One decimal, dot as separator. */
    static String decimal(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    /** Milliseconds with one decimal from microseconds. */
    static String millis(long micros) {
        return String.format(Locale.ROOT, "%.1f", micros / 1000.0);
    }
}
