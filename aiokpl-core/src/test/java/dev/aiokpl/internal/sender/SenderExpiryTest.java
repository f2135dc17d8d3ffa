package dev.aiokpl.internal.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.internal.collector.PutBatch;
import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.record.PendingRecord;
import dev.aiokpl.internal.testing.TestRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A Kinesis record that waited for a connection until one of its user records outlived the TTL is
 * not sent: it goes to the expiry handler instead, and the rest of its batch is sent.
 */
class SenderExpiryTest {

    private static final long TTL = Duration.ofSeconds(30).toNanos();

    private final SenderMergeTest.HeldClient client = new SenderMergeTest.HeldClient();
    private final AtomicLong now = new AtomicLong();
    private final List<KinesisRecord> expired = new ArrayList<>();
    private final List<Long> expiredAt = new ArrayList<>();
    private final Sender sender = new Sender(client, 1, Duration.ofSeconds(6), now::get, Runnable::run,
            (batch, start, end, response, error) -> { });

    SenderExpiryTest() {
        sender.expireAfter(TTL, (kr, at) -> {
            expired.add(kr);
            expiredAt.add(at);
        });
    }

    @Test
    void onlyTheRecordsOlderThanTheTtlAreHeldBackWhenAConnectionFreesUp() {
        sender.submit(batch(kr("first", 0)));
        KinesisRecord old = kr("old", 0);
        KinesisRecord young = kr("young", Duration.ofSeconds(25).toNanos());
        sender.submit(batch(old, young));
        assertThat(client.requests).hasSize(1);

        now.set(Duration.ofSeconds(31).toNanos());
        client.answer(0);

        assertThat(client.requests).hasSize(2);
        assertThat(client.keys(1)).containsExactly("young");
        assertThat(expired).containsExactly(old);
        assertThat(expiredAt).containsExactly(Duration.ofSeconds(31).toNanos());
    }

    @Test
    void aBatchWhoseRecordsAllExpiredIsNotSentAndTheNextOneIs() {
        sender.submit(batch(kr("first", 0)));
        KinesisRecord a = kr("a", 0);
        sender.submit(batch(a));
        sender.submit(new PutBatch("other-stream", List.of(kr("b", Duration.ofSeconds(20).toNanos())), 101));

        now.set(Duration.ofSeconds(30).toNanos()); // exactly the TTL: expired
        client.answer(0);

        assertThat(expired).containsExactly(a);
        assertThat(client.requests).hasSize(2);
        assertThat(client.keys(1)).containsExactly("b");
        assertThat(sender.waiting()).isZero();
    }

    @Test
    void nothingExpiresBeforeTheTtl() {
        sender.submit(batch(kr("first", 0)));
        sender.submit(batch(kr("a", 0)));
        now.set(TTL - 1);
        client.answer(0);
        assertThat(expired).isEmpty();
        assertThat(client.keys(1)).containsExactly("a");
    }

    private static KinesisRecord kr(String key, long arrivalNanos) {
        PendingRecord r = TestRecords.pending(key, new byte[100], arrivalNanos);
        return new KinesisRecord(TestRecords.STREAM, key, null, r.data, List.of(r), "shardId-0", arrivalNanos);
    }

    private static PutBatch batch(KinesisRecord... records) {
        long size = 0;
        for (KinesisRecord kr : records) {
            size += kr.size();
        }
        return new PutBatch(TestRecords.STREAM, List.of(records), size, 500, 5_000_000);
    }
}
