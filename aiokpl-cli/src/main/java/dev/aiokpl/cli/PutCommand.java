package dev.aiokpl.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonFactory;
import dev.aiokpl.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code aiokpl put}: sends newline-delimited records from a file or standard input. */
@Command(name = "put",
        sortOptions = false,
        header = "Send newline-delimited records (JSON lines or raw lines) from a file or standard input.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        customSynopsis = {"aiokpl put --stream=STREAM [--region=REGION] [--endpoint=URL]",
            "                  [--partition-key-field=FIELD | --partition-key-random]",
            "                  [--explicit-hash-key-field=FIELD] [--failures=FILE]",
            "                  [OPTIONS] [FILE | -]"},
        description = {
            "Send newline-delimited records from FILE (or standard input) to a Kinesis stream, one record per"
                + " line (the line is the data; blank lines are skipped).",
            "",
            "Partition key: by default a hash of the line (equal lines go to the same shard); with"
                + " --partition-key-random a random key; with --partition-key-field the value of a field of"
                + " the line read as JSON (dotted path for nested fields). A line whose key field is missing"
                + " or empty, or that is not JSON, fails with error code InvalidInput and its line number;"
                + " the other lines are still sent.",
            "",
            "Prints a summary on standard output; exits 1 if any record failed, listing each failure"
                + " (line, error code, message) on standard error or in --failures FILE."},
        footer = {"", "Credentials: the AWS SDK's default chain (environment, profile, SSO, container, instance);"
                + " for an --endpoint on 127.0.0.1/localhost without AWS_ACCESS_KEY_ID in the environment,"
                + " fixed fake ones (emulators accept any).",
            "", "Example:", "  ./aiokpl put --stream events --region eu-west-1 \\",
            "      --partition-key-field user_id events.jsonl"})
final class PutCommand implements Callable<Integer> {

    /** Failures listed on standard error before pointing at --failures. */
    static final int FAILURES_SHOWN = 20;
    private static final Duration SIGNAL_FLUSH_BOUND = Duration.ofSeconds(10);

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Option(names = "--stream", required = true, paramLabel = "STREAM", description = "The stream to write to.")
    String stream;

    @ArgGroup(validate = false, heading = "%nConnection:%n", order = 1)
    ConnectionOptions connection = new ConnectionOptions();

    /** Where partition keys come from: at most one of a JSON field and random keys. */
    static final class KeyOptions {
        @Option(names = "--partition-key-field", paramLabel = "FIELD",
                description = "Read lines as JSON; the partition key is this field's value.")
        String field;

        @Option(names = "--partition-key-random", description = "A random partition key per record.")
        boolean random;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    KeyOptions keys = new KeyOptions();

    @Option(names = "--explicit-hash-key-field", paramLabel = "FIELD",
            description = "Read lines as JSON; route by this field's value (a decimal hash key in 0..2^128-1)"
                    + " when present.")
    String explicitHashKeyField;

    @Option(names = "--failures", paramLabel = "FILE",
            description = "Write every failure to FILE as JSON lines {\"line\":..,\"errorCode\":..,\"errorMessage\":..}"
                    + " instead of listing them on standard error.")
    Path failuresFile;

    @ArgGroup(validate = false, heading = "%nProducer settings (override --config; defaults are the library's):%n",
            order = 3)
    ProducerOptions producer = new ProducerOptions();

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE",
            description = "Newline-delimited records; '-' or nothing for standard input.")
    String input;

    @Override
    public Integer call() throws IOException {
        Io io = main.io();
        TotalsSink sink = new TotalsSink();
        Config config = Settings.config(spec.commandLine(), connection, producer, null, sink);
        LineParser parser = new LineParser(keys.field, keys.random, explicitHashKeyField);
        boolean stdin = input == null || input.equals("-");
        InputStream in = stdin ? io.in() : open(Path.of(input));
        if (stdin && io.in() == System.in && System.console() != null) {
            io.err().println("reading records from standard input, one per line; end with Ctrl-D");
        }
        try (in; AdminClient admin = new AdminClient(config)) {
            admin.requireStream(stream);
            return send(io, config, sink, parser, in);
        }
    }

