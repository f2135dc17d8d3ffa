package dev.aiokpl.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.Attempt;
import dev.aiokpl.Producer;
import dev.aiokpl.RecordResult;
import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 3: records for a stream that does not exist fail fast with ResourceNotFoundException, not
 * when their recordTtl runs out (30 s by default, 2 min here): both while the first shard-map load
 * is failing and afterwards.
 */
@IntegrationTest
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MissingStreamIT {

    private static final Duration FAIL_WITHIN = Duration.ofSeconds(5);
    private static final int PER_WAVE = 50;

    /** A record's result and how long it took from putRecord to completion. */
    private record Timed(RecordResult result, long nanos) {
    }

    @Test
    void everyRecordFailsWithinFiveSecondsWithResourceNotFound() throws Exception {
        KinesisEmulator emulator = KinesisEmulator.kinesisLocal();
        String stream = emulator.uniqueStreamName("missing");

        try (Producer producer = Producer.create(ItSupport.config(emulator).build())) {
            // the first wave races the first ListShards; the second finds the map failed and backing off
            checkWave(putWave(producer, stream, "first"));
            checkWave(putWave(producer, stream, "second"));
        }
    }

    private static List<CompletableFuture<Timed>> putWave(Producer producer, String stream, String wave) {
        List<CompletableFuture<Timed>> timed = new ArrayList<>();
        for (int i = 0; i < PER_WAVE; i++) {
            long start = System.nanoTime();
            timed.add(producer.putRecord(stream, wave + "-key-" + (i % 7),
                            (wave + "-" + i).getBytes(StandardCharsets.UTF_8))
                    .thenApply(r -> new Timed(r, System.nanoTime() - start)));
        }
        return timed;
    }

    private static void checkWave(List<CompletableFuture<Timed>> wave) throws Exception {
        // bounded well past FAIL_WITHIN (and past nothing like the 30 s TTL) so a slow failure is measured, not hung on
        CompletableFuture.allOf(wave.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        for (CompletableFuture<Timed> f : wave) {
            Timed t = f.getNow(null);
            assertThat(t.result().successful()).as("%s", t.result()).isFalse();
            List<Attempt> attempts = t.result().attempts();
            Attempt last = attempts.get(attempts.size() - 1);
            assertThat(last.errorCode()).as("last attempt of %s", attempts).isEqualTo("ResourceNotFoundException");
            assertThat(last.errorMessage()).isNotBlank();
            assertThat(Duration.ofNanos(t.nanos())).as("time from putRecord to failure").isLessThan(FAIL_WITHIN);
        }
    }
}
