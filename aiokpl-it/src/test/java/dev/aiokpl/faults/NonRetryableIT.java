package dev.aiokpl.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aiokpl.Attempt;
import dev.aiokpl.Producer;
import dev.aiokpl.RecordFailedException;
import dev.aiokpl.RecordResult;
import dev.aiokpl.testkit.FaultProxy;
import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import dev.aiokpl.testkit.RequestFault;
import dev.aiokpl.testkit.StreamReader;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Errors that retrying cannot fix fail their records within one round trip (plus the buffering
 * time), with the service's code and message and a single attempt — not after the TTL as the KPL.
 */
@IntegrationTest
class NonRetryableIT {

    /** The bound on putRecord-to-failure: one round trip + backoff, far below the 30 s TTL. */
    static final Duration FAIL_FAST = Duration.ofSeconds(2);
    static final int RECORDS = 50;

    private static KinesisEmulator kinesalite;
    private static FaultProxy proxy;
    private static Producer producer;
    private static KinesisAsyncClient reader;

    @BeforeAll
    static void start() {
        kinesalite = KinesisEmulator.kinesalite();
        proxy = FaultProxy.start(kinesalite, 3);
        producer = Scenarios.producer(kinesalite, Scenarios.config(kinesalite, proxy.endpoint()).build());
        reader = kinesalite.newClient();
    }

    @AfterAll
    static void stop() {
        producer.close();
        proxy.close();
        reader.close();
    }

    @Test
    void accessDeniedFailsFast() {
        failsFast("AccessDeniedException", "whole request", p -> p.injectRequests(RequestFault.ACCESS_DENIED, 1.0));
    }

    @Test
    void validationFailsFast() {
        failsFast("ValidationException", "whole request", p -> p.injectRequests(RequestFault.VALIDATION, 1.0));
    }

    @Test
    void kmsAccessDeniedPerRecordFailsFast() {
        failsFast("KMSAccessDeniedException", "per record", p -> p.failRecords("KMSAccessDeniedException", 1.0));
    }

    @Test
    void aMissingStreamFailsFastWithResourceNotFound() {
        String missing = kinesalite.uniqueStreamName("faults-missing");
        Ledger ledger = new Ledger();
        for (int i = 0; i < RECORDS; i++) {
            ledger.put(producer, missing, 8, 100);
        }
        assertThat(ledger.awaitAll(Duration.ofSeconds(30))).isZero();
        Ledger.Verdict v = ledger.verify(List.of());
        assertFailedFast(ledger, v, "ResourceNotFoundException");
        Scenarios.report("non-retryable", "missing stream (emulator's ResourceNotFoundException)", v,
                ledger.secondsToLastCompletion(), "slowest failure " + slowest(ledger).toMillis() + " ms, 1 attempt each");
    }

    private void failsFast(String code, String scope, Consumer<FaultProxy> inject) {
        String stream = kinesalite.uniqueStreamName("faults-" + code);
        kinesalite.createStream(stream, 2);
        // Warm the stream's pipeline (shard map) up first, so the bound measures the failure alone.
        producer.putRecord(stream, "warm-up", new byte[] {1}).join().orThrow();
        inject.accept(proxy);
        Ledger ledger = new Ledger();
        try {
            for (int i = 0; i < RECORDS; i++) {
                ledger.put(producer, stream, 8, 100);
            }
            assertThat(ledger.awaitAll(Duration.ofSeconds(30))).isZero();
        } finally {
            proxy.clearFaults();
        }
        Ledger.Verdict v = ledger.verify(StreamReader.readAll(reader, stream));
        assertFailedFast(ledger, v, code);
        RecordResult any = v.result(0);
        assertThat(any.attempts().get(any.attempts().size() - 1).errorMessage()).contains("fault proxy");
        Scenarios.report("non-retryable", code + " (" + scope + ")", v, ledger.secondsToLastCompletion(),
                "slowest failure " + slowest(ledger).toMillis() + " ms, 1 attempt each");
    }

    /**
     * Every record failed with {@code code}, and {@code code} itself was never retried: it is the last
     * attempt of every record, and at most one transport hiccup (a retryable error with an unknown
     * outcome, which the loaded CI host produces now and then) may precede it. A record answered
     * {@code code} on its first attempt completes within {@link #FAIL_FAST}.
     */
    private static void assertFailedFast(Ledger ledger, Ledger.Verdict v, String code) {
        System.out.println("non-retryable " + code + ": " + v + ", slowest " + slowest(ledger));
        assertThat(v.incomplete()).isZero();
        assertThat(v.failedByCode()).containsExactly(Map.entry(code, (long) RECORDS));
        assertThat(v.failedButStored()).isEmpty();
        for (Ledger.Sent s : ledger.sent()) {
            List<Attempt> attempts = s.result().attempts();
            String history = "record " + s.id + " attempts " + attempts;
            assertThat(attempts.get(attempts.size() - 1).errorCode()).as(history).isEqualTo(code);
            for (Attempt earlier : attempts.subList(0, attempts.size() - 1)) {
                assertThat(earlier.errorCode()).as(history).isNotEqualTo(code)
                        .isIn(Scenarios.UNKNOWN_OUTCOME_CODES);
            }
            assertThat(attempts.size()).as(history).isLessThanOrEqualTo(2);
            if (attempts.size() == 1) {
                assertThat(s.latency()).as(history).isLessThan(FAIL_FAST);
            } else {
                System.out.println("non-retryable " + code + ": transport retry before the answer, " + history);
            }
        }
        RecordResult first = v.result(ledger.sent().get(0).id);
        assertThat(catchThrowable(first::orThrow)).isInstanceOf(RecordFailedException.class).hasMessageContaining(code);
    }

    private static Duration slowest(Ledger ledger) {
        return ledger.sent().stream().map(Ledger.Sent::latency).max(Comparator.naturalOrder()).orElseThrow();
    }
}