    private int send(Io io, Config config, TotalsSink sink, LineParser parser, InputStream in) throws IOException {
        Run run = new Run(io, config, sink, "put", -1, Progress.modeFor(io, false), true);
        AtomicLong lines = new AtomicLong();
        AtomicLong records = new AtomicLong(); // non-blank lines
        main.guard().onSignal(() -> {
            long outstanding = run.stopOnSignal(SIGNAL_FLUSH_BOUND);
            if (!run.claimReport()) {
                return false;
            }
            io.err().println("interrupted after line " + lines.get() + ": partial summary ("
                    + Run.interruptedNote(outstanding) + ")");
            report(io, run, lines.get(), records.get(), outstanding);
            return true;
        });
        try (run) {
            LineReader reader = new LineReader(in);
            boolean first = true; // sent alone, so the shard map is loaded before the bulk (see Run#putAndWait)
            byte[] line;
            while (!run.stopping() && (line = reader.next()) != null) {
                long number = lines.incrementAndGet();
                if (isBlank(line)) {
                    continue;
                }
                records.incrementAndGet();
                LineParser.Parsed parsed = parser.parse(line);
                if (!parsed.valid()) {
                    run.reject(number, parsed.error());
                    continue;
                }
                boolean sent = first
                        ? run.putAndWait(stream, parsed.partitionKey(), parsed.explicitHashKey(), line, number)
                        : run.put(stream, parsed.partitionKey(), parsed.explicitHashKey(), line, number);
                if (!sent) {
                    break;
                }
                first = false;
            }
            if (run.stopping()) {
                return Main.FAILED; // the signal handler reports
            }
            run.finish();
            if (!run.claimReport()) {
                return Main.FAILED;
            }
            main.guard().onSignal(() -> false); // a signal now waits for this report
            return report(io, run, lines.get(), records.get(), 0);
        }
    }

    private int report(Io io, Run run, long lines, long records, long outstanding) {
        RunStats s = run.stats();
        PrintStream out = io.out();
        Table table = new Table()
                .row("lines read", lines)
                .row("records", records)
                .row("sent", s.accepted())
                .row("succeeded", s.succeeded())
                .row("failed", s.failed());
        for (Map.Entry<String, Long> e : s.failedByCode().entrySet()) {
            table.row("  " + e.getKey(), e.getValue());
        }
        if (outstanding > 0) {
            table.row("outstanding (not confirmed)", outstanding);
        }
        long kinesisRecords = run.kinesisRecordsPut();
        table.row("Kinesis records", kinesisRecords);
        if (kinesisRecords > 0) {
            table.row("aggregation ratio", Table.decimal((double) s.succeeded() / kinesisRecords),
                    "user records per Kinesis record");
        }
        table.row("put-to-confirm p50", Table.millis(s.latency().percentileMicros(50)), "ms")
                .row("put-to-confirm p99", Table.millis(s.latency().percentileMicros(99)), "ms")
                .row("elapsed", Table.decimal(s.elapsedSeconds()), "s")
                .row("records/s", Math.round(s.succeeded() / s.elapsedSeconds()));
        out.println("put " + stream + ":");
        table.print(out);
        if (s.failed() > 0) {
            listFailures(io, s.failures());
        }
        return s.failed() > 0 || outstanding > 0 ? Main.FAILED : 0;
    }

    private void listFailures(Io io, List<RunStats.Failure> failures) {
        if (failuresFile != null) {
            try (OutputStream file = Files.newOutputStream(failuresFile);
                 JsonGenerator json = new JsonFactory().createGenerator(file)) {
                json.setRootValueSeparator(null);
                for (RunStats.Failure f : failures) {
                    json.writeStartObject();
                    json.writeNumberField("line", f.position());
                    json.writeStringField("errorCode", f.errorCode());
                    json.writeStringField("errorMessage", f.errorMessage());
                    json.writeEndObject();
                    json.writeRaw('\n');
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write --failures " + failuresFile + ": " + e.getMessage(), e);
            }
            io.err().println(failures.size() + " failed record(s) written to " + failuresFile);
            return;
        }
        io.err().println("failed records (line: error code: message):");
        failures.stream().limit(FAILURES_SHOWN).forEach(f ->
                io.err().println("  line " + f.position() + ": " + f.errorCode() + ": " + f.errorMessage()));
        if (failures.size() > FAILURES_SHOWN) {
            io.err().println("  ... and " + (failures.size() - FAILURES_SHOWN)
                    + " more; use --failures FILE to get them all");
        }
        io.err().flush();
    }

    private static InputStream open(Path file) {
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new CliException("no such file: " + file);
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t') {
                return false;
            }
        }
        return true;
    }
}
