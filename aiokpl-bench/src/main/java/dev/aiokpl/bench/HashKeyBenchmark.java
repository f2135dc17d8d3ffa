package dev.aiokpl.bench;

import dev.aiokpl.internal.hash.HashKey;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Hash keys on the hot path: MD5 of a partition key (UUID strings) and parsing of an explicit hash
 * key (uniform 128-bit values, mostly 38-39 digits), each beside the obvious BigInteger version.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class HashKeyBenchmark {

    private static final int N = 64;

    private String[] partitionKeys;
    private String[] decimals;
    private HashKey[] hashKeys;
    private MessageDigest md5;
    private int next;

    @Setup
    public void setUp() throws NoSuchAlgorithmException {
        Random random = new Random(42);
        partitionKeys = new String[N];
        decimals = new String[N];
        hashKeys = new HashKey[N];
        for (int i = 0; i < N; i++) {
            partitionKeys[i] = new UUID(random.nextLong(), random.nextLong()).toString();
            hashKeys[i] = HashKey.of(random.nextLong(), random.nextLong());
            decimals[i] = hashKeys[i].toDecimalString();
        }
        md5 = MessageDigest.getInstance("MD5");
    }

    private int nextIndex() {
        return next++ & (N - 1);
    }

    @Benchmark
    public HashKey ofPartitionKey() {
        return HashKey.ofPartitionKey(partitionKeys[nextIndex()]);
    }

    @Benchmark
    public BigInteger ofPartitionKey_bigIntegerBaseline() {
        return new BigInteger(1, md5.digest(partitionKeys[nextIndex()].getBytes(StandardCharsets.UTF_8)));
    }

    @Benchmark
    public HashKey parseDecimal() {
        return HashKey.parseDecimal(decimals[nextIndex()]);
    }

    @Benchmark
    public BigInteger parseDecimal_bigIntegerBaseline() {
        return new BigInteger(decimals[nextIndex()]);
    }

    @Benchmark
    public String toDecimalString() {
        return hashKeys[nextIndex()].toDecimalString();
    }
}
