package dev.aiokpl.internal.testing;

import dev.aiokpl.internal.hash.HashKey;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;

/** Builds SDK {@link Shard}s the way ListShards returns them. */
public final class Shards {

    public static final BigInteger TWO_128 = BigInteger.ONE.shiftLeft(128);

    private Shards() {
    }

    /** The id Kinesis gives the n-th shard of a stream. */
    public static String id(int n) {
        return String.format("shardId-%012d", n);
    }

    /** An open shard. */
    public static Shard open(String id, BigInteger start, BigInteger end) {
        return Shard.builder()
                .shardId(id)
                .hashKeyRange(HashKeyRange.builder().startingHashKey(start.toString()).endingHashKey(end.toString()).build())
                .sequenceNumberRange(SequenceNumberRange.builder().startingSequenceNumber("1000").build())
                .build();
    }

    /** A closed shard (it has an ending sequence number), as emulators that ignore AT_LATEST return. */
    public static Shard closed(String id, BigInteger start, BigInteger end) {
        return Shard.builder()
                .shardId(id)
                .hashKeyRange(HashKeyRange.builder().startingHashKey(start.toString()).endingHashKey(end.toString()).build())
                .sequenceNumberRange(SequenceNumberRange.builder().startingSequenceNumber("1000")
                        .endingSequenceNumber("2000").build())
                .build();
    }

    /** {@code n} open shards splitting the hash key space evenly, ids {@code id(first)..id(first+n-1)}. */
    public static List<Shard> even(int n, int first) {
        List<Shard> shards = new ArrayList<>(n);
        BigInteger width = TWO_128.divide(BigInteger.valueOf(n));
        for (int i = 0; i < n; i++) {
            BigInteger start = width.multiply(BigInteger.valueOf(i));
            BigInteger end = i == n - 1 ? TWO_128.subtract(BigInteger.ONE) : start.add(width).subtract(BigInteger.ONE);
            shards.add(open(id(first + i), start, end));
        }
        return shards;
    }

    /** {@code n} open shards splitting the hash key space evenly, ids {@code id(0)..id(n-1)}. */
    public static List<Shard> even(int n) {
        return even(n, 0);
    }

    /** A shard's starting hash key. */
    public static HashKey start(Shard s) {
        return HashKey.parseDecimal(s.hashKeyRange().startingHashKey());
    }

    /** A shard's ending hash key. */
    public static HashKey end(Shard s) {
        return HashKey.parseDecimal(s.hashKeyRange().endingHashKey());
    }

    /** Whether a shard is open (no ending sequence number). */
    public static boolean isOpen(Shard s) {
        return s.sequenceNumberRange() == null || s.sequenceNumberRange().endingSequenceNumber() == null;
    }

    /** The open shard whose range holds the key, or null. */
    public static Shard holding(List<Shard> shards, HashKey key) {
        for (Shard s : shards) {
            if (isOpen(s) && key.isWithin(start(s), end(s))) {
                return s;
            }
        }
        return null;
    }
}
