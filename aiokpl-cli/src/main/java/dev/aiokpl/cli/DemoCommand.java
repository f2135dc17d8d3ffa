package dev.aiokpl.cli;

import dev.aiokpl.testkit.ReadRecord;
import dev.aiokpl.testkit.StreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code aiokpl demo}: the whole round trip on one machine. Starts kinesis-local, creates a
 * stream, sends numbered records through the producer, reads the stream back as a KCL consumer
 * would (de-aggregating with KCL's AggregatorUtil), checks every record by content, and prints the
 * numbers. Exit code 0 only if no record is missing.
 */
@Command(name = "demo",
        sortOptions = false,
        header = "Start a local Kinesis, send records, read them back and verify every one.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        optionListHeading = "%nOptions:%n",
        customSynopsis = {"aiokpl demo [--records=N] [--shards=N] [--record-size=BYTES] [--keys=N]",
            "                   [--endpoint=URL] [--region=REGION] [--stream=STREAM]",
            "                   [OPTIONS]"},
        description = {
            "Round trip on this machine: start the local Kinesis emulator kinesis-local (installed with npm"
                + " into .emulators on first use; needs Node.js 18+), create a stream, send --records records"
                + " through the producer with live progress, read the stream back de-aggregating with KCL,"
                + " verify every record by content, print a summary, stop the emulator.",
            "",
            "With --endpoint and/or --region it uses an existing --stream there instead (no emulator);"
                + " the whole stream is read back, so use an empty one.",
            "",
            "Exits 0 only if every record sent was read back."},
        footer = {"", "The producer settings are the library's defaults, the emulator's too: the producer"
                + " adapts its request size and concurrency to a slow endpoint (AdaptiveSending). Options and"
                + " --config override them.", "", "Example:", "  ./aiokpl demo --records 100000"})
final class DemoCommand implements Callable<Integer> {

    /** Bytes of a record's header: run id, '-', 10-digit index, '-'. */
    static final int HEADER_SIZE = 20;
    private static final Duration SIGNAL_FLUSH_BOUND = Duration.ofSeconds(10);
    private static final Duration READ_BACK_TIMEOUT = Duration.ofMinutes(10);

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Option(names = "--records", paramLabel = "N", defaultValue = "100000",
            description = "Records to send (default: ${DEFAULT-VALUE}).")
    long records;

    @Option(names = "--shards", paramLabel = "N", defaultValue = "4",
            description = "Shards of the emulator's new stream (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--record-size", paramLabel = "BYTES", defaultValue = "100",
            description = "Data bytes per record, at least " + HEADER_SIZE + " (default: ${DEFAULT-VALUE}).")
    int recordSize;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "1000",
            description = "Distinct partition keys (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--stream", paramLabel = "STREAM",
            description = "Stream name: required with --endpoint/--region; default a new aiokpl-demo-<id>.")
    String stream;

    @ArgGroup(validate = false, heading = "%nA Kinesis of your own instead of the emulator:%n", order = 2)
    ConnectionOptions connection = new ConnectionOptions();

    @ArgGroup(validate = false, heading = "%nProducer settings (override --config; defaults are the library's):%n",
            order = 3)
    ProducerOptions producer = new ProducerOptions();

    @Override
    public Integer call() {
        if (records < 1) {
            throw new ParameterException(spec.commandLine(), "--records must be at least 1 (got " + records + ")");
        }
        if (recordSize < HEADER_SIZE || recordSize > 1_000_000) {
            throw new ParameterException(spec.commandLine(), "--record-size must be in [" + HEADER_SIZE
                    + ", 1000000] (got " + recordSize + ")");
        }
        if (keys < 1) {
            throw new ParameterException(spec.commandLine(), "--keys must be at least 1 (got " + keys + ")");
        }
        Io io = main.io();
        TotalsSink sink = new TotalsSink();
        try (Target target = Target.open(spec.commandLine(), io, main.guard(), connection, producer, stream, shards,
                "aiokpl-demo", sink)) {
            return run(io, target, sink);
        }
    }

    private int run(Io io, Target target, TotalsSink sink) {
        String runId = UUID.randomUUID().toString().substring(0, 8);
        String name = target.stream();
        io.err().printf(Locale.ROOT, "sending %d records of %d bytes (%d partition keys) to %s%s%n",
                records, recordSize, keys, name, target.local() ? "" : " at " + target.where());
        Run run = new Run(io, target.config(), sink, "demo", records, Progress.modeFor(io, true), false);
        main.guard().onSignal(() -> {
            long outstanding = run.stopOnSignal(SIGNAL_FLUSH_BOUND);
            if (!run.claimReport()) {
                return false;
            }
            io.err().println("interrupted: partial summary (" + Run.interruptedNote(outstanding)
                    + "; the stream was not read back)");
            printSummary(io.out(), run, sendTable(run));
            target.stopEmulator();
            return true;
        });
        try (run) {
            if (!run.putAndWait(name, key(0), null, payload(runId, 0, recordSize), 0)) {
                return Main.FAILED;
            }
            for (long i = 1; i < records; i++) {
                if (!run.put(name, key(i), null, payload(runId, i, recordSize), i)) {
                    return Main.FAILED;
                }
            }
            run.finish();
        }

        main.guard().onSignal(() -> {
            if (!run.claimReport()) {
                return false;
            }
            io.err().println("interrupted while reading the stream back: summary of the sending");
            printSummary(io.out(), run, sendTable(run));
            target.stopEmulator();
            return true;
        });
        io.err().println("reading " + name + " back (every shard from TRIM_HORIZON, de-aggregated with KCL)...");
        long readStart = System.nanoTime();
        List<ReadRecord> read = StreamReader.readAll(target.admin().client(), name, READ_BACK_TIMEOUT);
        double readSeconds = (System.nanoTime() - readStart) / 1e9;
        Verification v = verify(runId, run.stats().accepted(), recordSize, keys, read);
        io.err().printf(Locale.ROOT, "read %d Kinesis records holding %d user records in %.1f s%n",
                v.kinesisRecords, read.size(), readSeconds);

        if (!run.claimReport()) {
            return Main.FAILED;
        }
        main.guard().onSignal(() -> false); // a signal now waits for this report
        PrintStream out = io.out();
        printSummary(out, run, sendTable(run)
                .row("Kinesis records read", v.kinesisRecords)
                .row("user records read", read.size())
                .row("read back in", Table.decimal(readSeconds), "s"));
        if (v.foreign > 0) {
            out.println("note: " + v.foreign + " record(s) in the stream were not sent by this run");
        }
        if (v.corrupt > 0) {
            out.println("corrupt: " + v.corrupt + " record(s) read back with a wrong partition key or data");
        }
        long missing = run.stats().accepted() - v.readBack;
        String missingText = missing + " missing";
        if (missing > 0) {
            long reported = run.stats().failed();
            missingText += " (" + Math.min(reported, missing) + " reported failed, "
                    + Math.max(0, missing - reported) + " lost)";
        }
        out.println("verification: " + run.stats().accepted() + " sent, " + v.readBack + " read back, "
                + missingText + ", " + v.duplicates + " duplicated");
        out.flush();
        return missing == 0 ? 0 : Main.FAILED;
    }

    /** The sending's numbers, the read-back's rows added by the caller. */
    private static Table sendTable(Run run) {
        RunStats s = run.stats();
        Table table = new Table()
                .row("records sent", s.accepted())
                .row("confirmed", s.succeeded())
                .row("failed", s.failed());
        for (Map.Entry<String, Long> e : s.failedByCode().entrySet()) {
            table.row("  " + e.getKey(), e.getValue());
        }
        long kinesisRecords = run.kinesisRecordsPut();
        table.row("Kinesis records put", kinesisRecords);
        if (kinesisRecords > 0) {
            table.row("aggregation ratio", Table.decimal((double) s.succeeded() / kinesisRecords),
                    "user records per Kinesis record");
        }
        return table.row("put-to-confirm p50", Table.millis(s.latency().percentileMicros(50)), "ms")
                .row("put-to-confirm p99", Table.millis(s.latency().percentileMicros(99)), "ms")
                .row("records/s", Math.round(s.succeeded() / s.elapsedSeconds()))
                .row("send time", Table.decimal(s.elapsedSeconds()), "s");
    }

    private static void printSummary(PrintStream out, Run run, Table table) {
        out.println("demo summary:");
        table.print(out);
        RunStats s = run.stats();
        for (String code : s.failedByCode().keySet()) {
            out.println("  first " + code + ": " + s.firstMessage(code));
        }
    }

    /** What reading back found. */
    static final class Verification {
        long readBack;
        long duplicates;
        long foreign;
        long corrupt;
        long kinesisRecords;
    }

    /**
     * Checks each record read against what record {@code i} must be: the data byte for byte and
     * the partition key. Counts each index seen once, then duplicates; records of other runs are
     * "foreign".
     */
    static Verification verify(String runId, long sent, int size, int keys, List<ReadRecord> read) {
        Verification v = new Verification();
        BitSet seen = new BitSet((int) Math.min(Integer.MAX_VALUE, sent));
        Set<String> kinesisRecords = new HashSet<>();
        byte[] prefix = (runId + "-").getBytes(StandardCharsets.US_ASCII);
        for (ReadRecord r : read) {
            kinesisRecords.add(r.shardId() + "/" + r.sequenceNumber());
            byte[] data = r.data();
            long index = r.rawMagic() ? -1 : index(data, prefix);
            if (index < 0 || index >= sent) {
                if (r.rawMagic() || startsWith(data, prefix)) {
                    v.corrupt++;
                } else {
                    v.foreign++;
                }
                continue;
            }
            if (!Arrays.equals(data, payload(runId, index, size)) || !key(index, keys).equals(r.partitionKey())) {
                v.corrupt++;
            } else if (seen.get((int) index)) {
                v.duplicates++;
            } else {
                seen.set((int) index);
            }
        }
        v.readBack = seen.cardinality();
        v.kinesisRecords = kinesisRecords.size();
        return v;
    }

    /** Partition key of record {@code i}. */
    private String key(long i) {
        return key(i, keys);
    }

    static String key(long i, int keys) {
        return "key-" + (i % keys);
    }

    /**
     * Data of record {@code i}: {@code <runId>-<index, 10 digits>-} then letters that depend on the
     * index and position, so a record swapped or altered in any byte is caught.
     */
    static byte[] payload(String runId, long i, int size) {
        byte[] data = new byte[size];
        String header = runId + "-" + String.format(Locale.ROOT, "%010d", i) + "-";
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(h, 0, data, 0, Math.min(h.length, size));
        for (int j = h.length; j < size; j++) {
            data[j] = (byte) ('a' + (int) ((i + j) % 26));
        }
        return data;
    }

    private static long index(byte[] data, byte[] prefix) {
        if (data.length < HEADER_SIZE || !startsWith(data, prefix) || data[prefix.length + 10] != '-') {
            return -1;
        }
        long value = 0;
        for (int k = prefix.length; k < prefix.length + 10; k++) {
            byte b = data[k];
            if (b < '0' || b > '9') {
                return -1;
            }
            value = value * 10 + (b - '0');
        }
        return value;
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        return data.length >= prefix.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
    }
}
