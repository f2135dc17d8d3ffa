package dev.aiokpl.internal.pipeline;

import dev.aiokpl.internal.record.PendingRecord;

/**
 * The live records in the order the pipeline took them (arrival order), as an intrusive doubly
 * linked list: adding and removing are O(1) and allocate nothing, the oldest live record is the
 * head, and a completed record is unlinked at once, so one long-lived record (throttled, waiting
 * for a shard map) never keeps the records that arrived after it reachable.
 *
 * <p>Not thread-safe: owned by the pipeline thread.
 */
final class ArrivalOrder {

    private PendingRecord oldest;
    private PendingRecord youngest;

    /** Appends a record taken from the inbox. */
    void add(PendingRecord r) {
        r.olderLive = youngest;
        r.youngerLive = null;
        if (youngest == null) {
            oldest = r;
        } else {
            youngest.youngerLive = r;
        }
        youngest = r;
    }

    /** Unlinks a record; a record never added (or already removed) is ignored. */
    void remove(PendingRecord r) {
        PendingRecord older = r.olderLive;
        PendingRecord younger = r.youngerLive;
        if (older == null && oldest != r) {
            return;
        }
        if (older == null) {
            oldest = younger;
        } else {
            older.youngerLive = younger;
        }
        if (younger == null) {
            youngest = older;
        } else {
            younger.olderLive = older;
        }
        r.olderLive = null;
        r.youngerLive = null;
    }

    /** The oldest live record, or null. */
    PendingRecord oldest() {
        return oldest;
    }
}
