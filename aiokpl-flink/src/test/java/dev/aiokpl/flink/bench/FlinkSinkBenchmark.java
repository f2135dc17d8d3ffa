package dev.aiokpl.flink.bench;

import dev.aiokpl.Config;
import dev.aiokpl.flink.AiokplSink;
import dev.aiokpl.testkit.KinesisEmulator;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * aiokpl-flink against a one-record-per-element sink ({@link OneRecordPerElementSink}, what Flink's
 * {@code KinesisStreamsSink} does), in the same Flink job on a {@link MiniCluster} in this JVM: a
 * {@link DataGeneratorSource} of {@code ids} elements of 100 bytes (distinct partition keys),
 * parallelism 2, a checkpoint every second, into a new 4-shard kinesalite stream per run (all deleted at
 * the end). Not a test:
 * run it by hand (the command is in docs/benchmarks.md). System properties: {@code ids} (default
 * 200 000), {@code rounds} (3; each round runs both sinks, in reversed order every other round, after
 * one unmeasured warm-up run of each with {@code warmupIds}, default 20 000).
 *
 * <p>Per run: user records/s from the first generated element to the end of the job; Kinesis
 * records and PUT payload units read back from every shard (a unit is each started 25 KiB of a
 * record's data plus partition key); user records de-aggregated with KCL, every id checked present;
 * CPU-seconds of this whole process over the job (MiniCluster, sink, producer, SDK, GC — not the
 * emulator, a separate Node process).
 */
public final class FlinkSinkBenchmark {

    static final int PARALLELISM = 2;
    static final int SHARDS = 4;
    static final int ELEMENT_BYTES = 100;
    static final long PUT_PAYLOAD_UNIT_BYTES = 25 * 1024;

    /** When the first element of the current job was generated (nanoTime), 0 before. */
    static final AtomicLong FIRST_ELEMENT = new AtomicLong();

    private FlinkSinkBenchmark() {
    }

    enum Kind {
        AIOKPL("aiokpl-flink (AiokplSink, defaults)"),
        ONE_PER_ELEMENT("one record per element (AsyncSinkBase, PutRecords of up to 500)");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    record Run(Kind kind, long ids, double jobSeconds, double cpuSeconds, long userRecordsRead, long distinctIds,
               long kinesisRecords, long payloadUnits) {

        double recordsPerSecond() {
            return ids / jobSeconds;
        }

        double kinesisPerUser() {
            return (double) kinesisRecords / userRecordsRead;
        }

        double unitsPer1000() {
            return payloadUnits * 1000.0 / userRecordsRead;
        }

        double cpuMicrosPerRecord() {
            return cpuSeconds * 1e6 / ids;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-15s %,d ids: %.2f s, %,.0f records/s, %.2f CPU-s (%.1f us/record); "
                            + "read %,d user records (%,d distinct ids) in %,d Kinesis records (%.4f per user record), "
                            + "%,d PUT payload units (%.2f per 1000)", kind, ids, jobSeconds, recordsPerSecond(),
                    cpuSeconds, cpuMicrosPerRecord(), userRecordsRead, distinctIds, kinesisRecords, kinesisPerUser(),
                    payloadUnits, unitsPer1000());
        }
    }

    public static void main(String[] args) throws Exception {
        long ids = Long.getLong("ids", 200_000);
        int rounds = Integer.getInteger("rounds", 3);
        long warmupIds = Long.getLong("warmupIds", 20_000);
        // kinesalite speaks JSON only; every Kinesis client in this JVM (producers, baseline, reader) uses it.
        System.setProperty("aws.cborEnabled", "false");

        KinesisEmulator kinesalite = KinesisEmulator.kinesalite();
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(PARALLELISM)
                .withRandomPorts()
                .build());
        cluster.start();
        System.out.printf("flink sink benchmark %s: %,d ids x %d B, parallelism %d, %d shards on %s, %d rounds; "
                        + "%d CPUs, load average %.2f%n", Instant.now(), ids, ELEMENT_BYTES, PARALLELISM, SHARDS,
                kinesalite.endpoint(), rounds, Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        Map<Kind, List<Run>> runs = new EnumMap<>(Kind.class);
        List<String> streams = new ArrayList<>();
        try (KinesisAsyncClient reader = kinesalite.newClient()) {
            for (Kind kind : Kind.values()) {
                System.out.println("warm-up  " + run(cluster, kinesalite, reader, kind, warmupIds, streams));
            }
            for (int round = 1; round <= rounds; round++) {
                List<Kind> order = new ArrayList<>(Arrays.asList(Kind.values()));
                if (round % 2 == 0) {
                    java.util.Collections.reverse(order);
                }
                for (Kind kind : order) {
                    Run run = run(cluster, kinesalite, reader, kind, ids, streams);
                    System.out.printf(Locale.ROOT, "round %d  %s; load average %.2f%n", round, run,
                            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                    runs.computeIfAbsent(kind, k -> new ArrayList<>()).add(run);
                }
            }
        } finally {
            cluster.close();
            deleteStreams(kinesalite, streams);
        }
        printTable(runs);
    }

    /**
     * Deleted at the end, not after each run: kinesalite deletes a stream's records in the background,
     * which would slow down the next run (more after the baseline's 200 000 records than after aiokpl's
     * few hundred).
     */
    private static void deleteStreams(KinesisEmulator kinesalite, List<String> streams) {
        for (String stream : streams) {
            try {
                kinesalite.deleteStream(stream);
            } catch (RuntimeException e) {   // e.g. a DeleteStream that timed out, then "not found" on its retry
                System.out.println("could not delete " + stream + ": " + e);
            }
        }
    }

    static Run run(MiniCluster cluster, KinesisEmulator kinesalite, KinesisAsyncClient reader, Kind kind, long ids,
                   List<String> streams) throws Exception {
        String stream = kinesalite.uniqueStreamName("flink-bench");
        kinesalite.createStream(stream, SHARDS);
        streams.add(stream);
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = new TestStreamEnvironment(cluster, conf, PARALLELISM, List.of(), List.of());
        env.enableCheckpointing(Duration.ofSeconds(1).toMillis());
        env.fromSource(new DataGeneratorSource<>(FlinkSinkBenchmark::element, ids, Types.STRING),
                        WatermarkStrategy.noWatermarks(), "ids")
                .sinkTo(sink(kind, stream, kinesalite.endpoint()));

        System.gc();   // so the previous run's garbage (a read-back of up to 200 000 records) is not billed here
        FIRST_ELEMENT.set(0);
        long cpuBefore = processCpuNanos();
        env.execute("flink sink benchmark " + kind);
        long end = System.nanoTime();
        long cpuAfter = processCpuNanos();

        ReadBack read = readBack(reader, stream);
        if (read.ids.size() != ids) {
            throw new IllegalStateException(kind + ": " + read.ids.size() + " distinct ids read back, " + ids
                    + " written");
        }
        return new Run(kind, ids, (end - FIRST_ELEMENT.get()) / 1e9, (cpuAfter - cpuBefore) / 1e9,
                read.userRecords, read.ids.size(), read.kinesisRecords, read.payloadUnits);
    }

    private static Sink<String> sink(Kind kind, String stream, URI endpoint) {
        String region = KinesisEmulator.REGION;
        return switch (kind) {
            case AIOKPL -> AiokplSink.<String>builder()
                    .setStreamName(stream)
                    .setSerializationSchema(new SimpleStringSchema())
                    .setPartitionKeyGenerator(FlinkSinkBenchmark::id)
                    .setConfig(() -> Config.builder()
                            .region(region)
                            .endpointOverride(endpoint)
                            .credentialsProvider(
                                    StaticCredentialsProvider.create(AwsBasicCredentials.create("fake", "fake")))
                            .build())
                    .build();
            case ONE_PER_ELEMENT -> new OneRecordPerElementSink(stream, endpoint, region, FlinkSinkBenchmark::id);
        };
    }

    /** Element {@code i}: its 9-digit id, then padding up to {@value #ELEMENT_BYTES} bytes. */
    static String element(Long i) {
        if (FIRST_ELEMENT.get() == 0) {
            FIRST_ELEMENT.compareAndSet(0, System.nanoTime());
        }
        String id = String.format("%09d", i);
        return id + ":" + "x".repeat(ELEMENT_BYTES - id.length() - 1);
    }

    /** The id of an element, also its partition key. */
    static String id(String element) {
        return element.substring(0, element.indexOf(':'));
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** What a stream holds: Kinesis records, their PUT payload units, user records and distinct ids. */
    static final class ReadBack {
        long kinesisRecords;
        long payloadUnits;
        long userRecords;
        final Set<String> ids = new HashSet<>();
    }

    static ReadBack readBack(KinesisAsyncClient client, String stream) throws Exception {
        ReadBack out = new ReadBack();
        AggregatorUtil aggregatorUtil = new AggregatorUtil();
        for (Shard shard : client.listShards(r -> r.streamName(stream)).get(1, TimeUnit.MINUTES).shards()) {
            BigInteger start = new BigInteger(shard.hashKeyRange().startingHashKey());
            BigInteger end = new BigInteger(shard.hashKeyRange().endingHashKey());
            String iterator = client.getShardIterator(r -> r.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).get(1, TimeUnit.MINUTES).shardIterator();
            while (iterator != null) {
                String current = iterator;
                GetRecordsResponse response = client.getRecords(r -> r.shardIterator(current).limit(10_000))
                        .get(1, TimeUnit.MINUTES);
                for (Record record : response.records()) {
                    long bytes = record.data().asByteArrayUnsafe().length
                            + record.partitionKey().getBytes(StandardCharsets.UTF_8).length;
                    out.kinesisRecords++;
                    out.payloadUnits += (bytes + PUT_PAYLOAD_UNIT_BYTES - 1) / PUT_PAYLOAD_UNIT_BYTES;
                    for (KinesisClientRecord user : aggregatorUtil.deaggregate(
                            List.of(KinesisClientRecord.fromRecord(record)), start, end)) {
                        out.userRecords++;
                        out.ids.add(user.partitionKey());
                    }
                }
                Long behind = response.millisBehindLatest();
                if (response.records().isEmpty() && (behind == null || behind == 0L)) {
                    break;
                }
                iterator = response.nextShardIterator();
            }
        }
        return out;
    }

    private static void printTable(Map<Kind, List<Run>> runs) {
        System.out.println();
        System.out.println("| sink | user records/s | Kinesis records per user record | PUT payload units per 1 000 "
                + "user records | process CPU-s | CPU-µs per user record |");
        System.out.println("|---|---|---|---|---|---|");
        for (Map.Entry<Kind, List<Run>> e : runs.entrySet()) {
            List<Run> r = e.getValue();
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", e.getKey().label,
                    cell(r, Run::recordsPerSecond, "%,.0f"), cell(r, Run::kinesisPerUser, "%.4f"),
                    cell(r, Run::unitsPer1000, "%.2f"), cell(r, Run::cpuSeconds, "%.1f"),
                    cell(r, Run::cpuMicrosPerRecord, "%.1f"));
        }
    }

    /** The median, then the range in brackets. */
    private static String cell(List<Run> runs, ToDoubleFunction<Run> metric, String format) {
        double[] values = runs.stream().mapToDouble(metric).sorted().toArray();
        int n = values.length;
        double median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
        return String.format(Locale.ROOT, "**" + format + "** (" + format + "–" + format + ")", median, values[0],
                values[n - 1]);
    }
}
