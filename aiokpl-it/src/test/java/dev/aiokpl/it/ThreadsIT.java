package dev.aiokpl.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aiokpl.Producer;
import dev.aiokpl.it.ItSupport.Sent;
import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Issue 3: every thread a producer starts is a daemon named {@code aiokpl-*}, and none is left alive
 * after {@code close()} — with the producer's own client and with a client the user supplies.
 */
@IntegrationTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ThreadsIT {

    private static final String PREFIX = "aiokpl-";
    /** close() returns once records are done; executor threads may take a moment more to exit. */
    private static final Duration GONE_WITHIN = Duration.ofSeconds(15);

    @Test
    void ownClientThreadsAreDaemonsAndNoneOutlivesClose() throws Exception {
        KinesisEmulator emulator = KinesisEmulator.kinesisLocal();
        checkThreads(emulator, () -> Producer.create(ItSupport.config(emulator).build()));
    }

    @Test
    void suppliedClientThreadsAreDaemonsAndNoneOutlivesClose() throws Exception {
        KinesisEmulator emulator = KinesisEmulator.kinesisLocal();
        try (KinesisAsyncClient client = emulator.newClient()) {
            checkThreads(emulator, () -> Producer.create(ItSupport.config(emulator).build(), client));
        }
    }

    private static void checkThreads(KinesisEmulator emulator, Supplier<Producer> create) throws Exception {
        awaitNoAiokplThreads("before the producer was created (left over by an earlier test)");
        String stream = emulator.uniqueStreamName("threads");
        emulator.createStream(stream, 1);

        List<Thread> seen = new ArrayList<>();
        Producer producer = create.get();
        try {
            seen.addAll(aiokplThreads());
            List<Sent> sent = ItSupport.putRandom(producer, stream, "threads", 500);
            seen.addAll(aiokplThreads());
            ItSupport.awaitSuccess(sent, Duration.ofMinutes(1));
            seen.addAll(aiokplThreads());
            producer.flush().get(30, TimeUnit.SECONDS);
        } finally {
            producer.close();
        }

        assertThat(seen).as("aiokpl threads seen while the producer ran").isNotEmpty();
        assertThat(seen).extracting(Thread::getName).anyMatch(n -> n.startsWith(PREFIX + "pipeline-"));
        assertThat(seen).allSatisfy(t -> assertThat(t.isDaemon()).as("%s is a daemon thread", t.getName()).isTrue());
        awaitNoAiokplThreads("after close()");
    }

    private static void awaitNoAiokplThreads(String when) {
        await(when).atMost(GONE_WITHIN)
                .pollInSameThread()
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(aiokplThreads()).as("live aiokpl threads " + when)
                        .extracting(Thread::getName).isEmpty());
    }

    private static List<Thread> aiokplThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> t.getName().startsWith(PREFIX))
                .toList();
    }
}
