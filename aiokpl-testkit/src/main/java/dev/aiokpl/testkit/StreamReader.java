package dev.aiokpl.testkit;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * Reads a whole stream back as consumers would see it.
 *
 * <p>Every shard, closed parents included, is read from {@code TRIM_HORIZON} until the shard ends
 * (no next iterator) or a GetRecords call returns nothing with {@code MillisBehindLatest} 0. Each
 * Kinesis record goes through KCL's {@link AggregatorUtil} with its shard's hash key range, so an
 * aggregate holding a sub-record whose hash key lies outside the shard is dropped whole, exactly
 * as a KCL consumer would drop it. Shards are read in shard-id order (parents before children),
 * each in sequence order.
 */
public final class StreamReader {

    /** Default bound on one {@link #readAll(KinesisAsyncClient, String)}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    private static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};
    private static final int GET_RECORDS_LIMIT = 10_000;

    private StreamReader() {
    }

    /** {@link #readAll(KinesisAsyncClient, String, Duration)} with {@link #DEFAULT_TIMEOUT}. */
    public static List<ReadRecord> readAll(KinesisAsyncClient client, String stream) {
        return readAll(client, stream, DEFAULT_TIMEOUT);
    }

    /**
     * Reads every record of every shard of {@code stream}, de-aggregated.
     *
     * @throws IllegalStateException if it takes longer than {@code timeout}
     * @throws RuntimeException      the SDK's exception if a call fails (e.g. ResourceNotFoundException)
     */
    public static List<ReadRecord> readAll(KinesisAsyncClient client, String stream, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ReadRecord> out = new ArrayList<>();
        List<Shard> shards = new ArrayList<>(listAllShards(client, stream, deadline));
        shards.sort(Comparator.comparing(Shard::shardId));
        for (Shard shard : shards) {
            readShard(client, stream, shard, deadline, out);
        }
        return out;
    }

    private static List<Shard> listAllShards(KinesisAsyncClient client, String stream, long deadline) {
        List<Shard> shards = new ArrayList<>();
        ListShardsRequest request = ListShardsRequest.builder().streamName(stream).build();
        while (true) {
            ListShardsResponse response = await(client.listShards(request), deadline, "ListShards " + stream);
            shards.addAll(response.shards());
            if (response.nextToken() == null) {
                return shards;
            }
            request = ListShardsRequest.builder().nextToken(response.nextToken()).build();
        }
    }

    private static void readShard(KinesisAsyncClient client, String stream, Shard shard, long deadline,
                                  List<ReadRecord> out) {
        String what = "reading " + stream + "/" + shard.shardId();
        BigInteger start = new BigInteger(shard.hashKeyRange().startingHashKey());
        BigInteger end = new BigInteger(shard.hashKeyRange().endingHashKey());
        AggregatorUtil aggregatorUtil = new AggregatorUtil();
        String iterator = await(client.getShardIterator(r -> r.streamName(stream).shardId(shard.shardId())
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)), deadline, what).shardIterator();
        while (iterator != null) {
            String current = iterator;
            GetRecordsResponse response = await(
                    client.getRecords(r -> r.shardIterator(current).limit(GET_RECORDS_LIMIT)), deadline, what);
            for (Record record : response.records()) {
                deaggregate(aggregatorUtil, shard.shardId(), record, start, end, out);
            }
            Long behind = response.millisBehindLatest();
            if (response.records().isEmpty() && (behind == null || behind == 0L)) {
                return;
            }
            iterator = response.nextShardIterator();
        }
    }

    private static void deaggregate(AggregatorUtil aggregatorUtil, String shardId, Record record, BigInteger start,
                                    BigInteger end, List<ReadRecord> out) {
        List<KinesisClientRecord> users;
        try {
            users = aggregatorUtil.deaggregate(List.of(KinesisClientRecord.fromRecord(record)), start, end);
        } catch (RuntimeException | LinkageError unparseable) {
            // KCL gave up on it; a consumer would see nothing usable: report it raw. LinkageError:
            // KCL 3.1.3's error path uses javax.xml.bind, absent from Java 17.
            users = List.of(KinesisClientRecord.fromRecord(record));
        }
        for (KinesisClientRecord user : users) {
            byte[] data = bytes(user.data());
            out.add(new ReadRecord(shardId, user.partitionKey(), user.explicitHashKey(), data,
                    user.sequenceNumber(), user.subSequenceNumber(), user.aggregated(), startsWithMagic(data)));
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    private static boolean startsWithMagic(byte[] data) {
        return data.length >= MAGIC.length && Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    private static <T> T await(CompletableFuture<T> future, long deadline, String what) {
        long remaining = deadline - System.nanoTime();
        try {
            if (remaining <= 0) {
                throw new TimeoutException();
            }
            return future.get(remaining, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(what + " failed", e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new IllegalStateException(what + ": the stream was not read to its end in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what, e);
        }
    }
}
