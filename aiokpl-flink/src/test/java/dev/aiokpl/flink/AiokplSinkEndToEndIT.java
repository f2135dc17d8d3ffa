package dev.aiokpl.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aiokpl.Config;
import dev.aiokpl.testkit.FaultProxy;
import dev.aiokpl.testkit.HashKeys;
import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import dev.aiokpl.testkit.ReadRecord;
import dev.aiokpl.testkit.RequestFault;
import dev.aiokpl.testkit.StreamReader;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.function.SerializableSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The sink in a real Flink job on a {@link MiniClusterExtension} (parallelism 2, a checkpoint every
 * 500 ms) writing into kinesalite through the test kit's {@link FaultProxy}: a failure after the second
 * checkpoint restarts the job from it, the proxy throttles about 5 % of the entries and answers one
 * HTTP 500, and still every element is read back (de-aggregated by KCL), within its shard's hash range.
 * The same test runs on Flink 2.x (module aiokpl-flink) and 1.20 (module aiokpl-flink-1.20-tests).
 */
@IntegrationTest
class AiokplSinkEndToEndIT {

    static final int PARALLELISM = 2;
    static final long IDS = 200_000;
    /** Elements per second over the whole source: 200 000 take 8 s, so about 16 checkpoints. */
    static final double RATE = 25_000;
    static final int ELEMENT_BYTES = 100;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(PARALLELISM)
                    .build());

    /** Shared with the job's operators, which run in this JVM. */
    static final AtomicLong LAST_CHECKPOINT = new AtomicLong();
    static final AtomicBoolean FAILED = new AtomicBoolean();

    @Test
    void everyElementArrivesAggregatedDespiteARestartThrottlingAndA500() throws Exception {
        LAST_CHECKPOINT.set(0);
        FAILED.set(false);
        KinesisEmulator kinesalite = KinesisEmulator.kinesalite();
        String stream = kinesalite.uniqueStreamName("flink-e2e");
        kinesalite.createStream(stream, 4);
        long started = System.nanoTime();
        try (FaultProxy proxy = FaultProxy.start(kinesalite, 15);
             KinesisAsyncClient reader = kinesalite.newClient()) {
            proxy.throttleRecords(0.05).injectNext(RequestFault.INTERNAL_FAILURE, 1);

            StreamExecutionEnvironment env = environment("fixed-delay");
            DataGeneratorSource<String> source = new DataGeneratorSource<>(AiokplSinkEndToEndIT::element, IDS,
                    RateLimiterStrategy.perSecond(RATE), Types.STRING);
            env.fromSource(source, WatermarkStrategy.noWatermarks(), "ids")
                    .map(new FailOnceAfterSecondCheckpoint())
                    .sinkTo(AiokplSink.<String>builder()
                            .setStreamName(stream)
                            .setSerializationSchema(new SimpleStringSchema())
                            .setPartitionKeyGenerator(AiokplSinkEndToEndIT::id)
                            .setConfig(config(proxy.endpoint(), Duration.ofSeconds(30)))
                            .build());
            env.execute("aiokpl-flink end to end");
            double jobSeconds = (System.nanoTime() - started) / 1e9;

            List<ReadRecord> read = StreamReader.readAll(reader, stream);
            FaultProxy.Stats stats = proxy.stats();
            Map<String, Long> copies = new HashMap<>();
            for (ReadRecord r : read) {
                copies.merge(r.partitionKey(), 1L, Long::sum);
            }
            long missing = 0;
            for (long i = 0; i < IDS; i++) {
                if (!copies.containsKey(id(element(i)))) {
                    missing++;
                }
            }
            long duplicates = read.size() - copies.size();
            long kinesisRecords = read.stream().map(r -> r.shardId() + "/" + r.sequenceNumber()).distinct().count();
            Map<String, Shard> shards = kinesalite.listShards(stream).stream()
                    .collect(Collectors.toMap(Shard::shardId, s -> s));
            long outOfRange = read.stream()
                    .filter(r -> !HashKeys.inRange(shards.get(r.shardId()), HashKeys.of(r.partitionKey()))).count();
            System.out.printf("flink e2e: %d ids, %d read (%d duplicates, %d missing) in %d Kinesis records "
                            + "(%.0f per record); last checkpoint %d, failed once %s; job %.1f s; proxy %s%n",
                    IDS, read.size(), duplicates, missing, kinesisRecords, (double) read.size() / kinesisRecords,
                    LAST_CHECKPOINT.get(), FAILED.get(), jobSeconds, stats);

            assertThat(FAILED).as("the injected failure happened").isTrue();
            assertThat(LAST_CHECKPOINT.get()).as("checkpoints completed").isGreaterThanOrEqualTo(8);
            assertThat(stats.rejectedTotal()).as("entries throttled").isPositive();
            assertThat(stats.requestFaults()).containsKey(RequestFault.INTERNAL_FAILURE);
            assertThat(missing).as("ids missing").isZero();
            assertThat(read).noneMatch(ReadRecord::rawMagic);
            assertThat(outOfRange).as("records outside their shard's hash range").isZero();
            assertThat(copies.keySet()).as("only our ids").hasSize((int) IDS);
            assertThat(kinesisRecords * 50).as("at least 50 user records per Kinesis record")
                    .isLessThanOrEqualTo(read.size());
        }
    }

    @Test
    void aMissingStreamFailsTheJobNamingTheStreamAndTheErrorCode() {
        KinesisEmulator kinesalite = KinesisEmulator.kinesalite();
        String stream = kinesalite.uniqueStreamName("flink-missing");
        // Restarts allowed: on a loaded machine Flink itself sometimes fails over first (a lost
        // NoMoreSplitEvent); the job must still end failed, with the sink's error as the last cause.
        StreamExecutionEnvironment env = environment("fixed-delay");
        env.fromSource(new DataGeneratorSource<>(AiokplSinkEndToEndIT::element, 100, Types.STRING),
                        WatermarkStrategy.noWatermarks(), "ids")
                .sinkTo(AiokplSink.<String>builder()
                        .setStreamName(stream)
                        .setSerializationSchema(new SimpleStringSchema())
                        .setPartitionKeyGenerator(AiokplSinkEndToEndIT::id)
                        .setConfig(config(kinesalite.endpoint(), Duration.ofSeconds(3)))
                        .build());

        assertThatThrownBy(() -> env.execute("aiokpl-flink missing stream")).satisfies(e -> {
            StringBuilder messages = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
            }
            assertThat(messages.toString()).contains("stream " + stream).contains("ResourceNotFoundException");
        });
    }

    private static StreamExecutionEnvironment environment(String restartStrategy) {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(500));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, restartStrategy);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(PARALLELISM);
        return env;
    }

    /**
     * Built in each subtask: the emulator's region and fake credentials, the given endpoint. A short
     * {@code recordTtl} also shortens the wait for a shard map that cannot load (a third of it).
     */
    static SerializableSupplier<Config> config(URI endpoint, Duration recordTtl) {
        return () -> Config.builder()
                .region(KinesisEmulator.REGION)
                .recordTtl(recordTtl)
                .endpointOverride(endpoint)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("fake", "fake")))
                .build();
    }

    /** Element {@code i}: its 9-digit id, then padding up to {@value #ELEMENT_BYTES} bytes. */
    static String element(long i) {
        String id = String.format("%09d", i);
        return id + ":" + "x".repeat(ELEMENT_BYTES - id.length() - 1);
    }

    /** The id of an element, also its partition key. */
    static String id(String element) {
        return element.substring(0, element.indexOf(':'));
    }

    /** Passes elements through and throws once, after the second checkpoint completed. */
    static final class FailOnceAfterSecondCheckpoint implements MapFunction<String, String>, CheckpointListener {

        private static final long serialVersionUID = 1L;

        @Override
        public String map(String value) {
            if (LAST_CHECKPOINT.get() >= 2 && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after checkpoint " + LAST_CHECKPOINT.get());
            }
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            LAST_CHECKPOINT.accumulateAndGet(checkpointId, Math::max);
        }
    }
}
