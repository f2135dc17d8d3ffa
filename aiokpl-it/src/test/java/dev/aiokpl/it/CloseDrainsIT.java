package dev.aiokpl.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.Producer;
import dev.aiokpl.it.ItSupport.Sent;
import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import dev.aiokpl.testkit.ReadRecord;
import dev.aiokpl.testkit.StreamReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/** Issue 3: close() right after the last putRecord delivers every record before it returns. */
@IntegrationTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CloseDrainsIT {

    private static final Logger LOG = LoggerFactory.getLogger(CloseDrainsIT.class);
    private static final int RECORDS = 5_000;

    @Test
    void closeRightAfterPuttingDeliversEveryRecord() throws Exception {
        KinesisEmulator emulator = KinesisEmulator.kinesisLocal();
        String stream = emulator.uniqueStreamName("close");
        emulator.createStream(stream, 2);

        Producer producer = Producer.create(ItSupport.config(emulator).build());
        List<Sent> sent = new ArrayList<>(ItSupport.awaitShardMap(producer, stream, Duration.ofMinutes(1)));
        List<Sent> last = ItSupport.putRandom(producer, stream, "close", RECORDS);
        sent.addAll(last);
        long pendingAtClose = last.stream().filter(s -> !s.future().isDone()).count();
        long closeStart = System.nanoTime();
        producer.close();
        LOG.info("close() took {} ms with {} records pending", (System.nanoTime() - closeStart) / 1_000_000,
                pendingAtClose);

        assertThat(pendingAtClose).as("records still pending when close() was called").isPositive();
        assertThat(sent).allSatisfy(s -> assertThat(s.future()).as("future of %s after close()", s.data()).isDone());
        ItSupport.awaitSuccess(sent, Duration.ofSeconds(1));
        assertThat(producer.outstandingRecords()).isZero();
        LOG.info("{}", ItSupport.summary(sent));

        List<ReadRecord> read;
        try (KinesisAsyncClient client = emulator.newClient()) {
            read = StreamReader.readAll(client, stream, Duration.ofMinutes(2));
        }
        ItSupport.assertReadBackExactly(sent, read);
    }
}
