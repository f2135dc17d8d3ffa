package dev.aiokpl.internal.retry;

import dev.aiokpl.Attempt;
import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.record.PendingRecord;
import dev.aiokpl.internal.shardmap.ShardMap.ShardRange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Records what the retrier decides for one stream; knows the shards it is told about. */
final class RecordingDecisions implements Decisions {

    record Decision(String kind, PendingRecord record, Attempt attempt, long notBeforeNanos) {
    }

    record Unknown(KinesisRecord kr, String shardId, String sequenceNumber, long startNanos, long endNanos) {
    }

    final List<Decision> decisions = new ArrayList<>();
    final List<String> throttled = new ArrayList<>();
    final List<Long> staleEvidence = new ArrayList<>();
    final List<Unknown> unknown = new ArrayList<>();
    final Map<String, ShardRange> shards = new HashMap<>();
    int shardLookups;
    /** When set, {@link #succeed} throws this for {@link #explodeOn} (an internal error mid-batch). */
    RuntimeException explosion;
    PendingRecord explodeOn;

    RecordingDecisions knows(ShardRange... ranges) {
        for (ShardRange r : ranges) {
            shards.put(r.shardId(), r);
        }
        return this;
    }

    @Override
    public void succeed(PendingRecord r, Attempt request, long delayNanos) {
        if (explosion != null && r == explodeOn) {
            throw explosion;
        }
        Attempt attempt = Attempt.success(request.startedAt(), request.endedAt(), delayNanos, request.shardId(),
                request.sequenceNumber());
        decisions.add(new Decision("succeeded", r, attempt, 0));
        r.done = true;
    }

    @Override
    public void fail(PendingRecord r, Attempt attempt) {
        decisions.add(new Decision("failed", r, attempt, 0));
        r.done = true;
    }

    @Override
    public void retryNotBefore(PendingRecord r, Attempt attempt, long notBeforeNanos) {
        decisions.add(new Decision("retry", r, attempt, notBeforeNanos));
        r.addAttempt(attempt);
    }

    @Override
    public void throttled(String shardId, long nowNanos) {
        throttled.add(shardId + "@" + nowNanos);
    }

    @Override
    public void mapStale(long evidenceNanos) {
        staleEvidence.add(evidenceNanos);
    }

    @Override
    public void deferUntilMapKnows(KinesisRecord kr, String shardId, String sequenceNumber, long startNanos,
            long endNanos) {
        unknown.add(new Unknown(kr, shardId, sequenceNumber, startNanos, endNanos));
    }

    @Override
    public ShardRange shard(String shardId) {
        shardLookups++;
        return shards.get(shardId);
    }

    List<String> kinds() {
        return decisions.stream().map(Decision::kind).toList();
    }
}
