package dev.aiokpl.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code aiokpl} command: {@code demo}, {@code put} and {@code bench}.
 *
 * <p>Exit codes: 0 success, 1 a failure (a record failed, records are missing, the stream does not
 * exist...), 2 bad arguments (with the usage on standard error), 130 interrupted (Ctrl-C).
 */
@Command(name = "aiokpl",
        mixinStandardHelpOptions = true,
        commandListHeading = "%nCommands:%n",
        optionListHeading = "%nOptions:%n",
        versionProvider = Main.Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "aiokpl: a pure-Java Kinesis producer (aggregation, shard prediction, rate limiting,"
                + " batching, retries) on the command line.",
        subcommands = {DemoCommand.class, PutCommand.class, BenchCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  ./aiokpl demo                  (local round trip, 100000 records)",
                "  ./aiokpl put --stream events --partition-key-field user_id events.jsonl",
                "  ./aiokpl bench --duration 30s --json",
                "", "Exit codes: 0 success, 1 a record failed or went missing (or an error), 2 bad arguments,"
                + " 130 interrupted (Ctrl-C: the records already accepted are flushed, for up to 10 s, and a"
                + " partial summary is printed).",
                "Run 'aiokpl COMMAND --help' for a command's options."})
public final class Main implements Runnable {

    /** Exit code of a run where something failed. */
    static final int FAILED = 1;
    /** Exit code of bad arguments (picocli's usage-error code). */
    static final int USAGE = 2;

    private final Io io;
    private final ShutdownGuard guard;

    @Spec
    CommandSpec spec;

    Main(Io io, ShutdownGuard guard) {
        this.io = io;
        this.guard = guard;
    }

    Io io() {
        return io;
    }

    ShutdownGuard guard() {
        return guard;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: demo, put or bench");
    }

    /** Runs the command line with the process's streams; a Ctrl-C prints the partial summary. */
    public static void main(String[] args) {
        ShutdownGuard guard = new ShutdownGuard();
        Thread hook = new Thread(guard::run, "aiokpl-cli-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = execute(args, Io.system(), guard);
        guard.mainDone();
        if (guard.signalled()) {
            return; // the JVM is already exiting; System.exit would block until the hook ends.
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return;
        }
        System.exit(code);
    }

    /**
     * Runs one command line and returns its exit code: what {@link #main} does, minus the exit,
     * for tests and embedding.
     */
    static int execute(String[] args, Io io, ShutdownGuard guard) {
        CommandLine cmd = commandLine(io, guard);
        return cmd.execute(args);
    }

    /** The configured command line (streams, exit codes, error handling). */
    static CommandLine commandLine(Io io, ShutdownGuard guard) {
        CommandLine cmd = new CommandLine(new Main(io, guard));
        cmd.setOut(new PrintWriter(io.out(), true, StandardCharsets.UTF_8));
        cmd.setErr(new PrintWriter(io.err(), true, StandardCharsets.UTF_8));
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setExecutionExceptionHandler((e, command, parseResult) -> {
            PrintWriter err = command.getErr();
            if (e instanceof CliException || e instanceof IllegalStateException || e instanceof UncheckedIOException) {
                err.println("error: " + e.getMessage());
            } else {
                err.println("error: " + e);
                e.printStackTrace(err);
            }
            err.flush();
            return FAILED;
        });
        return cmd;
    }

    /** The version from the build. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/aiokpl-cli-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                // Unknown version.
            }
            return new String[] {"aiokpl " + p.getProperty("version", "(unknown version)")
                    + " (Java " + System.getProperty("java.version") + ")"};
        }
    }
}
