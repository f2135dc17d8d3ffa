package dev.aiokpl.testkit;

import dev.aiokpl.Config;
import dev.aiokpl.Producer;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.kinesis.model.Shard;

/** {@link ProducerContract} against the real producer ({@code Producer.create}) on kinesis-local. */
@IntegrationTest
class DefaultProducerContractIT extends ProducerContract {

    private static KinesisEmulator emulator;
    private static String stream;
    private static List<Shard> shards;

    @BeforeAll
    static void createStream() {
        emulator = KinesisEmulator.kinesisLocal();
        stream = emulator.uniqueStreamName("contract");
        emulator.createStream(stream, SHARDS);
        shards = emulator.listShards(stream);
    }

    @Override
    Producer create(Config.Builder config) {
        return Producer.create(config.region(emulator.region()).endpointOverride(emulator.endpoint())
                .credentialsProvider(emulator.credentialsProvider()).recordMaxBufferedTime(Duration.ofMillis(20))
                .requestTimeout(Duration.ofSeconds(30)).closeTimeout(Duration.ofSeconds(60)).build());
    }

    @Override
    String stream() {
        return stream;
    }

    @Override
    String shardHolding(BigInteger hashKey) {
        return HashKeys.openShardFor(shards, hashKey).shardId();
    }
}
