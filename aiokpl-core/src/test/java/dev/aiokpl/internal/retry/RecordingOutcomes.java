package dev.aiokpl.internal.retry;

import dev.aiokpl.Attempt;
import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.record.PendingRecord;
import dev.aiokpl.internal.shardmap.ShardMap.ShardRange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Records what the retrier decides; knows the shards it is told about. */
final class RecordingOutcomes implements Retrier.Outcomes {

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
    /** When set, {@link #succeeded} throws this for {@link #explodeOn} (an internal error mid-batch). */
    RuntimeException explosion;
    PendingRecord explodeOn;

    RecordingOutcomes knows(ShardRange... ranges) {
        for (ShardRange r : ranges) {
            shards.put(r.shardId(), r);
        }
        return this;
    }

    @Override
    public void succeeded(PendingRecord r, Attempt request, long delayNanos, KinesisRecord kr) {
        if (explosion != null && r == explodeOn) {
            throw explosion;
        }
        Attempt attempt = Attempt.success(request.startedAt(), request.endedAt(), delayNanos, request.shardId(),
                request.sequenceNumber());
        decisions.add(new Decision("succeeded", r, attempt, 0));
        r.done = true;
    }

    @Override
    public void failed(PendingRecord r, Attempt attempt) {
        decisions.add(new Decision("failed", r, attempt, 0));
        r.done = true;
    }

    @Override
    public void retry(PendingRecord r, Attempt attempt, long notBeforeNanos) {
        decisions.add(new Decision("retry", r, attempt, notBeforeNanos));
        r.addAttempt(attempt);
    }

    @Override
    public void throttled(String stream, String shardId, long nowNanos) {
        throttled.add(stream + "/" + shardId + "@" + nowNanos);
    }

    @Override
    public void shardMapStale(String stream, long evidenceNanos) {
        staleEvidence.add(evidenceNanos);
    }

    @Override
    public void unknownShard(KinesisRecord kr, String shardId, String sequenceNumber, long startNanos, long endNanos) {
        unknown.add(new Unknown(kr, shardId, sequenceNumber, startNanos, endNanos));
    }

    @Override
    public ShardRange shard(String stream, String shardId) {
        shardLookups++;
        return shards.get(shardId);
    }

    List<String> kinds() {
        return decisions.stream().map(Decision::kind).toList();
    }
}
