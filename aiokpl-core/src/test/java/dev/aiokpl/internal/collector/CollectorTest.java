package dev.aiokpl.internal.collector;

import static dev.aiokpl.internal.testing.TestRecords.STREAM;
import static dev.aiokpl.internal.testing.TestRecords.kinesisRecord;
import static dev.aiokpl.internal.testing.TestRecords.pending;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.record.PendingRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CollectorTest {

    private static final long T0 = 1_000_000_000_000L;
    private static final long MIB = 1024 * 1024;

    private final List<PutBatch> out = new ArrayList<>();

    @Test
    void aRequestHoldsAtMost500Entries() {
        Collector c = new Collector(STREAM, 500, 5 * MIB, out::add);
        for (int i = 0; i < 1001; i++) {
            c.add(kinesisRecord("shard-" + (i % 7), 20, T0 + 1000, T0));
        }
        assertThat(out).hasSize(2);
        assertThat(out).allSatisfy(b -> assertThat(b.records()).hasSize(500));
        assertThat(out.get(0).stream()).isEqualTo(STREAM);
        assertThat(c.buffered()).isEqualTo(1);
    }

    @Test
    void aRequestHoldsAtMostFiveMebibytesCountingPartitionKeysAndData() {
        Collector c = new Collector(STREAM, 500, 5 * MIB, out::add);
        int size = 100 * 1024 + 1; // "k" + 100 KiB
        for (int i = 0; i < 60; i++) {
            // a shard each, so the per-shard rule does not close the request first
            c.add(kinesisRecord("shard-" + i, size, T0 + 1000, T0));
        }
        assertThat(out).hasSize(1);
        PutBatch b = out.get(0);
        assertThat(b.records()).hasSize((int) (5 * MIB / size));
        assertThat(b.size()).isEqualTo((long) b.records().size() * size).isLessThanOrEqualTo(5 * MIB);
        assertThat(b.size() + size).as("the next record did not fit").isGreaterThan(5 * MIB);
    }

    @Test
    void thePartitionKeyCountsTowardsTheSize() {
        Collector c = new Collector(STREAM, 500, 1000, out::add);
        c.add(raw("abc", 500, null));        // 503 bytes
        c.add(raw("abcdefghij", 490, null)); // 500 bytes: the data alone (990) would fit, with the keys (1003) not
        assertThat(out).hasSize(1);
        assertThat(out.get(0).records()).hasSize(1);
        assertThat(out.get(0).size()).isEqualTo(503);

        c.add(raw("é", 498, null)); // 2 + 498: a multi-byte key counts its UTF-8 bytes; 1000 exactly
        assertThat(out).as("a request filled to the byte is sent at once").hasSize(2);
        assertThat(out.get(1).size()).isEqualTo(1000);
    }

    @Test
    void aRequestClosesOnceOneShardHas256KiB() {
        Collector c = new Collector(STREAM, 500, 5 * MIB, out::add);
        int size = 100 * 1024;
        c.add(kinesisRecord("A", size, T0 + 1000, T0));
        c.add(kinesisRecord("B", size, T0 + 1000, T0));
        c.add(kinesisRecord("A", size, T0 + 1000, T0));
        c.add(kinesisRecord("B", size, T0 + 1000, T0));
        c.add(kinesisRecord(null, size, T0 + 1000, T0));
        c.add(kinesisRecord(null, size, T0 + 1000, T0));
        c.add(kinesisRecord(null, size, T0 + 1000, T0));
        assertThat(out).as("200 KiB per shard, and unpredicted records count for no shard").isEmpty();
        c.add(kinesisRecord("A", size, T0 + 1000, T0));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).records()).hasSize(8);
        assertThat(c.buffered()).isZero();

        // exactly 256 KiB is enough
        c.add(kinesisRecord("C", (int) Collector.SHARD_BYTES_PER_REQUEST - 10, T0 + 1000, T0));
        assertThat(out).hasSize(1);
        c.add(kinesisRecord("C", 10, T0 + 1000, T0));
        assertThat(out).hasSize(2);
    }

    @Test
    void aRequestIsSentAtItsEarliestDeadline() {
        Collector c = new Collector(STREAM, 500, 5 * MIB, out::add);
        assertThat(c.nextDeadline()).isEqualTo(Long.MAX_VALUE);
        c.add(kinesisRecord("A", 10, T0 + 300, T0));
        c.add(kinesisRecord("B", 10, T0 + 100, T0));
        c.add(kinesisRecord("A", 10, T0 + 200, T0));
        assertThat(c.nextDeadline()).isEqualTo(T0 + 100);
        c.flushIfDue(T0 + 99);
        assertThat(out).isEmpty();
        c.flushIfDue(T0 + 100);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).records()).hasSize(3);
        assertThat(c.nextDeadline()).isEqualTo(Long.MAX_VALUE);
        c.flushIfDue(T0 + 1000);
        assertThat(out).as("nothing to send").hasSize(1);
    }

    @Test
    void aNewRequestStartsWithAFreshDeadlineAndSize() {
        Collector c = new Collector(STREAM, 2, 5 * MIB, out::add);
        c.add(kinesisRecord("A", 10, T0 + 1, T0));
        c.add(kinesisRecord("A", 10, T0 + 2, T0));
        c.add(kinesisRecord("A", 10, T0 + 500, T0));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).size()).isEqualTo(20);
        assertThat(c.nextDeadline()).isEqualTo(T0 + 500);
    }

    @Test
    void flushAllSendsWhatWaitsInOrder() {
        Collector c = new Collector(STREAM, 500, 5 * MIB, out::add);
        List<KinesisRecord> krs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            KinesisRecord kr = kinesisRecord("s" + i, 10 + i, T0 + 1000, T0);
            krs.add(kr);
            c.add(kr);
        }
        c.flushAll();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).records()).containsExactlyElementsOf(krs);
        assertThat(out.get(0).size()).isEqualTo(10 + 11 + 12 + 13 + 14);
        c.flushAll();
        assertThat(out).hasSize(1);
    }

    @Test
    void drainAllReturnsWhatWaitsWithoutSending() {
        Collector c = new Collector(STREAM, 500, 5 * MIB, out::add);
        KinesisRecord kr = kinesisRecord("A", 10, T0 + 1000, T0);
        c.add(kr);
        assertThat(c.drainAll()).containsExactly(kr);
        assertThat(c.buffered()).isZero();
        assertThat(c.nextDeadline()).isEqualTo(Long.MAX_VALUE);
        c.flushAll();
        assertThat(out).isEmpty();
    }

    @Test
    void aBatchCountsItsUserRecords() {
        PendingRecord r1 = pending("a", new byte[1], T0);
        PendingRecord r2 = pending("b", new byte[1], T0);
        KinesisRecord agg = new KinesisRecord(STREAM, "a", null, new byte[10], List.of(r1, r2), "A", T0);
        PutBatch b = new PutBatch(STREAM, List.of(agg, kinesisRecord("A", 5, T0, T0)), 16);
        assertThat(b.userRecordCount()).isEqualTo(3);
    }

    private static KinesisRecord raw(String partitionKey, int dataLength, String shard) {
        PendingRecord r = pending(partitionKey, new byte[dataLength], T0);
        return new KinesisRecord(STREAM, partitionKey, null, r.data, List.of(r), shard, T0 + 1000);
    }
}
