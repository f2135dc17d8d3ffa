package dev.aiokpl.internal.collector;

import static dev.aiokpl.internal.testing.TestRecords.STREAM;
import static dev.aiokpl.internal.testing.TestRecords.kinesisRecord;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.internal.record.KinesisRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the collector released waits here for a connection, and leaves in requests built at the
 * sender's current limits: together (what waited while connections were busy goes in one request),
 * in order, and within each shard's bytes per request.
 */
class ReadyQueueTest {

    private static final long KIB = 1024;
    private static final long TTL = 30_000_000_000L;

    private final ReadyQueue queue = new ReadyQueue(STREAM);

    @Test
    void recordsReleasedSeparatelyLeaveInOneRequest() {
        KinesisRecord a = kr("shard-1", 100);
        KinesisRecord b = kr("shard-1", 100);
        KinesisRecord c = kr("shard-2", 100);
        queue.add(batch(a));
        queue.add(batch(b));
        queue.add(batch(c));

        PutBatch request = queue.take(500, 5_000_000);

        assertThat(request.records()).containsExactly(a, b, c);
        assertThat(request.size()).isEqualTo(300);
        assertThat(request.stream()).isEqualTo(STREAM);
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.take(500, 5_000_000)).as("nothing waits").isNull();
    }

    @Test
    void aRequestKeepsToTheEntriesAndBytesItIsAskedFor() {
        List<KinesisRecord> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            all.add(kr("shard-" + i, 100));
        }
        queue.add(new PutBatch(STREAM, all, 500));

        assertThat(queue.take(2, 5_000_000).records()).containsExactly(all.get(0), all.get(1));
        assertThat(queue.take(500, 250).records()).as("two fit in 250 bytes").containsExactly(all.get(2), all.get(3));
        assertThat(queue.take(500, 50).records()).as("one record goes whatever its size").containsExactly(all.get(4));
    }

    @Test
    void aShardKeepsItsBytesPerRequestAndItsOrder() {
        int big = (int) (200 * KIB);
        KinesisRecord a = kr("shard-1", 10);
        KinesisRecord b = kr("shard-1", big);
        KinesisRecord c = kr("shard-1", big); // would put shard-1 over 256 KiB
        KinesisRecord d = kr("shard-2", 10);
        KinesisRecord e = kr("shard-1", 10);  // fits by size, but must not overtake c
        queue.add(new PutBatch(STREAM, List.of(a, b, c, d, e), 0));

        assertThat(queue.take(500, 5_000_000).records()).containsExactly(a, b, d);
        assertThat(queue.take(500, 5_000_000).records()).containsExactly(c, e);
    }

    @Test
    void aRecordTooLargeForTheRestOfTheRequestWaitsAndSoDoesItsShard() {
        KinesisRecord a = kr("shard-1", 600);
        KinesisRecord b = kr("shard-2", 600);
        KinesisRecord c = kr("shard-3", 100);
        KinesisRecord d = kr("shard-2", 10);
        queue.add(new PutBatch(STREAM, List.of(a, b, c, d), 0));

        assertThat(queue.take(500, 1000).records()).containsExactly(a, c);
        assertThat(queue.take(500, 1000).records()).containsExactly(b, d);
    }

    @Test
    void recordsWithoutAPredictedShardKeepTheirOrderToo() {
        KinesisRecord a = kr(null, 600);
        KinesisRecord b = kr(null, 600);
        KinesisRecord c = kr(null, 10);
        queue.add(new PutBatch(STREAM, List.of(a, b, c), 0));

        assertThat(queue.take(500, 1000).records()).containsExactly(a);
        assertThat(queue.take(500, 1000).records()).containsExactly(b, c);
    }

    @Test
    void expiryTakesOnlyTheRecordsHoldingAUserRecordOlderThanTheTtl() {
        KinesisRecord old = kinesisRecord("shard-1", 100, 0, 0);
        KinesisRecord young = kinesisRecord("shard-1", 100, 0, 25_000_000_000L);
        queue.add(new PutBatch(STREAM, List.of(old, young), 200));
        List<KinesisRecord> expired = new ArrayList<>();

        queue.expire(31_000_000_000L - TTL, expired::add);

        assertThat(expired).containsExactly(old);
        assertThat(queue.take(500, 5_000_000).records()).containsExactly(young);
    }

    @Test
    void expiryLooksAtNothingWhileNothingCanBeThatOld() {
        KinesisRecord young = kinesisRecord("shard-1", 100, 0, 25_000_000_000L);
        queue.add(batch(young));
        List<KinesisRecord> expired = new ArrayList<>();

        queue.expire(24_000_000_000L, expired::add);
        queue.expire(25_000_000_000L, expired::add);
        assertThat(expired).as("arrived exactly at the bound: not older").isEmpty();
        queue.expire(25_000_000_001L, expired::add);
        assertThat(expired).containsExactly(young);
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void drainAllReturnsWhatWaits() {
        KinesisRecord a = kr("shard-1", 10);
        queue.add(batch(a));
        assertThat(queue.drainAll()).containsExactly(a);
        assertThat(queue.size()).isZero();
    }

    private static KinesisRecord kr(String shard, int size) {
        return kinesisRecord(shard, size, 0, 0);
    }

    private static PutBatch batch(KinesisRecord kr) {
        return new PutBatch(STREAM, List.of(kr), kr.size());
    }
}
