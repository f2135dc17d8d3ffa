package dev.aiokpl.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;

/**
 * Pins how kinesis-local 0.6.2 pages ListShards, which the producer's shard map depends on. If an
 * upgrade changes any of this, these tests say what changed.
 *
 * <p>Stream: 3 shards, then shards 0 and 2 split, so ids 0..6 with 0 and 2 closed.
 */
@IntegrationTest
class KinesisLocalListShardsBehaviourTest {

    private static KinesisEmulator emulator;
    private static KinesisAsyncClient client;
    private static String stream;

    @BeforeAll
    static void createResharded() {
        emulator = KinesisEmulator.kinesisLocal();
        client = emulator.newClient();
        stream = emulator.uniqueStreamName("listshards");
        emulator.createStream(stream, 3);
        List<Shard> shards = emulator.listShards(stream);
        emulator.splitShard(stream, shards.get(0).shardId(), middle(shards.get(0)));
        emulator.splitShard(stream, shards.get(2).shardId(), middle(shards.get(2)));
    }

    @AfterAll
    static void close() {
        client.close();
    }

    private static String middle(Shard shard) {
        BigInteger start = new BigInteger(shard.hashKeyRange().startingHashKey());
        BigInteger end = new BigInteger(shard.hashKeyRange().endingHashKey());
        return start.add(end).shiftRight(1).toString();
    }

    private static ListShardsResponse list(
            java.util.function.Consumer<software.amazon.awssdk.services.kinesis.model.ListShardsRequest.Builder> r) {
        return KinesisEmulator.call("ListShards", client.listShards(r));
    }

    private static List<String> ids(ListShardsResponse response) {
        return response.shards().stream().map(s -> s.shardId().substring(s.shardId().length() - 2)).toList();
    }

    @Test
    void withoutFilterAllShardsComeInShardIdOrder() {
        ListShardsResponse all = list(r -> r.streamName(stream));
        assertThat(ids(all)).containsExactly("00", "01", "02", "03", "04", "05", "06");
        assertThat(all.nextToken()).isNull();
    }

    @Test
    void atLatestReturnsOnlyOpenShards() {
        assertThat(ids(list(r -> r.streamName(stream).shardFilter(f -> f.type(ShardFilterType.AT_LATEST)))))
                .containsExactly("01", "03", "04", "05", "06");
    }

    @Test
    void aNextTokenIsGivenOnlyWhenMoreShardsFollow() {
        assertThat(list(r -> r.streamName(stream).maxResults(7)).nextToken()).isNull();
        assertThat(list(r -> r.streamName(stream).maxResults(5)
                .shardFilter(f -> f.type(ShardFilterType.AT_LATEST))).nextToken()).isNull();
        assertThat(list(r -> r.streamName(stream).maxResults(6)).nextToken()).isNotNull();
    }

    @Test
    void nextTokenPagesDropTheShardFilter() {
        ListShardsResponse first = list(r -> r.streamName(stream).maxResults(1)
                .shardFilter(f -> f.type(ShardFilterType.AT_LATEST)));
        assertThat(ids(first)).containsExactly("01");
        // The token only remembers the last shard id: closed shard 02 comes back on the next page.
        ListShardsResponse second = list(r -> r.nextToken(first.nextToken()));
        assertThat(ids(second)).containsExactly("02", "03", "04", "05", "06");
        assertThat(second.nextToken()).isNull();
    }

    @Test
    void nextTokenCannotBeCombinedWithStreamNameOrShardFilter() {
        String token = list(r -> r.streamName(stream).maxResults(1)).nextToken();
        assertThatThrownBy(() -> list(r -> r.nextToken(token).streamName(stream)))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("Cannot define ExclusiveStartShardId, StreamCreationTimestamp or StreamName");
        // Same (misleading) message when only ShardFilter is added to the token.
        assertThatThrownBy(() -> list(r -> r.nextToken(token).shardFilter(f -> f.type(ShardFilterType.AT_LATEST))))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("Cannot define ExclusiveStartShardId, StreamCreationTimestamp or StreamName");
        // MaxResults is allowed with a token.
        assertThat(ids(list(r -> r.nextToken(token).maxResults(2)))).containsExactly("01", "02");
    }

    @Test
    void exclusiveStartShardIdKeepsTheFilter() {
        ListShardsResponse page = list(r -> r.streamName(stream).exclusiveStartShardId("shardId-000000000001")
                .maxResults(2).shardFilter(f -> f.type(ShardFilterType.AT_LATEST)));
        assertThat(ids(page)).containsExactly("03", "04");
        assertThat(page.nextToken()).isNotNull();
    }

    @Test
    void aMalformedTokenIsAnInvalidArgument() {
        assertThatThrownBy(() -> list(r -> r.nextToken("garbage")))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("NextToken is improperly formatted");
    }

    @Test
    void callsFailWithTheServiceExceptionNotAWrapper() {
        assertThatThrownBy(() -> list(r -> r.streamName(stream).maxResults(1).nextToken("x")))
                .isNotInstanceOf(CompletionException.class);
    }
}
