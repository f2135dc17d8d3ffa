package dev.aiokpl.internal.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.internal.collector.PutBatch;
import dev.aiokpl.internal.collector.ReadyQueue;
import dev.aiokpl.internal.record.KinesisRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;

/**
 * The sender pulls each request within the send window's current limits (SPEC §3 "Slow
 * endpoints"): while connections are busy, records wait and then go out together; after a timeout
 * they go out in smaller requests, fewer at once.
 */
class SenderWindowTest {

    static final Duration TIMEOUT = Duration.ofSeconds(6);

    private final HeldClient client = new HeldClient();
    private final AtomicLong now = new AtomicLong();
    private final SendWindow window = new SendWindow(5_000_000, 500, 4, TIMEOUT.toNanos(), true);
    private final ReadyQueue ready = new ReadyQueue("s");
    private final List<PutBatch> handled = new ArrayList<>();
    private final Sender sender = new Sender(new SdkPutRecords(client), window, TIMEOUT, now::get, Runnable::run,
            ready::take, (batch, start, end, response, error) -> handled.add(batch));

    @Test
    void timelyAnswersOpenMoreConnections() {
        submit(kr("k0", 100));
        assertThat(client.requests).hasSize(1);
        for (int i = 1; i < 6; i++) {
            submit(kr("k" + i, 100));
        }
        assertThat(client.requests).as("one connection while starting").hasSize(1);
        now.addAndGet(Duration.ofMillis(50).toNanos());
        client.answer(0);
        sender.pump();
        assertThat(sender.inFlight()).isEqualTo(1);
        assertThat(client.keys(1)).as("what waited goes out together").containsExactly("k1", "k2", "k3", "k4", "k5");
        assertThat(window.inFlight()).isEqualTo(2);
    }

    @Test
    void recordsThatWaitForAConnectionGoOutTogetherWithinTheWindowsEntries() {
        growTo(4);
        int first = client.requests.size();
        for (int i = 0; i < 4; i++) {
            submit(kr("busy" + i, 10));
        }
        assertThat(sender.inFlight()).isEqualTo(4);
        int entries = window.requestEntries();
        for (int i = 0; i < entries + 3; i++) {
            ready.add(batch(kr("w" + i, 10)));
        }
        now.addAndGet(Duration.ofMillis(10).toNanos());
        client.answer(first);
        sender.pump();
        assertThat(client.keys(first + 4)).hasSize(window.requestEntries()).startsWith("w0", "w1");
        assertThat(ready.size()).isEqualTo(entries + 3 - window.requestEntries());
    }

    @Test
    void aTimeoutShrinksTheNextRequestsAndTheirRetryGoesOutInSmallerOnes() {
        growTo(4);
        int first = client.requests.size();
        for (int i = 0; i < 4; i++) {
            submit(kr("a" + i, 100_000), kr("b" + i, 100_000), kr("c" + i, 100_000));
        }
        assertThat(client.requests).hasSize(first + 4);

        now.addAndGet(TIMEOUT.toNanos());
        client.answers.get(first).completeExceptionally(ApiCallTimeoutException.create(TIMEOUT.toMillis()));

        assertThat(window.inFlight()).isEqualTo(2);
        assertThat(window.requestBytes()).as("half of the ~300 kB the timed-out request held, not of the limit")
                .isLessThanOrEqualTo(150_010);
        for (int i = first + 1; i < first + 4; i++) {
            client.answer(i);
        }
        // The handler saw the whole batch fail; its records come back and go out within the new size.
        long half = window.requestBytes() / 2 + 1;
        submit(kr("a0", (int) half), kr("b0", (int) half), kr("c0", (int) half));
        assertThat(client.keys(first + 4)).containsExactly("a0");
        assertThat(client.keys(first + 5)).containsExactly("b0");
        assertThat(ready.size()).isEqualTo(1);
        assertThat(sender.inFlight()).isEqualTo(2);
        client.answer(first + 4);
        sender.pump();
        assertThat(client.keys(first + 6)).containsExactly("c0");
    }

    @Test
    void anErrorThatIsNotATimeoutLeavesTheWindowAlone() {
        growTo(4);
        int first = client.requests.size();
        submit(kr("a", 100));
        client.answers.get(first).completeExceptionally(new IllegalStateException("connection reset"));
        assertThat(window.inFlight()).isEqualTo(4);
        assertThat(handled).hasSizeGreaterThan(0);
    }

    @Test
    void nothingReadyMeansNoRequest() {
        sender.pump();
        assertThat(client.requests).isEmpty();
        assertThat(sender.inFlight()).isZero();
    }

    private void growTo(int inFlight) {
        int i = 0;
        while (window.inFlight() < inFlight) {
            submit(kr("warm" + i, 10));
            now.addAndGet(Duration.ofMillis(10).toNanos());
            client.answer(client.requests.size() - 1);
            i++;
        }
    }

    private void submit(KinesisRecord... records) {
        ready.add(batch(records));
        sender.pump();
    }

    private static KinesisRecord kr(String key, int dataBytes) {
        // each on a shard of its own: the per-shard bytes of a request do not limit these tests
        return new KinesisRecord("s", key, null, new byte[dataBytes], List.of(), "shard-" + key, 0L);
    }

    private static PutBatch batch(KinesisRecord... records) {
        long size = 0;
        for (KinesisRecord kr : records) {
            size += kr.size();
        }
        return new PutBatch("s", List.of(records), size);
    }
}
