package dev.aiokpl.internal.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.internal.hash.HashKey;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;

/** The fixture itself: the tests that rely on it are only as good as it is. */
class ScriptedKinesisClientTest {

    private final ScriptedKinesisClient client = new ScriptedKinesisClient(Shards.even(5)).pageSize(2);

    @Test
    void pagesListShardsAndFlagsANextTokenRequestThatRepeatsTheStream() {
        ListShardsResponse first = client.listShards(ListShardsRequest.builder().streamName("s")
                .shardFilter(f -> f.type(ShardFilterType.AT_LATEST)).build()).join();
        assertThat(first.shards()).hasSize(2);
        ListShardsResponse second = client.listShards(ListShardsRequest.builder().nextToken(first.nextToken()).build())
                .join();
        ListShardsResponse third = client.listShards(ListShardsRequest.builder().nextToken(second.nextToken()).build())
                .join();
        assertThat(third.shards()).hasSize(1);
        assertThat(third.nextToken()).isNull();
        assertThat(client.protocolViolations()).isEmpty();

        CompletableFuture<ListShardsResponse> bad = client.listShards(ListShardsRequest.builder().streamName("s")
                .nextToken(first.nextToken()).build());
        Assertions.assertThatThrownBy(bad::join).isInstanceOf(CompletionException.class)
                .hasMessageContaining("NextToken and StreamName cannot be provided together");
        assertThat(client.protocolViolations()).hasSize(1);
        assertThat(client.listShardsRequests()).hasSize(4);
    }

    @Test
    void routesEachEntryToTheShardHoldingItsHashKey() {
        PutRecordsRequest request = PutRecordsRequest.builder().streamName("s").records(
                entry("k", null), entry("k", "0"), entry("k", HashKey.MAX.toDecimalString())).build();
        PutRecordsResponse response = client.putRecords(request).join();
        String byMd5 = Shards.holding(client.shards(), HashKey.ofPartitionKey("k")).shardId();
        assertThat(response.records()).extracting(e -> e.shardId()).containsExactly(byMd5, Shards.id(0), Shards.id(4));
        assertThat(response.records()).extracting(e -> e.sequenceNumber()).doesNotHaveDuplicates();
        assertThat(client.putRecordsRequests()).containsExactly(request);
    }

    @Test
    void holdsAndScriptsPutRecords() {
        PutRecordsRequest request = PutRecordsRequest.builder().streamName("s").records(entry("a", null),
                entry("b", null)).build();
        client.nextPutRecords(client.withEntryErrors(i -> i == 1 ? "InternalFailure" : null));
        PutRecordsResponse scripted = client.putRecords(request).join();
        assertThat(scripted.failedRecordCount()).isEqualTo(1);
        assertThat(scripted.records().get(1).errorCode()).isEqualTo("InternalFailure");

        client.holdPutRecords(true);
        CompletableFuture<PutRecordsResponse> held = client.putRecords(request);
        assertThat(held).isNotDone();
        assertThat(client.heldPutRecords()).hasSize(1);
        client.releasePutRecords();
        assertThat(held.join().failedRecordCount()).isZero();
        assertThat(client.heldPutRecords()).isEmpty();

        assertThat(client.wrongCount(-1).apply(request).join().records()).hasSize(1);
        assertThat(client.wrongCount(2).apply(request).join().records()).hasSize(4);
        assertThat(client.allOnShard("x").apply(request).join().records()).extracting(e -> e.shardId())
                .containsOnly("x");
    }

    private static PutRecordsRequestEntry entry(String partitionKey, String explicitHashKey) {
        return PutRecordsRequestEntry.builder().partitionKey(partitionKey).explicitHashKey(explicitHashKey)
                .data(SdkBytes.fromByteArray(new byte[] {1})).build();
    }

    @Test
    void evenShardsCoverTheWholeKeySpaceWithoutGaps() {
        List<software.amazon.awssdk.services.kinesis.model.Shard> shards = Shards.even(7);
        assertThat(Shards.start(shards.get(0))).isEqualTo(HashKey.MIN);
        assertThat(Shards.end(shards.get(6))).isEqualTo(HashKey.MAX);
        for (int i = 1; i < shards.size(); i++) {
            assertThat(new java.math.BigInteger(shards.get(i).hashKeyRange().startingHashKey()))
                    .isEqualTo(new java.math.BigInteger(shards.get(i - 1).hashKeyRange().endingHashKey())
                            .add(java.math.BigInteger.ONE));
        }
    }
}
