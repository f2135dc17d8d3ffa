package dev.aiokpl.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.Attempt;
import dev.aiokpl.Producer;
import dev.aiokpl.RecordResult;
import dev.aiokpl.testkit.FaultProxy;
import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import dev.aiokpl.testkit.StreamReader;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * 30 % of PutRecords entries throttled per record for {@link #DURATION}: with the default TTL nothing
 * expires, nothing is lost, and the retries show in the attempts.
 *
 * <p>The run lasts 10 s in CI; {@code -Daiokpl.faults.throttlingSeconds=20} runs the full 20 s.
 */
@IntegrationTest
class ThrottlingIT {

    static final Duration DURATION = Duration.ofSeconds(Long.getLong("aiokpl.faults.throttlingSeconds", 10));
    static final double THROTTLED_SHARE = 0.30;
    static final int RECORDS_PER_SECOND = 1_000;
    static final int DATA_SIZE = 500;

    @Test
    void perRecordThrottlingLosesNothingAndExpiresNothing() {
        KinesisEmulator kinesalite = KinesisEmulator.kinesalite();
        String stream = kinesalite.uniqueStreamName("faults-throttling");
        kinesalite.createStream(stream, 4);
        Ledger ledger = new Ledger();
        FaultProxy.Stats stats;
        try (FaultProxy proxy = FaultProxy.start(kinesalite, 1);
             KinesisAsyncClient reader = kinesalite.newClient()) {
            proxy.throttleRecords(THROTTLED_SHARE);
            // A generous request timeout: the emulator may be slow on a busy machine, and a timed-out
            // request has an unknown outcome (a possible duplicate) that would blur what this test shows.
            try (Producer producer = Scenarios.producer(kinesalite, Scenarios.config(kinesalite, proxy.endpoint())
                    .requestTimeout(Duration.ofSeconds(30)).build())) {
                Scenarios.pace(DURATION, RECORDS_PER_SECOND, i -> ledger.put(producer, stream, 64, DATA_SIZE));
                assertThat(ledger.awaitAll(Duration.ofSeconds(45))).as("futures not completed").isZero();
            }
            stats = proxy.stats();
            Ledger.Verdict v = ledger.verify(StreamReader.readAll(reader, stream));
            System.out.println("throttling: " + v + "; proxy " + stats);

            assertThat(v.incomplete()).isZero();
            assertThat(v.failedByCode()).as("failed (Expired included)").isEmpty();
            assertThat(v.lost().size()).as("lost: %s", Ledger.Verdict.sample(v.lost())).isZero();
            List<Long> unexplained = v.unexplainedCopies(Scenarios.UNKNOWN_OUTCOME_CODES);
            assertThat(unexplained.size()).as("throttled entries never reach the stream, so duplicates only "
                    + "follow an unknown outcome: %s", Ledger.Verdict.sample(unexplained)).isZero();
            assertThat(v.corrupted()).isZero();
            assertThat(v.wrongSequence().size()).as("wrong sequence: %s", Ledger.Verdict.sample(v.wrongSequence()))
                    .isZero();
            assertThat(stats.entriesRejected().get(FaultProxy.THROTTLED)).isPositive();
            assertThat(v.retriedByCode()).containsKey(FaultProxy.THROTTLED);
            // About 30 % of the Kinesis records were throttled at least once; their user records show it.
            assertThat((double) v.retried() / v.sent()).isBetween(0.15, 0.6);
            for (long id : v.byId().keySet()) {
                RecordResult r = v.result(id);
                if (r.attempts().size() > 1) {
                    Attempt first = r.attempts().get(0);
                    assertThat(first.errorCode()).isEqualTo(FaultProxy.THROTTLED);
                    assertThat(first.errorMessage()).startsWith("Rate exceeded");
                    assertThat(r.attempts().get(1).delay()).as("backed off").isPositive();
                    break;
                }
            }
            Scenarios.report("per-record throttling", "30 % of entries PTEE (" + stats.rejectedTotal() + " of "
                    + stats.entriesReceived() + " Kinesis records) for " + DURATION.toSeconds() + " s", v,
                    ledger.secondsToLastCompletion(), "max " + v.maxAttempts() + " attempts; 0 expired");
        }
    }
}
