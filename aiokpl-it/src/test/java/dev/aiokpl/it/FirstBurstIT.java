package dev.aiokpl.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.Producer;
import dev.aiokpl.it.ItSupport.Sent;
import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * SPEC section 3: records put while the first shard map loads wait for it rather than go out
 * un-aggregated. The first ListShards of a cold producer takes longer than recordMaxBufferedTime
 * (SDK start, first connection, credentials); here it is made to take 500 ms, deterministically,
 * and the records put meanwhile must still share a few aggregates.
 */
@IntegrationTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FirstBurstIT {

    private static final Logger LOG = LoggerFactory.getLogger(FirstBurstIT.class);
    private static final int RECORDS = 500;
    private static final Duration LIST_SHARDS_DELAY = Duration.ofMillis(500);

    @Test
    void aBurstPutWhileTheFirstShardMapLoadsGoesOutAggregated() throws Exception {
        KinesisEmulator emulator = KinesisEmulator.kinesisLocal();
        String stream = emulator.uniqueStreamName("first-burst");
        emulator.createStream(stream, 4);

        List<Sent> sent;
        try (KinesisAsyncClient client = emulator.newClient();
                Producer producer = Producer.create(ItSupport.config(emulator).build(),
                        new SlowListShards(client, LIST_SHARDS_DELAY))) {
            sent = ItSupport.putRandom(producer, stream, "burst", RECORDS);
            ItSupport.awaitSuccess(sent, Duration.ofMinutes(2));
        }
        LOG.info("{}", ItSupport.summary(sent));

        long kinesisRecords = sent.stream().map(s -> s.result().shardId() + "/" + s.result().sequenceNumber())
                .distinct().count();
        assertThat(kinesisRecords).as("Kinesis records carrying %s user records put before the map loaded", RECORDS)
                .isLessThanOrEqualTo(RECORDS / 20);
    }

    /** A client whose ListShards answers late; PutRecords is passed straight through. */
    private static final class SlowListShards implements KinesisAsyncClient {
        private final KinesisAsyncClient delegate;
        private final Duration delay;

        SlowListShards(KinesisAsyncClient delegate, Duration delay) {
            this.delegate = delegate;
            this.delay = delay;
        }

        @Override
        public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
            return CompletableFuture.supplyAsync(() -> request,
                            CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS))
                    .thenCompose(delegate::listShards);
        }

        @Override
        public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
            return delegate.putRecords(request);
        }

        @Override
        public String serviceName() {
            return delegate.serviceName();
        }

        @Override
        public void close() {
            // the test closes the delegate
        }
    }
}
