package dev.aiokpl.internal.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.internal.collector.PutBatch;
import dev.aiokpl.internal.record.KinesisRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;

/**
 * The sender builds each request within the send window's current limits (SPEC §3 "Slow
 * endpoints"): after a timeout the records go out in smaller requests, fewer at once.
 */
class SenderWindowTest {

    static final Duration TIMEOUT = Duration.ofSeconds(6);

    private final SenderMergeTest.HeldClient client = new SenderMergeTest.HeldClient();
    private final AtomicLong now = new AtomicLong();
    private final SendWindow window = new SendWindow(5_000_000, 500, 4, TIMEOUT.toNanos(), true);
    private final List<PutBatch> handled = new ArrayList<>();
    private final Sender sender = new Sender(new SdkPutRecords(client), window, TIMEOUT, now::get, Runnable::run,
            (batch, start, end, response, error) -> handled.add(batch));

    @Test
    void timelyAnswersOpenMoreConnections() {
        for (int i = 0; i < 6; i++) {
            KinesisRecord kr = kr("k" + i, 100);
            sender.submit(new PutBatch("s", List.of(kr), kr.size())); // never merged: one request each
        }
        assertThat(client.requests).hasSize(1);
        now.addAndGet(Duration.ofMillis(50).toNanos());
        client.answer(0);
        assertThat(sender.inFlight()).isEqualTo(2);
    }

    @Test
    void aTimeoutShrinksTheNextRequestsAndTheirRetrySplitsToFit() {
        growTo(4);
        int first = client.requests.size();
        for (int i = 0; i < 4; i++) {
            sender.submit(batch(kr("a" + i, 100_000), kr("b" + i, 100_000), kr("c" + i, 100_000)));
        }
        assertThat(client.requests).hasSize(first + 4);

        now.addAndGet(TIMEOUT.toNanos());
        client.answers.get(first).completeExceptionally(ApiCallTimeoutException.create(TIMEOUT.toMillis()));

        assertThat(window.inFlight()).isEqualTo(2);
        assertThat(window.requestEntries()).isEqualTo(250);
        // The handler saw the whole batch fail; its records come back and are sent within the new size.
        PutBatch retry = batch(kr("a0", 2_000_000), kr("b0", 2_000_000), kr("c0", 2_000_000));
        for (int i = first + 1; i < first + 4; i++) {
            client.answer(i);
        }
        sender.submit(retry);
        assertThat(client.keys(first + 4)).containsExactly("a0");
        assertThat(client.keys(first + 5)).containsExactly("b0");
        assertThat(sender.waiting()).isEqualTo(1);
        assertThat(sender.inFlight()).isEqualTo(2);
        client.answer(first + 4);
        assertThat(client.keys(first + 6)).containsExactly("c0");
    }

    @Test
    void anErrorThatIsNotATimeoutLeavesTheWindowAlone() {
        growTo(4);
        int first = client.requests.size();
        sender.submit(batch(kr("a", 100)));
        client.answers.get(first).completeExceptionally(new IllegalStateException("connection reset"));
        assertThat(window.inFlight()).isEqualTo(4);
        assertThat(handled).hasSizeGreaterThan(0);
    }

    private void growTo(int inFlight) {
        int i = 0;
        while (window.inFlight() < inFlight) {
            sender.submit(batch(kr("warm" + i, 10)));
            now.addAndGet(Duration.ofMillis(10).toNanos());
            client.answer(client.requests.size() - 1);
            i++;
        }
    }

    private static KinesisRecord kr(String key, int dataBytes) {
        return new KinesisRecord("s", key, null, new byte[dataBytes], List.of(), "shard-1", 0L);
    }

    private static PutBatch batch(KinesisRecord... records) {
        long size = 0;
        for (KinesisRecord kr : records) {
            size += kr.size();
        }
        return new PutBatch("s", List.of(records), size, 500, 5_000_000);
    }
}
