package dev.aiokpl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aiokpl.Attempt;
import dev.aiokpl.RecordResult;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code aiokpl bench}: synthetic records as fast as the producer takes them (or at {@code --rate}),
 * to the local emulator or a real stream; reports throughput, CPU cost and put-to-confirm latency.
 */
@Command(name = "bench",
        sortOptions = false,
        header = "Measure throughput, CPU per record and latency with synthetic records.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        optionListHeading = "%nOptions:%n",
        customSynopsis = {"aiokpl bench [--records=N | --duration=D] [--record-size=BYTES]",
            "                    [--keys=K] [--shards=S] [--rate=R] [--json]",
            "                    [--endpoint=URL] [--region=REGION] [--stream=STREAM]",
            "                    [OPTIONS]"},
        description = {
            "Send synthetic records (--record-size bytes, --keys distinct partition keys) as fast as the"
                + " producer accepts them, or at --rate, to a stream on a kinesis-local started for the run"
                + " (as in demo) or, with --endpoint/--region, to an existing --stream.",
            "",
            "Reports records/s, MB/s, process CPU seconds per million records (all JVM threads, from"
                + " the start of sending to the last confirmation) and put-to-confirm latency p50/p99/max;"
                + " --json prints the same numbers as one JSON line on standard output.",
            "",
            "kinesis-local is slow (a few hundred Kinesis records/s, at most a couple of MB/s): against it"
                + " this measures the producer with aggregation on, not Kinesis."},
        footer = {"", "The producer settings are the library's defaults, the emulator's too: the producer"
                + " adapts its request size and concurrency to a slow endpoint (AdaptiveSending). Options and"
                + " --config override them.", "", "Examples:", "  ./aiokpl bench --records 500000 --record-size 200 --keys 256",
            "  ./aiokpl bench --duration 60s --rate 20000 --json"})
final class BenchCommand implements Callable<Integer> {

    private static final Duration SIGNAL_FLUSH_BOUND = Duration.ofSeconds(10);

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    /** How much to send: a number of records or a duration. */
    static final class Amount {
        @Option(names = "--records", paramLabel = "N", description = "Records to send (default: 100000).")
        Long records;

        @Option(names = "--duration", paramLabel = "D", converter = DurationConverter.class,
                description = "Send for this long instead: 30s, 5m, 1h, 500ms or ISO-8601 (PT30S).")
        Duration duration;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Amount amount = new Amount();

    @Option(names = "--record-size", paramLabel = "BYTES", defaultValue = "100",
            description = "Data bytes per record (default: ${DEFAULT-VALUE}).")
    int recordSize;

    @Option(names = "--keys", paramLabel = "K", defaultValue = "1000",
            description = "Distinct partition keys, used round robin (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--shards", paramLabel = "S", defaultValue = "4",
            description = "Shards of the emulator's new stream (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--rate", paramLabel = "R",
            description = "Offer records at R per second instead of as fast as possible.")
    Long rate;

    @Option(names = "--stream", paramLabel = "STREAM",
            description = "Stream name: required with --endpoint/--region; default a new aiokpl-bench-<id>.")
    String stream;

    @Option(names = "--json", description = "Print the results as one JSON line instead of a table.")
    boolean json;

    @ArgGroup(validate = false, heading = "%nA Kinesis of your own instead of the emulator:%n", order = 2)
    ConnectionOptions connection = new ConnectionOptions();

    @ArgGroup(validate = false, heading = "%nProducer settings (override --config; defaults are the library's):%n",
            order = 3)
    ProducerOptions producer = new ProducerOptions();

    @Override
    public Integer call() {
        long records = amount.records == null ? 100_000 : amount.records;
        if (amount.duration == null && records < 1) {
            throw new ParameterException(spec.commandLine(), "--records must be at least 1 (got " + records + ")");
        }
        if (amount.duration != null && (amount.duration.isNegative() || amount.duration.isZero())) {
            throw new ParameterException(spec.commandLine(), "--duration must be positive (got " + amount.duration + ")");
        }
        if (recordSize < 1 || recordSize > 10 * 1024 * 1024) {
            throw new ParameterException(spec.commandLine(), "--record-size must be in [1, 10485760] (got "
                    + recordSize + ")");
        }
        if (keys < 1) {
            throw new ParameterException(spec.commandLine(), "--keys must be at least 1 (got " + keys + ")");
        }
        if (rate != null && rate < 1) {
            throw new ParameterException(spec.commandLine(), "--rate must be at least 1 (got " + rate + ")");
        }
        Io io = main.io();
        TotalsSink sink = new TotalsSink();
        try (Target target = Target.open(spec.commandLine(), io, main.guard(), connection, producer, stream, shards,
                "aiokpl-bench", sink)) {
            return run(io, target, sink, amount.duration == null ? records : -1);
        }
    }

