package dev.aiokpl.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aiokpl.Config;
import dev.aiokpl.Producer;
import dev.aiokpl.RecordResult;
import dev.aiokpl.internal.testing.ManualTicker;
import dev.aiokpl.internal.testing.ScriptedKinesisClient;
import dev.aiokpl.internal.testing.Shards;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The producer reads time only from the ticker and clock it is given: here a manual ticker. */
class DefaultProducerTest {

    private static final Instant WALL = Instant.parse("2030-01-01T00:00:00Z");

    private final ManualTicker ticker = new ManualTicker();
    private final ScriptedKinesisClient client = new ScriptedKinesisClient(Shards.even(2));
    private Producer producer;

    @AfterEach
    void close() {
        client.holdListShards(false);
        if (producer != null) {
            producer.close();
        }
    }

    @Test
    void theOldestRecordsAgeAndItsAttemptsTimesComeFromTheInjectedTimeSource() {
        client.holdListShards(true);
        producer = DefaultProducer.create(Config.builder().region("us-east-1").closeTimeout(Duration.ZERO).build(),
                client, ticker, Clock.fixed(WALL, ZoneOffset.UTC));
        CompletableFuture<RecordResult> f = producer.putRecord("orders", "k", "v".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(10)).until(() -> client.heldListShards() == 1);

        ticker.advance(Duration.ofSeconds(3));
        assertThat(producer.oldestRecordAge()).isEqualTo(Duration.ofSeconds(3));

        producer.close(); // closeTimeout zero: the record waiting for the shard map fails as Closed at once
        RecordResult r = f.join();
        assertThat(r.successful()).isFalse();
        assertThat(r.attempts().get(r.attempts().size() - 1).endedAt()).isEqualTo(WALL.plusSeconds(3));
    }
}
