package dev.aiokpl.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a command reads and writes: standard streams (or test doubles), and whether standard error
 * is a terminal, which decides between a progress bar redrawn in place and plain lines.
 *
 * @param out           results: summaries, verification lines, JSON
 * @param err           progress, status messages, errors
 * @param in            records for {@code put -}
 * @param errIsTerminal whether {@code err} is an interactive terminal
 * @param columns       the terminal's width (80 when unknown)
 */
record Io(PrintStream out, PrintStream err, InputStream in, boolean errIsTerminal, int columns) {

    /** System property set by the {@code ./aiokpl} launcher: whether stderr is a terminal ({@code [ -t 2 ]}). */
    static final String STDERR_TTY_PROPERTY = "aiokpl.stderr.tty";
    /** System property set by the launcher: the terminal's width in columns. */
    static final String COLUMNS_PROPERTY = "aiokpl.columns";

    /** The process's standard streams. */
    static Io system() {
        return new Io(System.out, System.err, System.in, stderrIsTerminal(), terminalColumns());
    }

    /**
     * The launcher's answer if it gave one; else, on Linux, whether fd 2 is a tty device; else false
     * (plain lines are always safe). {@code TERM=dumb} never gets control characters.
     */
    private static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        String told = System.getProperty(STDERR_TTY_PROPERTY);
        if (told != null) {
            return Boolean.parseBoolean(told);
        }
        try {
            Path target = Files.readSymbolicLink(Path.of("/proc/self/fd/2"));
            String name = target.toString();
            return name.startsWith("/dev/pts/") || name.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    private static int terminalColumns() {
        for (String value : new String[] {System.getProperty(COLUMNS_PROPERTY), System.getenv("COLUMNS")}) {
            if (value != null && value.matches("\\d{1,4}")) {
                int columns = Integer.parseInt(value);
                if (columns >= 20) {
                    return columns;
                }
            }
        }
        return 80;
    }
}