    private int run(Io io, Target target, TotalsSink sink, long records) {
        String name = target.stream();
        byte[] data = new byte[recordSize];
        new Random(42).nextBytes(data);
        String[] partitionKeys = new String[keys];
        for (int k = 0; k < keys; k++) {
            partitionKeys[k] = "key-" + k;
        }
        io.err().printf(Locale.ROOT, "sending %s of %d bytes (%d partition keys%s) to %s%s%n",
                records >= 0 ? records + " records" : "records for " + amount.duration.toString().substring(2)
                        .toLowerCase(Locale.ROOT),
                recordSize, keys, rate == null ? "" : ", " + rate + " records/s", name,
                target.local() ? "" : " at " + target.where());
        Run run = new Run(io, target.config(), sink, "bench", records, Progress.modeFor(io, true), false);
        // One uncounted record first: the producer loads the shard map before the clock starts (Run#putAndWait).
        RecordResult warmUp = run.warmUp(name, partitionKeys[0], data);
        if (!warmUp.successful()) {
            run.close();
            Attempt last = warmUp.attempts().get(warmUp.attempts().size() - 1);
            throw new CliException("the warm-up record to " + name + " failed: " + last.errorCode() + ": "
                    + last.errorMessage());
        }
        long cpuStart = processCpuNanos();
        main.guard().onSignal(() -> {
            long outstanding = run.stopOnSignal(SIGNAL_FLUSH_BOUND);
            if (!run.claimReport()) {
                return false;
            }
            io.err().println("interrupted: partial results (" + Run.interruptedNote(outstanding) + ")");
            report(io, target, run, processCpuNanos() - cpuStart);
            target.stopEmulator();
            return true;
        });
        long start = System.nanoTime();
        long end = records >= 0 ? Long.MAX_VALUE : start + amount.duration.toNanos();
        double nanosPerRecord = rate == null ? 0 : 1e9 / rate;
        try (run) {
            for (long i = 0; records >= 0 ? i < records : System.nanoTime() - end < 0; i++) {
                if (rate != null) {
                    long due = start + (long) (i * nanosPerRecord);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                if (!run.put(name, partitionKeys[(int) (i % keys)], null, data, i)) {
                    return Main.FAILED;
                }
            }
            run.finish();
        }
        long cpu = processCpuNanos() - cpuStart;
        if (!run.claimReport()) {
            return Main.FAILED;
        }
        main.guard().onSignal(() -> false); // a signal now waits for this report
        report(io, target, run, cpu);
        return run.stats().failed() > 0 ? Main.FAILED : 0;
    }

    private void report(Io io, Target target, Run run, long cpuNanos) {
        RunStats s = run.stats();
        double seconds = s.elapsedSeconds();
        long succeeded = s.succeeded();
        double recordsPerSecond = succeeded / seconds;
        double mbPerSecond = s.succeededBytes() / seconds / 1e6;
        double cpuPerMillion = succeeded == 0 ? 0 : cpuNanos / 1e9 / (succeeded / 1e6);
        long kinesisRecords = run.kinesisRecordsPut();
        double ratio = kinesisRecords == 0 ? 0 : (double) succeeded / kinesisRecords;
        LatencyHistogram latency = s.latency();
        if (json) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("records", succeeded)
                    .put("failed", s.failed())
                    .put("recordSize", recordSize)
                    .put("keys", keys)
                    .put("shards", target.shards())
                    .put("target", target.local() ? "kinesis-local" : target.where())
                    .put("aggregation", target.config().aggregationEnabled())
                    .put("seconds", round(seconds, 3))
                    .put("recordsPerSecond", round(recordsPerSecond, 1))
                    .put("mbPerSecond", round(mbPerSecond, 3))
                    .put("cpuSeconds", round(cpuNanos / 1e9, 3))
                    .put("cpuSecondsPerMillionRecords", round(cpuPerMillion, 3))
                    .put("latencyP50Ms", round(latency.percentileMicros(50) / 1000.0, 3))
                    .put("latencyP99Ms", round(latency.percentileMicros(99) / 1000.0, 3))
                    .put("latencyMaxMs", round(latency.maxMicros() / 1000.0, 3))
                    .put("kinesisRecords", kinesisRecords)
                    .put("aggregationRatio", round(ratio, 1));
            s.failedByCode().forEach((code, count) -> o.with("failedByCode").put(code, count));
            io.out().println(o.toString());
            io.out().flush();
            return;
        }
        Table table = new Table()
                .row("records", succeeded)
                .row("failed", s.failed());
        s.failedByCode().forEach((code, count) -> table.row("  " + code, count));
        table.row("record size", recordSize, "bytes")
                .row("partition keys", keys)
                .row("shards", target.shards())
                .row("elapsed", Table.decimal(seconds), "s")
                .row("records/s", Math.round(recordsPerSecond))
                .row("MB/s", String.format(Locale.ROOT, "%.2f", mbPerSecond), "")
                .row("CPU", String.format(Locale.ROOT, "%.2f", cpuNanos / 1e9), "s")
                .row("CPU per million records", String.format(Locale.ROOT, "%.2f", cpuPerMillion), "s")
                .row("latency p50", Table.millis(latency.percentileMicros(50)), "ms")
                .row("latency p99", Table.millis(latency.percentileMicros(99)), "ms")
                .row("latency max", Table.millis(latency.maxMicros()), "ms")
                .row("Kinesis records put", kinesisRecords);
        if (kinesisRecords > 0) {
            table.row("aggregation ratio", Table.decimal(ratio), "user records per Kinesis record");
        }
        io.out().println("bench summary:");
        table.print(io.out());
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    /** CPU time of every thread of this JVM, in nanoseconds (-1 when the JVM cannot tell). */
    static long processCpuNanos() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }

    /** Parses 30s, 5m, 1h, 500ms, a bare number of seconds, or ISO-8601 (PT30S). */
    static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h)?");

        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            Matcher m = SIMPLE.matcher(v);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "s" : m.group(2);
                return switch (unit) {
                    case "ms" -> Duration.ofMillis(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofSeconds(n);
                };
            }
            try {
                return Duration.parse(value.trim());
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("'" + value + "' is not a duration (30s, 5m, 1h, 500ms, PT30S)");
            }
        }
    }
}
