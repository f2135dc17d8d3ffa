package dev.aiokpl.internal.collector;

import dev.aiokpl.internal.record.KinesisRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Packs Kinesis records of one stream into PutRecords requests: at most {@code maxCount} entries and
 * {@code maxSize} bytes (partition key + data, as the service counts), closing early once any one
 * shard holds {@link #SHARD_BYTES_PER_REQUEST} bytes in the request, and at the earliest deadline.
 *
 * <p>Not thread-safe: owned by the pipeline thread.
 */
public final class Collector {

    /** A request closes once one shard has this much in it (256 KiB), as the KPL's. */
    public static final long SHARD_BYTES_PER_REQUEST = 256 * 1024;

    private final String stream;
    private final int maxCount;
    private final long maxSize;
    private final Consumer<PutBatch> out;

    private List<KinesisRecord> records = new ArrayList<>();
    private final Map<String, long[]> bytesByShard = new HashMap<>();
    private long size;
    private long deadlineNanos = Long.MAX_VALUE;

    public Collector(String stream, int maxCount, long maxSize, Consumer<PutBatch> out) {
        this.stream = stream;
        this.maxCount = maxCount;
        this.maxSize = maxSize;
        this.out = out;
    }

    /** Adds a record, emitting the current request first if the record would not fit. */
    public void add(KinesisRecord kr) {
        int krSize = kr.size();
        if (!records.isEmpty() && (records.size() + 1 > maxCount || size + krSize > maxSize)) {
            emit();
        }
        records.add(kr);
        size += krSize;
        if (kr.deadlineNanos() < deadlineNanos) {
            deadlineNanos = kr.deadlineNanos();
        }
        boolean shardFull = false;
        if (kr.predictedShard() != null) {
            long[] b = bytesByShard.computeIfAbsent(kr.predictedShard(), k -> new long[1]);
            b[0] += krSize;
            shardFull = b[0] >= SHARD_BYTES_PER_REQUEST;
        }
        if (records.size() >= maxCount || size >= maxSize || shardFull) {
            emit();
        }
    }

    /** Emits the current request if its earliest deadline is at or before {@code now}. */
    public void flushIfDue(long now) {
        if (!records.isEmpty() && deadlineNanos <= now) {
            emit();
        }
    }

    /** Emits the current request if it holds anything. */
    public void flushAll() {
        if (!records.isEmpty()) {
            emit();
        }
    }

    /** The current request's earliest deadline, or {@link Long#MAX_VALUE}. */
    public long nextDeadline() {
        return records.isEmpty() ? Long.MAX_VALUE : deadlineNanos;
    }

    /** How many Kinesis records wait. */
    public int buffered() {
        return records.size();
    }

    /** Removes and returns what waits, without emitting (for abort). */
    public List<KinesisRecord> drainAll() {
        List<KinesisRecord> all = records;
        reset();
        return all;
    }

    private void emit() {
        PutBatch batch = new PutBatch(stream, records, size);
        reset();
        out.accept(batch);
    }

    private void reset() {
        records = new ArrayList<>();
        bytesByShard.clear();
        size = 0;
        deadlineNanos = Long.MAX_VALUE;
    }
}
