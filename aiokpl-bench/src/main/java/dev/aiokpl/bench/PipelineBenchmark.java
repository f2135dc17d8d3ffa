package dev.aiokpl.bench;

import dev.aiokpl.Config;
import dev.aiokpl.Producer;
import dev.aiokpl.RecordResult;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The whole in-process pipeline — validate, hash, accept, aggregate per predicted shard, rate-limit,
 * collect, "send" to a {@link NoopKinesisClient}, classify the response, complete the future — one
 * JMH operation per user record of 100 bytes, 256 distinct partition keys, 16 shards, aggregation on.
 *
 * <p>The JMH thread is the user calling {@code putRecord}; the producer's pipeline thread does the
 * rest; {@code putRecord} blocks when {@code maxOutstandingRecords} is reached, so the score is the
 * pipeline's sustained rate, not the queue's. Run it pinned to one core to measure "on one core":
 * {@code taskset -c 0 java -jar aiokpl-bench/target/benchmarks.jar Pipeline -prof gc}.
 * {@code rateLimit} is raised to its maximum so the limiter does not cap a no-op endpoint.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class PipelineBenchmark {

    static final int KEYS = 256;

    @Param({"100"})
    public int recordBytes;

    /** {@code direct}: futures completed on the pipeline thread's hand-off; {@code pool}: the default pool. */
    @Param({"direct", "pool"})
    public String callbacks;

    private Producer producer;
    private NoopKinesisClient client;
    private String[] keys;
    private byte[] data;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        client = new NoopKinesisClient(16);
        Config.Builder b = Config.builder()
                .region("us-east-1")
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .rateLimit(10_000)
                .maxOutstandingRecords(20_000)
                .recordMaxBufferedTime(Duration.ofMillis(100));
        if ("direct".equals(callbacks)) {
            b.callbackExecutor(Runnable::run);
        }
        producer = Producer.create(b.build(), client);
        keys = new String[KEYS];
        Random random = new Random(42);
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "user-" + Long.toHexString(random.nextLong());
        }
        data = new byte[recordBytes];
        random.nextBytes(data);
        producer.putRecord("bench", keys[0], data).join();
    }

    @Benchmark
    public CompletableFuture<RecordResult> putRecord() {
        next = (next + 1) & (KEYS - 1);
        return producer.putRecord("bench", keys[next], data);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        producer.flush().join();
        long kinesisRecords = client.kinesisRecords();
        producer.close();
        System.out.printf("%n[pipeline] kinesis records %d, PutRecords requests %d%n", kinesisRecords, client.requests());
    }
}
