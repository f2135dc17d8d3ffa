package dev.aiokpl.testkit;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Kinesis hash keys, computed independently of the producer so tests can check its shard
 * predictions: MD5 of the partition key's UTF-8 bytes as an unsigned 128-bit big-endian integer.
 */
public final class HashKeys {

    /** The largest hash key, 2^128 - 1. */
    public static final BigInteger MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    private HashKeys() {
    }

    /** The hash key Kinesis derives from {@code partitionKey}. */
    public static BigInteger of(String partitionKey) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(partitionKey.getBytes(StandardCharsets.UTF_8));
            return new BigInteger(1, md5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is not available", e);
        }
    }

    /** Whether {@code hashKey} lies in the shard's (inclusive) range. */
    public static boolean inRange(Shard shard, BigInteger hashKey) {
        return hashKey.compareTo(new BigInteger(shard.hashKeyRange().startingHashKey())) >= 0
                && hashKey.compareTo(new BigInteger(shard.hashKeyRange().endingHashKey())) <= 0;
    }

    /** The open shard (no ending sequence number) whose range holds {@code hashKey}. */
    public static Shard openShardFor(List<Shard> shards, BigInteger hashKey) {
        return shards.stream()
                .filter(s -> s.sequenceNumberRange().endingSequenceNumber() == null)
                .filter(s -> inRange(s, hashKey))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no open shard holds hash key " + hashKey));
    }
}
