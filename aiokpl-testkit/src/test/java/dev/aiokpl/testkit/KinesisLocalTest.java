package dev.aiokpl.testkit;

import static dev.aiokpl.testkit.Puts.entry;
import static dev.aiokpl.testkit.Puts.putAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.aiokpl.testkit.TestAggregates.Sub;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;

@IntegrationTest
class KinesisLocalTest {

    private static KinesisEmulator emulator;
    private static KinesisAsyncClient client;

    @BeforeAll
    static void start() {
        emulator = KinesisEmulator.kinesisLocal();
        client = emulator.newClient();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Test
    void sharedInstanceListensOnLoopback() {
        assertThat(KinesisEmulator.kinesisLocal()).isSameAs(emulator);
        assertThat(emulator.kind()).isEqualTo(KinesisEmulator.Kind.KINESIS_LOCAL);
        assertThat(emulator.endpoint().getHost()).isEqualTo("127.0.0.1");
        assertThat(emulator.endpoint().getScheme()).isEqualTo("http");
        assertThat(emulator.region()).isEqualTo("us-east-1");
    }

    @Test
    void recordsAreReadBackFromTheShardOwningTheirHashKey() throws Exception {
        String stream = emulator.uniqueStreamName("basic");
        emulator.createStream(stream, 2);
        List<Shard> shards = emulator.listShards(stream);
        assertThat(shards).hasSize(2);

        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            entries.add(entry("key-" + i, "data-" + i));
        }
        entries.add(entry("explicit-low", "0", "low".getBytes()));
        entries.add(entry("explicit-high", HashKeys.MAX.toString(), "high".getBytes()));
        List<PutRecordsResultEntry> results = putAll(client, stream, entries);

        List<ReadRecord> read = StreamReader.readAll(client, stream);

        assertThat(read).hasSize(12);
        for (int i = 0; i < 10; i++) {
            String key = "key-" + i;
            ReadRecord record = read.stream().filter(r -> r.partitionKey().equals(key)).findFirst().orElseThrow();
            assertThat(record.dataAsString()).isEqualTo("data-" + i);
            assertThat(record.shardId())
                    .isEqualTo(HashKeys.openShardFor(shards, HashKeys.of(key)).shardId())
                    .isEqualTo(results.get(i).shardId());
            assertThat(record.sequenceNumber()).isEqualTo(results.get(i).sequenceNumber());
            assertThat(record.fromAggregate()).isFalse();
            assertThat(record.rawMagic()).isFalse();
            assertThat(record.subSequenceNumber()).isZero();
            assertThat(record.explicitHashKey()).isNull();
        }
        assertThat(read).filteredOn(r -> r.partitionKey().equals("explicit-low"))
                .singleElement().extracting(ReadRecord::shardId).isEqualTo(shards.get(0).shardId());
        assertThat(read).filteredOn(r -> r.partitionKey().equals("explicit-high"))
                .singleElement().extracting(ReadRecord::shardId).isEqualTo(shards.get(1).shardId());
    }

    @Test
    void aggregatesAreDeaggregatedAgainstTheirShardsRange() throws Exception {
        String stream = emulator.uniqueStreamName("aggregates");
        emulator.createStream(stream, 2);
        List<Shard> shards = emulator.listShards(stream);
        String low = shards.get(0).shardId();
        String high = shards.get(1).shardId();
        List<String> lowKeys = keysIn(shards.get(0), 1);
        List<String> highKeys = keysIn(shards.get(1), 2);

        putAll(client, stream, List.of(
                // every sub-record hashes into the low shard: all read back, in order
                entry("a", "0", TestAggregates.aggregate(new Sub("p1", "1", "one"), new Sub("p2", "2", "two"),
                        new Sub(lowKeys.get(0), null, "three"))),
                // one sub-record belongs to the high shard: KCL drops the whole aggregate
                entry("a", "0", TestAggregates.aggregate(
                        new Sub("p4", "4", "dropped-in-range"), new Sub("p5", HashKeys.MAX.toString(), "dropped"))),
                // partition-key hashing only, all in the high shard
                entry(highKeys.get(0), null, TestAggregates.aggregate(
                        new Sub(highKeys.get(0), null, "h0"), new Sub(highKeys.get(1), null, "h1"))),
                // a bad checksum: passed through raw, still starting with the magic
                entry("a", "0", TestAggregates.corruptAggregate(new Sub("p6", "6", "corrupt")))));

        List<ReadRecord> read = StreamReader.readAll(client, stream);

        assertThat(read).extracting(ReadRecord::dataAsString)
                .contains("one", "two", "three", "h0", "h1")
                .doesNotContain("dropped", "dropped-in-range");
        assertThat(read).hasSize(6);
        assertThat(read).filteredOn(ReadRecord::fromAggregate)
                .extracting(ReadRecord::dataAsString, ReadRecord::shardId, ReadRecord::partitionKey,
                        ReadRecord::explicitHashKey, ReadRecord::subSequenceNumber)
                .containsExactly(
                        tuple("one", low, "p1", "1", 0L),
                        tuple("two", low, "p2", "2", 1L),
                        tuple("three", low, lowKeys.get(0), null, 2L),
                        tuple("h0", high, highKeys.get(0), null, 0L),
                        tuple("h1", high, highKeys.get(1), null, 1L));
        assertThat(read).filteredOn(ReadRecord::rawMagic).singleElement().satisfies(r -> {
            assertThat(r.fromAggregate()).isFalse();
            assertThat(r.partitionKey()).isEqualTo("a");
            assertThat(r.shardId()).isEqualTo(low);
        });
    }

