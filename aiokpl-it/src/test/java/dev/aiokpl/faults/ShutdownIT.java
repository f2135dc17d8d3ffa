package dev.aiokpl.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aiokpl.Producer;
import dev.aiokpl.RecordResult;
import dev.aiokpl.testkit.FaultProxy;
import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import dev.aiokpl.testkit.ReadRecord;
import dev.aiokpl.testkit.StreamReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * {@code close()} with records in every stage — requests held by the endpoint, records backing off
 * after throttling, records still buffered — returns within {@code closeTimeout} (plus the abort),
 * delivers what can be delivered, fails the rest with {@code Closed} and a message naming the last
 * error, completes every future, and leaves no {@code aiokpl-} thread behind.
 */
@IntegrationTest
class ShutdownIT {

    static final Duration CLOSE_TIMEOUT = Duration.ofMillis(1500);
    static final int PER_STAGE = 40;

    @Test
    void closeDeliversOrFailsEveryRecordWithinItsTimeout() {
        KinesisEmulator kinesalite = KinesisEmulator.kinesalite();
        String held = kinesalite.uniqueStreamName("faults-close-held");
        String throttled = kinesalite.uniqueStreamName("faults-close-throttled");
        String open = kinesalite.uniqueStreamName("faults-close-open");
        for (String s : List.of(held, throttled, open)) {
            kinesalite.createStream(s, 2);
        }
        Set<String> threadsBefore = aiokplThreads();
        Ledger heldLedger = new Ledger();
        Ledger throttledLedger = new Ledger(1_000_000L);
        Ledger deliveredLedger = new Ledger(2_000_000L);
        Ledger bufferedLedger = new Ledger(3_000_000L);
        try (FaultProxy proxy = FaultProxy.start(kinesalite, 6);
             KinesisAsyncClient reader = kinesalite.newClient()) {
            Producer producer = Scenarios.producer(kinesalite, Scenarios.config(kinesalite, proxy.endpoint())
                    .closeTimeout(CLOSE_TIMEOUT)
                    .requestTimeout(Duration.ofSeconds(30))
                    .build());
            proxy.hold(held);
            proxy.throttleRecords(throttled, 1.0);

            // backing off: every attempt throttled, for long enough that the backoff is at its longest
            for (int i = 0; i < PER_STAGE; i++) {
                throttledLedger.put(producer, throttled, 8, 100);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> proxy.stats().rejectedTotal() >= 6);
            // held by the endpoint
            for (int i = 0; i < PER_STAGE; i++) {
                heldLedger.put(producer, held, 8, 100);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.heldRequests() >= 1);
            // delivered, and still buffered when close() starts (both deliverable)
            for (int i = 0; i < PER_STAGE; i++) {
                deliveredLedger.put(producer, open, 8, 100);
            }
            assertThat(deliveredLedger.awaitAll(Duration.ofSeconds(10))).isZero();
            for (int i = 0; i < PER_STAGE; i++) {
                bufferedLedger.put(producer, open, 8, 100);
                heldLedger.put(producer, held, 8, 100);
                throttledLedger.put(producer, throttled, 8, 100);
            }

            long start = System.nanoTime();
            producer.close();
            Duration closing = Duration.ofNanos(System.nanoTime() - start);

            Set<String> threadsAfter = aiokplThreads();
            proxy.releaseByReset();
            for (Ledger l : List.of(heldLedger, throttledLedger, deliveredLedger, bufferedLedger)) {
                assertThat(l.awaitAll(Duration.ZERO)).as("futures still incomplete after close()").isZero();
            }
            Ledger.Verdict heldV = heldLedger.verify(StreamReader.readAll(reader, held));
            Ledger.Verdict throttledV = throttledLedger.verify(StreamReader.readAll(reader, throttled));
            List<ReadRecord> openRead = StreamReader.readAll(reader, open);
            Ledger.Verdict deliveredV = deliveredLedger.verify(openRead);
            Ledger.Verdict bufferedV = bufferedLedger.verify(openRead);
            System.out.println("close: " + closing.toMillis() + " ms; threads before " + threadsBefore + ", after "
                    + threadsAfter + "\n held " + heldV + "\n throttled " + throttledV + "\n delivered " + deliveredV
                    + "\n buffered " + bufferedV);

            assertThat(closing).isLessThan(CLOSE_TIMEOUT.plusSeconds(2));
            assertThat(threadsAfter).as("aiokpl- threads alive after close()").isEmpty();
            assertThat(heldV.failedByCode()).containsExactly(Map.entry("Closed", 2L * PER_STAGE));
            assertThat(throttledV.failedByCode()).containsExactly(Map.entry("Closed", 2L * PER_STAGE));
            RecordResult r = throttledV.result(throttledLedger.sent().get(0).id);
            assertThat(r.attempts().size()).isGreaterThan(3);
            assertThat(r.attempts().get(r.attempts().size() - 1).errorMessage())
                    .contains("closeTimeout=" + CLOSE_TIMEOUT)
                    .contains("last error: ProvisionedThroughputExceededException");
            for (Ledger.Verdict v : List.of(heldV, throttledV)) {
                assertThat(v.failedButStored()).as("nothing held or throttled reached the stream").isEmpty();
            }
            for (Ledger.Verdict v : List.of(deliveredV, bufferedV)) {
                assertThat(v.confirmed()).isEqualTo(PER_STAGE);
                assertThat(v.lost()).isEmpty();
            }
            Scenarios.report("close() with records in every stage", "requests held; every entry of a stream throttled"
                    + "; records buffered; closeTimeout " + CLOSE_TIMEOUT.toMillis() + " ms",
                    merged(heldV, throttledV, deliveredV, bufferedV), closing.toMillis() / 1000.0,
                    "close() returned after " + closing.toMillis() + " ms; aiokpl- threads left: " + threadsAfter.size());
        }
    }

    private static Ledger.Verdict merged(Ledger.Verdict... vs) {
        long sent = 0;
        long confirmed = 0;
        long retried = 0;
        Map<String, Long> failed = new TreeMap<>();
        List<Long> lost = new ArrayList<>();
        List<Long> duplicated = new ArrayList<>();
        long extra = 0;
        for (Ledger.Verdict v : vs) {
            sent += v.sent();
            confirmed += v.confirmed();
            retried += v.retried();
            v.failedByCode().forEach((k, n) -> failed.merge(k, n, Long::sum));
            lost.addAll(v.lost());
            duplicated.addAll(v.duplicated());
            extra += v.extraCopies();
        }
        return new Ledger.Verdict(sent, confirmed, failed, 0, lost, duplicated, extra, List.of(), List.of(), 0, 0,
                retried, Map.of(), 0, Map.of());
    }

    private static Set<String> aiokplThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("aiokpl-"))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
