package dev.aiokpl.testkit;

import static dev.aiokpl.testkit.Puts.entry;
import static dev.aiokpl.testkit.Puts.putAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.aiokpl.testkit.TestAggregates.Sub;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;

@IntegrationTest
class KinesaliteTest {

    private static KinesisEmulator emulator;
    private static KinesisAsyncClient client;

    @BeforeAll
    static void start() {
        emulator = KinesisEmulator.kinesalite();
        client = emulator.newClient();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Test
    void clientsSpeakJsonWithoutLeavingTheCborPropertyBehind() {
        assertThat(emulator.kind().supportsCbor()).isFalse();
        assertThat(System.getProperty(SdkSystemSetting.CBOR_ENABLED.property())).isNull();
        assertThat(emulator.endpoint().getHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void recordsAreReadBackFromTheShardOwningTheirHashKey() throws Exception {
        String stream = emulator.uniqueStreamName("basic");
        emulator.createStream(stream, 2);
        List<Shard> shards = emulator.listShards(stream);
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            entries.add(entry("key-" + i, "data-" + i));
        }
        entries.add(entry("a", "0", TestAggregates.aggregate(new Sub("x", "1", "agg-1"), new Sub("y", "2", "agg-2"))));
        List<PutRecordsResultEntry> results = putAll(client, stream, entries);

        List<ReadRecord> read = StreamReader.readAll(client, stream);

        assertThat(read).hasSize(12);
        for (int i = 0; i < 10; i++) {
            String key = "key-" + i;
            assertThat(read).filteredOn(r -> r.partitionKey().equals(key)).singleElement().satisfies(r -> {
                assertThat(r.shardId()).isEqualTo(HashKeys.openShardFor(shards, HashKeys.of(key)).shardId());
                assertThat(r.dataAsString()).isEqualTo("data-" + key.substring(4));
                assertThat(r.fromAggregate()).isFalse();
            });
            assertThat(results.get(i).shardId())
                    .isEqualTo(HashKeys.openShardFor(shards, HashKeys.of(key)).shardId());
        }
        assertThat(read).filteredOn(ReadRecord::fromAggregate)
                .extracting(ReadRecord::dataAsString, ReadRecord::shardId, ReadRecord::subSequenceNumber)
                .containsExactly(tuple("agg-1", shards.get(0).shardId(), 0L),
                        tuple("agg-2", shards.get(0).shardId(), 1L));
    }

    @Test
    void shardFilterAndMaxResultsAreIgnored() {
        String stream = emulator.uniqueStreamName("filter");
        emulator.createStream(stream, 2);
        String parent = emulator.listShards(stream).get(0).shardId();
        emulator.splitShard(stream, parent, "1000");
        var response = KinesisEmulator.call("ListShards", client.listShards(r -> r.streamName(stream).maxResults(1)
                .shardFilter(f -> f.type(ShardFilterType.AT_LATEST))));
        assertThat(response.shards()).extracting(Shard::shardId).hasSize(4).contains(parent);
        assertThat(response.nextToken()).isNull();
    }

    @Test
    void survivesAClientThatAbandonsARequest() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), emulator.endpoint().getPort());
             OutputStream out = socket.getOutputStream()) {
            out.write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n"
                    + "X-Amz-Target: Kinesis_20131202.ListStreams\r\nContent-Length: 1000\r\n\r\n{")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        String stream = emulator.uniqueStreamName("after-abort");
        emulator.createStream(stream, 1);
        assertThat(emulator.listShards(stream)).hasSize(1);
    }
}
