package dev.aiokpl.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.Producer;
import dev.aiokpl.testkit.FaultProxy;
import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import dev.aiokpl.testkit.RequestFault;
import dev.aiokpl.testkit.StreamReader;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Retryable faults of every kind for {@link #DURATION}: 5xx bursts and a background of 5xx answers,
 * connection resets before and after the request reached the emulator, answers delayed past the
 * request timeout, answers with a wrong record count, whole-request throttling, KMS throttling and
 * per-record {@code InternalFailure}. Nothing is lost, nothing fails, and a record is in the stream
 * twice only if one of its attempts had an unknown outcome.
 */
@IntegrationTest
class TransientFaultsIT {

    static final Duration DURATION = Duration.ofSeconds(8);
    static final int RECORDS_PER_SECOND = 500;
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
    static final Set<RequestFault> RETRYABLE = EnumSet.of(RequestFault.THROTTLE_REQUEST, RequestFault.INTERNAL_FAILURE,
            RequestFault.SERVICE_UNAVAILABLE, RequestFault.KMS_THROTTLING, RequestFault.RESET_BEFORE_FORWARD,
            RequestFault.RESET_AFTER_FORWARD, RequestFault.DELAY_RESPONSE, RequestFault.WRONG_RECORD_COUNT);

    @Test
    void retryableFaultsLoseNothingAndDuplicateOnlyUnknownOutcomes() {
        KinesisEmulator kinesalite = KinesisEmulator.kinesalite();
        String stream = kinesalite.uniqueStreamName("faults-transient");
        kinesalite.createStream(stream, 4);
        Ledger ledger = new Ledger();
        try (FaultProxy proxy = FaultProxy.start(kinesalite, 2);
             KinesisAsyncClient reader = kinesalite.newClient()) {
            proxy.responseDelay(REQUEST_TIMEOUT.plusSeconds(1)).failRecords("InternalFailure", 0.05);
            for (RequestFault f : RETRYABLE) {
                proxy.injectRequests(f, 0.03);
            }
            try (Producer producer = Scenarios.producer(kinesalite, Scenarios.config(kinesalite, proxy.endpoint())
                    .requestTimeout(REQUEST_TIMEOUT).build())) {
                long perSecond = RECORDS_PER_SECOND;
                Scenarios.pace(DURATION, RECORDS_PER_SECOND, i -> {
                    if (i == perSecond) {            // after 1 s: every kind at least once, in a row
                        RETRYABLE.forEach(f -> proxy.injectNext(f, 1));
                    } else if (i == 3 * perSecond) { // a burst of 503s
                        proxy.injectNext(RequestFault.SERVICE_UNAVAILABLE, 12);
                    } else if (i == 5 * perSecond) { // a burst of 500s
                        proxy.injectNext(RequestFault.INTERNAL_FAILURE, 12);
                    }
                    ledger.put(producer, stream, 32, 300);
                });
                assertThat(ledger.awaitAll(Duration.ofSeconds(60))).as("futures not completed").isZero();
            }
            FaultProxy.Stats stats = proxy.stats();
            Ledger.Verdict v = ledger.verify(StreamReader.readAll(reader, stream));
            System.out.println("transient: " + v + "; proxy " + stats);

            assertThat(stats.requestFaults().keySet()).containsAll(RETRYABLE);
            assertThat(v.incomplete()).isZero();
            assertThat(v.failedByCode()).as("failed").isEmpty();
            assertThat(v.lost().size()).as("lost: %s", Ledger.Verdict.sample(v.lost())).isZero();
            List<Long> unexplained = v.unexplainedCopies(Scenarios.UNKNOWN_OUTCOME_CODES);
            assertThat(unexplained.size()).as("copies without an unknown outcome: %s",
                    Ledger.Verdict.sample(unexplained)).isZero();
            assertThat(v.corrupted()).isZero();
            assertThat(v.foreign()).isZero();
            assertThat(v.wrongSequence().size()).as("wrong sequence: %s", Ledger.Verdict.sample(v.wrongSequence()))
                    .isZero();
            assertThat(v.retriedByCode()).containsKeys("InternalFailure", "ServiceUnavailable",
                    "ProvisionedThroughputExceededException", "KMSThrottlingException", "ResponseCountMismatch");
            Scenarios.report("transient faults", stats.requestFaultsTotal() + " of " + stats.putRecordsRequests()
                    + " requests faulted " + stats.requestFaults() + ", " + stats.rejectedTotal()
                    + " entries InternalFailure; " + stats.unknownOutcome() + " Kinesis records stored with an unknown "
                    + "outcome", v, ledger.secondsToLastCompletion(),
                    "retried attempts by code " + v.retriedByCode());
        }
    }
}
