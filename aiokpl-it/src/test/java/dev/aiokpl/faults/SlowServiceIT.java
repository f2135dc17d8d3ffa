package dev.aiokpl.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.Producer;
import dev.aiokpl.testkit.FaultProxy;
import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import dev.aiokpl.testkit.StreamReader;
import java.time.Duration;
import java.util.Comparator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Every PutRecords answer comes {@link #LATENCY} late (a slow service, no error) on a stream of
 * {@link #SHARDS} shards: each shard closes a small request every {@code recordMaxBufferedTime}, far
 * more requests than {@code maxConnections} can carry at that latency. Batches waiting for a
 * connection must travel together, or records queue until they expire (they did before the Sender
 * merged waiting batches; now the sender pulls what waits into each request: see ReadyQueueTest).
 */
@IntegrationTest
class SlowServiceIT {

    static final Duration DURATION = Duration.ofSeconds(8);
    static final Duration LATENCY = Duration.ofSeconds(2);
    static final int SHARDS = 16;
    static final int RECORDS_PER_SECOND = 1_000;

    @Test
    void aSlowServiceDelaysRecordsByItsLatencyNotByAQueue() {
        KinesisEmulator kinesalite = KinesisEmulator.kinesalite();
        String stream = kinesalite.uniqueStreamName("faults-slow");
        kinesalite.createStream(stream, SHARDS);
        Ledger ledger = new Ledger();
        try (FaultProxy proxy = FaultProxy.start(kinesalite, 7);
             KinesisAsyncClient reader = kinesalite.newClient()) {
            try (Producer producer = Scenarios.producer(kinesalite, Scenarios.config(kinesalite, proxy.endpoint())
                    .requestTimeout(LATENCY.multipliedBy(4)).build())) {
                producer.putRecord(stream, "warm-up", new byte[] {1}).join().orThrow();
                proxy.latency(LATENCY);
                Scenarios.pace(DURATION, RECORDS_PER_SECOND, i -> ledger.put(producer, stream, 256, 200));
                assertThat(ledger.awaitAll(Duration.ofSeconds(30))).as("futures not completed").isZero();
            }
            FaultProxy.Stats stats = proxy.stats();
            Ledger.Verdict v = ledger.verify(StreamReader.readAll(reader, stream));
            Duration slowest = ledger.sent().stream().map(Ledger.Sent::latency).max(Comparator.naturalOrder())
                    .orElseThrow();
            System.out.println("slow service: " + v + "; slowest " + slowest + "; proxy " + stats);

            assertThat(v.incomplete()).isZero();
            assertThat(v.failedByCode()).as("failed").isEmpty();
            assertThat(v.lost()).isEmpty();
            assertThat(v.unexplainedCopies(Scenarios.UNKNOWN_OUTCOME_CODES)).isEmpty();
            assertThat(slowest).as("put to result: buffering + a latency or two, not a queue")
                    .isLessThan(LATENCY.multipliedBy(3));
            Scenarios.report("slow service", LATENCY.toMillis() + " ms added to every PutRecords, " + SHARDS
                    + " shards, " + RECORDS_PER_SECOND + " records/s; " + stats.putRecordsRequests() + " requests",
                    v, ledger.secondsToLastCompletion(), "slowest put-to-result " + slowest.toMillis() + " ms");
        }
    }
}
