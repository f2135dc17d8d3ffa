package dev.aiokpl.testkit;

import dev.aiokpl.RecordResult;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** A record of a {@link MockProducer} between put and completion. */
final class PendingRecord {
    final CompletableFuture<RecordResult> future = new CompletableFuture<>();
    final String shardId;
    /** Partition key + data bytes. */
    final int size;
    /** When {@link PendingRecords} admitted it, by the producer's clock. */
    Instant acceptedAt;

    PendingRecord(String shardId, int size) {
        this.shardId = shardId;
        this.size = size;
    }
}
