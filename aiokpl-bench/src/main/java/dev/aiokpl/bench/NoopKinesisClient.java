package dev.aiokpl.bench;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * An in-process Kinesis client that stores nothing: ListShards answers {@code shards} equal shards,
 * PutRecords succeeds at once, each entry on the shard its explicit hash key (or, for raw records,
 * shard 0 — benchmarks aggregate, so every entry carries an explicit hash key) names. It measures
 * the producer's own cost with no network and no emulator.
 */
public final class NoopKinesisClient implements KinesisAsyncClient {

    private final List<Shard> shards = new ArrayList<>();
    private final BigInteger[] ends;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong kinesisRecords = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();

    public NoopKinesisClient(int shardCount) {
        BigInteger max = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
        BigInteger step = max.divide(BigInteger.valueOf(shardCount));
        ends = new BigInteger[shardCount];
        BigInteger start = BigInteger.ZERO;
        for (int i = 0; i < shardCount; i++) {
            BigInteger end = i == shardCount - 1 ? max : start.add(step);
            ends[i] = end;
            shards.add(Shard.builder()
                    .shardId(String.format("shardId-%012d", i))
                    .hashKeyRange(HashKeyRange.builder().startingHashKey(start.toString()).endingHashKey(end.toString()).build())
                    .sequenceNumberRange(SequenceNumberRange.builder().startingSequenceNumber("0").build())
                    .build());
            start = end.add(BigInteger.ONE);
        }
    }

    @Override
    public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
        return CompletableFuture.completedFuture(ListShardsResponse.builder().shards(shards).build());
    }

    @Override
    public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
        requests.incrementAndGet();
        List<PutRecordsResultEntry> results = new ArrayList<>(request.records().size());
        for (PutRecordsRequestEntry e : request.records()) {
            int shard = 0;
            if (e.explicitHashKey() != null) {
                BigInteger key = new BigInteger(e.explicitHashKey());
                while (shard < ends.length - 1 && key.compareTo(ends[shard]) > 0) {
                    shard++;
                }
            }
            results.add(PutRecordsResultEntry.builder()
                    .shardId(shards.get(shard).shardId())
                    .sequenceNumber(Long.toString(sequence.incrementAndGet()))
                    .build());
        }
        kinesisRecords.addAndGet(results.size());
        return CompletableFuture.completedFuture(
                PutRecordsResponse.builder().failedRecordCount(0).records(results).build());
    }

    /** Kinesis records (PutRecords entries) answered so far. */
    public long kinesisRecords() {
        return kinesisRecords.get();
    }

    /** PutRecords requests answered so far. */
    public long requests() {
        return requests.get();
    }

    @Override
    public String serviceName() {
        return "kinesis";
    }

    @Override
    public void close() {
    }
}
