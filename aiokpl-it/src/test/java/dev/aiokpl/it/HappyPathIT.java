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

/** Issue 3: 20 000 records with random keys to a 4-shard kinesis-local stream all arrive, once, aggregated. */
@IntegrationTest
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HappyPathIT {

    private static final Logger LOG = LoggerFactory.getLogger(HappyPathIT.class);
    private static final int RECORDS = 20_000;
    private static final int SHARDS = 4;

    @Test
    void everyRecordIsReadBackOnceFromTheShardItsResultNames() throws Exception {
        KinesisEmulator emulator = KinesisEmulator.kinesisLocal();
        String stream = emulator.uniqueStreamName("happy");
        emulator.createStream(stream, SHARDS);

        List<Sent> sent;
        try (Producer producer = Producer.create(ItSupport.config(emulator).build())) {
            sent = new ArrayList<>(ItSupport.awaitShardMap(producer, stream, Duration.ofMinutes(1)));
            sent.addAll(ItSupport.putRandom(producer, stream, "happy", RECORDS));
            ItSupport.awaitSuccess(sent, Duration.ofMinutes(3));
        }
        LOG.info("{}", ItSupport.summary(sent));

        ItSupport.assertDeliveredAggregated(emulator, stream, sent, SHARDS, RECORDS);
    }
}
