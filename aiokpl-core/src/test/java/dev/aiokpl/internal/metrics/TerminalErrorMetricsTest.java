package dev.aiokpl.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aiokpl.Attempt;
import dev.aiokpl.Config;
import dev.aiokpl.MetricsLevel;
import dev.aiokpl.Producer;
import dev.aiokpl.RecordResult;
import dev.aiokpl.internal.testing.ScriptedKinesisClient;
import dev.aiokpl.internal.testing.Shards;
import dev.aiokpl.sinks.InMemorySink;
import dev.aiokpl.sinks.MetricSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Errors that no response carries — {@code Expired} and {@code Closed}, added by the producer, and
 * {@code Wrong Shard}, decided by the retrier on a reported success — are counted in
 * {@code ErrorsByCode} and {@code AllErrors} as the KPL does; and the attempt the producer adds for
 * Expired or Closed is not a retry in {@code RetriesPerRecord}.
 */
class TerminalErrorMetricsTest {

    private static final byte[] DATA = "payload".getBytes(StandardCharsets.UTF_8);
    private static final int RECORDS = 20;

    private final ScriptedKinesisClient client = new ScriptedKinesisClient(Shards.even(2));
    private final InMemorySink sink = new InMemorySink();

    private Config.Builder config() {
        return Config.builder().region("us-east-1").metricsLevel(MetricsLevel.DETAILED).metricsSink(sink)
                .metricsUploadInterval(Duration.ofSeconds(1)).recordMaxBufferedTime(Duration.ofMillis(5));
    }

    private List<CompletableFuture<RecordResult>> put(Producer producer) {
        List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            futures.add(producer.putRecord("s", "k" + i, DATA));
        }
        return futures;
    }

    private double errorsByCode(String code) {
        return sink.snapshots("ErrorsByCode").stream()
                .filter(s -> code.equals(s.dimensions().get("error_code")))
                .mapToDouble(MetricSnapshot::sum).sum();
    }

    @Test
    void expiredRecordsAreErrorsAndTheirExpiredAttemptIsNoRetry() throws Exception {
        client.putRecordsAnswer(ScriptedKinesisClient.allEntriesFail("InternalFailure", "try again"));
        List<RecordResult> results = new ArrayList<>();
        try (Producer producer = Producer.create(config().recordTtl(Duration.ofMillis(300)).build(), client)) {
            for (CompletableFuture<RecordResult> f : put(producer)) {
                results.add(f.get(30, TimeUnit.SECONDS));
            }
        }
        long realRetries = 0;
        for (RecordResult r : results) {
            List<Attempt> attempts = r.attempts();
            assertThat(attempts.get(attempts.size() - 1).errorCode()).isEqualTo("Expired");
            realRetries += Math.max(0, attempts.size() - 2); // the requests, less the first
        }
        assertThat(sink.sum("RetriesPerRecord")).isEqualTo(realRetries);
        assertThat(errorsByCode("Expired")).isEqualTo(RECORDS);
        assertThat(sink.sum("AllErrors")).isEqualTo(errorsByCode("InternalFailure") + RECORDS);
        assertThat(sink.sum("UserRecordExpired")).isEqualTo(RECORDS);
    }

    @Test
    void recordsFailedByCloseAreErrorsAndNoRetry() throws Exception {
        client.holdPutRecords(true);
        List<CompletableFuture<RecordResult>> futures;
        try (Producer producer = Producer.create(config().closeTimeout(Duration.ofMillis(200)).build(), client)) {
            futures = put(producer);
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.heldPutRecords().isEmpty());
        } finally {
            client.releasePutRecords();
        }
        for (CompletableFuture<RecordResult> f : futures) {
            assertThat(f.get(1, TimeUnit.SECONDS).attempts()).extracting(Attempt::errorCode).containsExactly("Closed");
        }
        assertThat(sink.sum("RetriesPerRecord")).isZero();
        assertThat(errorsByCode("Closed")).isEqualTo(RECORDS);
        assertThat(sink.sum("AllErrors")).isEqualTo(RECORDS);
    }

    @Test
    void wrongShardRetriesAreErrors() throws Exception {
        // The first request's aggregates all "land" on shard 1: those built for shard 0 are wrong.
        client.nextPutRecords(client.allOnShard(Shards.id(1)));
        List<RecordResult> results = new ArrayList<>();
        try (Producer producer = Producer.create(config().build(), client)) {
            List<CompletableFuture<RecordResult>> futures = put(producer);
            producer.flush().get(30, TimeUnit.SECONDS);
            for (CompletableFuture<RecordResult> f : futures) {
                results.add(f.get(1, TimeUnit.SECONDS));
            }
        }
        long wrong = results.stream().filter(r -> "Wrong Shard".equals(r.attempts().get(0).errorCode())).count();
        assertThat(wrong).as("some records were predicted on shard 0").isPositive();
        assertThat(results).allSatisfy(r -> assertThat(r.successful()).isTrue());
        assertThat(errorsByCode("Wrong Shard")).isEqualTo(wrong);
        assertThat(sink.sum("AllErrors")).isEqualTo(wrong);
    }
}
