package dev.aiokpl.testkit;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The service's per-shard write limits, which the emulators do not enforce: per open shard a token
 * bucket of {@link #RECORDS_PER_SECOND} Kinesis records and one of {@link #BYTES_PER_SECOND} bytes
 * (partition key + data), each holding one second's worth. The shard of an entry is found from the
 * stream's hash key ranges (ListShards), with the explicit hash key or MD5 of the partition key.
 * Thread-safe (one lock).
 */
final class ShardRateLimits {

    /** Kinesis records per second and shard. */
    static final double RECORDS_PER_SECOND = 1000;
    /** Bytes (partition key + data) per second and shard: 1 MiB. */
    static final double BYTES_PER_SECOND = 1024 * 1024;
    private static final long SHARD_LIST_TTL_NANOS = 5_000_000_000L;

    private final Function<String, List<Shard>> listShards;
    private final double recordsPerSecond;
    private final double bytesPerSecond;
    private final Map<String, StreamShards> streams = new HashMap<>();
    private final Map<String, Bucket> buckets = new HashMap<>();

    /** @param percent the share of the service limits enforced (100 = the service's) */
    ShardRateLimits(Function<String, List<Shard>> listShards, double percent) {
        this.listShards = listShards;
        this.recordsPerSecond = RECORDS_PER_SECOND * percent / 100;
        this.bytesPerSecond = BYTES_PER_SECOND * percent / 100;
    }

    /** The open shard whose range holds {@code hashKey}, or null if none (the list is refreshed once). */
    synchronized String shardOf(String stream, BigInteger hashKey, long now) {
        StreamShards s = streams.get(stream);
        if (s == null || now - s.loadedNanos > SHARD_LIST_TTL_NANOS) {
            s = load(stream, now);
        }
        String id = s.find(hashKey);
        if (id == null && s.loadedNanos != now) {
            id = load(stream, now).find(hashKey);
        }
        return id;
    }

    /** Takes one record and {@code bytes} from the shard's buckets, or returns false (throttled) taking nothing. */
    synchronized boolean tryTake(String stream, String shardId, int bytes, long now) {
        Bucket b = buckets.computeIfAbsent(stream + "/" + shardId, k -> new Bucket(now));
        b.refill(now);
        if (b.records < 1 || b.bytes < bytes) {
            return false;
        }
        b.records -= 1;
        b.bytes -= bytes;
        return true;
    }

    private StreamShards load(String stream, long now) {
        List<Range> ranges = new ArrayList<>();
        for (Shard shard : listShards.apply(stream)) {
            if (shard.sequenceNumberRange() != null && shard.sequenceNumberRange().endingSequenceNumber() != null) {
                continue; // closed (kinesalite ignores ShardFilter)
            }
            ranges.add(new Range(shard.shardId(), new BigInteger(shard.hashKeyRange().startingHashKey()),
                    new BigInteger(shard.hashKeyRange().endingHashKey())));
        }
        StreamShards s = new StreamShards(ranges, now);
        streams.put(stream, s);
        return s;
    }

    private record Range(String shardId, BigInteger start, BigInteger end) {
    }

    private record StreamShards(List<Range> ranges, long loadedNanos) {
        String find(BigInteger hashKey) {
            for (Range r : ranges) {
                if (hashKey.compareTo(r.start) >= 0 && hashKey.compareTo(r.end) <= 0) {
                    return r.shardId;
                }
            }
            return null;
        }
    }

    private final class Bucket {
        double records = recordsPerSecond;
        double bytes = bytesPerSecond;
        long lastNanos;

        Bucket(long now) {
            lastNanos = now;
        }

        void refill(long now) {
            double seconds = (now - lastNanos) / 1e9;
            if (seconds > 0) {
                records = Math.min(recordsPerSecond, records + seconds * recordsPerSecond);
                bytes = Math.min(bytesPerSecond, bytes + seconds * bytesPerSecond);
                lastNanos = now;
            }
        }
    }
}
