package dev.aiokpl.bench;

import dev.aiokpl.internal.aggregation.AggregateBuilder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding one aggregate the way the aggregator does: for each record ask the exact size it would
 * make, add it, then build (magic + protobuf + MD5) and reset. One JMH operation is one record, so
 * the score is records per second. 64 distinct partition keys (UUID strings), no explicit hash keys.
 *
 * <p>{@code aiokpl_*} is our {@link AggregateBuilder}; {@code protobufJava_*} is the same schema
 * sized and written with protobuf-java's {@code CodedOutputStream} ({@link ProtobufJavaAggregateEncoder});
 * {@code md5Only_*} is the MD5 trailer alone over the same bytes, the cost both share.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class CodecBenchmark {

    static final int DISTINCT_KEYS = 64;
    static final int SMALL_RECORD_BYTES = 100;
    static final int SMALL_RECORDS_PER_AGGREGATE = 500;
    static final int LARGE_RECORD_BYTES = 1024;
    static final int LARGE_RECORDS_PER_AGGREGATE = 50;

    /** Far above what these aggregates reach; the check stands for the aggregator's size limit. */
    private static final int MAX_AGGREGATE_BYTES = 1 << 20;

    private String[] keys;
    private byte[][] small;
    private byte[][] large;
    private AggregateBuilder builder;
    private ProtobufJavaAggregateEncoder protobufJava;
    private MessageDigest md5;
    private byte[] smallAggregate;
    private byte[] largeAggregate;

    @Setup
    public void setUp() throws NoSuchAlgorithmException {
        Random random = new Random(42);
        keys = new String[DISTINCT_KEYS];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = new UUID(random.nextLong(), random.nextLong()).toString();
        }
        small = records(random, SMALL_RECORDS_PER_AGGREGATE, SMALL_RECORD_BYTES);
        large = records(random, LARGE_RECORDS_PER_AGGREGATE, LARGE_RECORD_BYTES);
        builder = new AggregateBuilder();
        protobufJava = new ProtobufJavaAggregateEncoder();
        // Both encoders must do the same work: byte-identical aggregates.
        if (!Arrays.equals(aiokpl(small), protobufJava(small)) || !Arrays.equals(aiokpl(large), protobufJava(large))) {
            throw new IllegalStateException("the two encoders disagree");
        }
        md5 = MessageDigest.getInstance("MD5");
        smallAggregate = aiokpl(small);
        largeAggregate = aiokpl(large);
    }

    private static byte[][] records(Random random, int count, int size) {
        byte[][] records = new byte[count][size];
        for (byte[] r : records) {
            random.nextBytes(r);
        }
        return records;
    }

    @Benchmark
    @OperationsPerInvocation(SMALL_RECORDS_PER_AGGREGATE)
    public byte[] aiokpl_100B() {
        return aiokpl(small);
    }

    @Benchmark
    @OperationsPerInvocation(LARGE_RECORDS_PER_AGGREGATE)
    public byte[] aiokpl_1KiB() {
        return aiokpl(large);
    }

    @Benchmark
    @OperationsPerInvocation(SMALL_RECORDS_PER_AGGREGATE)
    public byte[] protobufJava_100B() {
        return protobufJava(small);
    }

    @Benchmark
    @OperationsPerInvocation(LARGE_RECORDS_PER_AGGREGATE)
    public byte[] protobufJava_1KiB() {
        return protobufJava(large);
    }

    /** The MD5 trailer alone (over the same protobuf bytes): the floor both encoders share. */
    @Benchmark
    @OperationsPerInvocation(SMALL_RECORDS_PER_AGGREGATE)
    public byte[] md5Only_100B() {
        return md5(smallAggregate);
    }

    @Benchmark
    @OperationsPerInvocation(LARGE_RECORDS_PER_AGGREGATE)
    public byte[] md5Only_1KiB() {
        return md5(largeAggregate);
    }

    private byte[] md5(byte[] aggregate) {
        md5.update(aggregate, 4, aggregate.length - 20);
        return md5.digest();
    }

    private byte[] aiokpl(byte[][] records) {
        AggregateBuilder b = builder;
        for (int i = 0; i < records.length; i++) {
            String key = keys[i % DISTINCT_KEYS];
            if (b.sizeWith(key, null, records[i].length) > MAX_AGGREGATE_BYTES) {
                throw new IllegalStateException("aggregate limit reached");
            }
            b.add(key, null, records[i]);
        }
        byte[] aggregate = b.build();
        b.reset();
        return aggregate;
    }

    private byte[] protobufJava(byte[][] records) {
        ProtobufJavaAggregateEncoder e = protobufJava;
        for (int i = 0; i < records.length; i++) {
            String key = keys[i % DISTINCT_KEYS];
            if (e.sizeWith(key, null, records[i].length) > MAX_AGGREGATE_BYTES) {
                throw new IllegalStateException("aggregate limit reached");
            }
            e.add(key, null, records[i]);
        }
        byte[] aggregate = e.build();
        e.reset();
        return aggregate;
    }
}
