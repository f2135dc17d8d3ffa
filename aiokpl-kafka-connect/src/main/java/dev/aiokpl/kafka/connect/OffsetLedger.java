package dev.aiokpl.kafka.connect;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Per partition, the records handed to the producer and not confirmed yet: what {@code preCommit}
 * may commit. A partition's committable offset is the offset of its oldest unconfirmed record (so
 * every record before it is confirmed), or, with nothing unconfirmed, the offset Connect has
 * consumed up to. Only unconfirmed records are held, so memory follows the producer's own
 * outstanding limit. Completions arrive on the producer's callback threads; the rest on the task's.
 */
final class OffsetLedger {

    /** One record between put and confirmation; identity matters (a revoked partition's entries are forgotten). */
    static final class Entry {
        final TopicPartition partition;
        final long offset;

        Entry(TopicPartition partition, long offset) {
            this.partition = partition;
            this.offset = offset;
        }

        @Override
        public String toString() {
            return partition + "@" + offset;
        }
    }

    private static final class Partition {
        /** Unconfirmed entries in put order, which is offset order. */
        final LinkedHashSet<Entry> unconfirmed = new LinkedHashSet<>();
        /** The highest offset handed to the producer (or skipped) since the partition was opened. */
        long lastSeen = -1;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<TopicPartition, Partition> partitions = new HashMap<>();

    /**
     * Whether a record is new: not at or below an offset already handed over since the partition
     * was opened. Connect redelivers a whole batch after a {@code RetriableException}; the records
     * of it that were already accepted are not sent twice.
     */
    boolean isNew(TopicPartition tp, long offset) {
        lock.lock();
        try {
            Partition p = partitions.get(tp);
            return p == null || offset > p.lastSeen;
        } finally {
            lock.unlock();
        }
    }

    /** Notes a record that needs no confirmation (a skipped tombstone): later duplicates are skipped too. */
    void skip(TopicPartition tp, long offset) {
        lock.lock();
        try {
            Partition p = partitions.computeIfAbsent(tp, k -> new Partition());
            p.lastSeen = Math.max(p.lastSeen, offset);
        } finally {
            lock.unlock();
        }
    }

    /** Starts tracking a record handed to the producer; it holds its partition's offset back until confirmed. */
    Entry track(TopicPartition tp, long offset) {
        Entry e = new Entry(tp, offset);
        lock.lock();
        try {
            Partition p = partitions.computeIfAbsent(tp, k -> new Partition());
            p.unconfirmed.add(e);
            p.lastSeen = Math.max(p.lastSeen, offset);
        } finally {
            lock.unlock();
        }
        return e;
    }

    /** The record is in Kinesis (or in the dead-letter queue): it no longer holds its offset back. */
    void confirm(Entry e) {
        lock.lock();
        try {
            Partition p = partitions.get(e.partition);
            if (p != null && p.unconfirmed.remove(e)) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether the entry is still tracked (false once its partition was closed). */
    boolean tracks(Entry e) {
        lock.lock();
        try {
            Partition p = partitions.get(e.partition);
            return p != null && p.unconfirmed.contains(e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The offsets to commit: per partition Connect has consumed from, the oldest unconfirmed
     * record's offset, or the consumed offset when nothing is unconfirmed.
     *
     * @param consumed Connect's current offsets (just past the last record it delivered)
     * @return per partition, an offset never past an unconfirmed record
     */
    Map<TopicPartition, OffsetAndMetadata> committable(Map<TopicPartition, OffsetAndMetadata> consumed) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        lock.lock();
        try {
            consumed.forEach((tp, current) -> {
                Partition p = partitions.get(tp);
                if (p == null || p.unconfirmed.isEmpty()) {
                    out.put(tp, current);
                } else {
                    long oldest = p.unconfirmed.iterator().next().offset;
                    out.put(tp, new OffsetAndMetadata(Math.min(oldest, current.offset()), current.metadata()));
                }
            });
        } finally {
            lock.unlock();
        }
        return out;
    }

    /** How many records of these partitions are unconfirmed. */
    int unconfirmed(Collection<TopicPartition> tps) {
        lock.lock();
        try {
            int n = 0;
            for (TopicPartition tp : tps) {
                Partition p = partitions.get(tp);
                n += p == null ? 0 : p.unconfirmed.size();
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code nanos} for a confirmation; returns early on one. */
    void awaitChange(long nanos) throws InterruptedException {
        lock.lock();
        try {
            changed.await(nanos, TimeUnit.NANOSECONDS);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets closed partitions: late completions of their records change nothing. */
    void forget(Collection<TopicPartition> tps) {
        lock.lock();
        try {
            tps.forEach(partitions::remove);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