    private static List<String> keysIn(Shard shard, int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; keys.size() < count; i++) {
            if (HashKeys.inRange(shard, HashKeys.of("k" + i))) {
                keys.add("k" + i);
            }
        }
        return keys;
    }

    @Test
    void splitKeepsTheParentsRecordsAndRoutesNewOnesToTheChildren() throws Exception {
        String stream = emulator.uniqueStreamName("split");
        emulator.createStream(stream, 1);
        String parent = emulator.listShards(stream).get(0).shardId();
        List<PutRecordsRequestEntry> before = new ArrayList<>();
        List<PutRecordsRequestEntry> after = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            before.add(entry("key-" + i, "before-" + i));
            after.add(entry("key-" + i, "after-" + i));
        }
        putAll(client, stream, before);

        String middle = BigInteger.ONE.shiftLeft(127).toString();
        List<String> children = emulator.splitShard(stream, parent, middle);

        List<Shard> shards = emulator.listShards(stream);
        assertThat(shards).hasSize(3);
        assertThat(shards).filteredOn(s -> s.shardId().equals(parent)).singleElement()
                .satisfies(s -> assertThat(s.sequenceNumberRange().endingSequenceNumber()).isNotNull());
        assertThat(shards).filteredOn(s -> children.contains(s.shardId()))
                .allSatisfy(s -> assertThat(s.parentShardId()).isEqualTo(parent))
                .extracting(s -> s.hashKeyRange().startingHashKey())
                .containsExactlyInAnyOrder("0", middle);
        List<Shard> open = client.listShards(r -> r.streamName(stream)
                .shardFilter(f -> f.type(ShardFilterType.AT_LATEST))).get(30, TimeUnit.SECONDS).shards();
        assertThat(open).extracting(Shard::shardId).containsExactlyInAnyOrderElementsOf(children);

        List<PutRecordsResultEntry> afterResults = putAll(client, stream, after);
        List<ReadRecord> read = StreamReader.readAll(client, stream);

        assertThat(read).hasSize(12);
        assertThat(read).filteredOn(r -> r.dataAsString().startsWith("before-"))
                .hasSize(6).allSatisfy(r -> assertThat(r.shardId()).isEqualTo(parent));
        for (int i = 0; i < 6; i++) {
            String key = "key-" + i;
            String expected = HashKeys.openShardFor(shards, HashKeys.of(key)).shardId();
            assertThat(afterResults.get(i).shardId()).isEqualTo(expected);
            assertThat(read).filteredOn(r -> r.dataAsString().equals("after-" + key.substring(4)))
                    .singleElement().extracting(ReadRecord::shardId).isEqualTo(expected);
        }
        // parents are read before children
        assertThat(read.get(0).shardId()).isEqualTo(parent);
    }

    @Test
    void mergeJoinsTwoAdjacentShards() throws Exception {
        String stream = emulator.uniqueStreamName("merge");
        emulator.createStream(stream, 2);
        List<Shard> shards = emulator.listShards(stream);
        putAll(client, stream, List.of(entry("m", "before-merge")));

        String child = emulator.mergeShards(stream, shards.get(0).shardId(), shards.get(1).shardId());

        putAll(client, stream, List.of(entry("m", "after-merge")));
        assertThat(emulator.listShards(stream)).hasSize(3);
        assertThat(StreamReader.readAll(client, stream))
                .extracting(ReadRecord::dataAsString, ReadRecord::shardId)
                .containsExactly(
                        tuple("before-merge",
                                HashKeys.openShardFor(shards, HashKeys.of("m")).shardId()),
                        tuple("after-merge", child));
    }

    @Test
    void deletedStreamsAreGone() {
        String stream = emulator.uniqueStreamName("delete");
        emulator.createStream(stream, 1);
        emulator.deleteStream(stream);
        assertThat(emulator.uniqueStreamName("x")).isNotEqualTo(emulator.uniqueStreamName("x"));
    }
}
