package dev.aiokpl.it;


import dev.aiokpl.Producer;
import dev.aiokpl.it.ItSupport.Sent;
import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 3: the happy path against kinesalite, whose ListShards ignores ShardFilter and paging, with
 * the producer's own client (built speaking JSON, which kinesalite needs).
 */
@IntegrationTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KinesaliteHappyPathIT {

    private static final Logger LOG = LoggerFactory.getLogger(KinesaliteHappyPathIT.class);
    private static final int RECORDS = 5_000;
    private static final int SHARDS = 4;

    @Test
    void everyRecordIsReadBackOnceFromTheShardItsResultNames() throws Exception {
        KinesisEmulator emulator = KinesisEmulator.kinesalite();
        String stream = emulator.uniqueStreamName("kinesalite-happy");
        emulator.createStream(stream, SHARDS);

        List<Sent> sent;
        try (Producer producer = KinesisEmulator.buildWithCborDisabled(
                () -> Producer.create(ItSupport.config(emulator).build()))) {
            sent = new ArrayList<>(ItSupport.awaitShardMap(producer, stream, Duration.ofMinutes(1)));
            sent.addAll(ItSupport.putRandom(producer, stream, "kinesalite", RECORDS));
            ItSupport.awaitSuccess(sent, Duration.ofMinutes(2));
        }
        LOG.info("{}", ItSupport.summary(sent));

        ItSupport.assertDeliveredAggregated(emulator, stream, sent, SHARDS, RECORDS);
    }
}
