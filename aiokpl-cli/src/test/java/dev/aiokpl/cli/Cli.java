package dev.aiokpl.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the CLI in process, as a user would from a shell whose stderr is not a terminal. */
final class Cli {

    /** What one command line did. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    private Cli() {
    }

    static Result run(String... args) {
        return run(new ByteArrayInputStream(new byte[0]), new ShutdownGuard(), args);
    }

    static Result run(InputStream in, ShutdownGuard guard, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            int code = Main.execute(args, new Io(o, e, in, false, 80), guard);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    /** The value of a summary row ({@code "  label   value unit"}), or null. */
    static String row(String output, String label) {
        for (String line : output.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith(label + " ")) {
                String rest = trimmed.substring(label.length()).trim();
                return rest.split("\\s+")[0];
            }
        }
        return null;
    }
}
