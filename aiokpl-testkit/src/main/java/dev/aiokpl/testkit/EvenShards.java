package dev.aiokpl.testkit;

import dev.aiokpl.internal.hash.HashKey;
import java.math.BigInteger;

/**
 * The shards of a new stream of {@code count} shards, as {@code CreateStream} splits the hash key
 * range (evenly, the last one taking the remainder): which one a hash key belongs to, and its id.
 */
final class EvenShards {

    private static final BigInteger TWO_128 = BigInteger.ONE.shiftLeft(128);

    /** The inclusive ending hash key of each shard, in order. */
    private final HashKey[] ends;

    EvenShards(int count) {
        ends = new HashKey[count];
        BigInteger width = TWO_128.divide(BigInteger.valueOf(count));
        for (int i = 0; i < count; i++) {
            BigInteger end = i == count - 1 ? TWO_128.subtract(BigInteger.ONE)
                    : width.multiply(BigInteger.valueOf(i + 1L)).subtract(BigInteger.ONE);
            ends[i] = HashKey.of(end.shiftRight(64).longValue(), end.longValue());
        }
    }

    /** The id of the shard whose range holds {@code hash}. */
    String shardFor(HashKey hash) {
        int low = 0;
        int high = ends.length - 1;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (hash.compareTo(ends[mid]) <= 0) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return id(low);
    }

    /** The id Kinesis gives the {@code index}-th shard of a new stream. */
    static String id(int index) {
        return String.format("shardId-%012d", index);
    }
}
