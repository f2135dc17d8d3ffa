package dev.aiokpl.faults;

import dev.aiokpl.RecordResult;
import dev.aiokpl.testkit.ReadRecord;
import dev.aiokpl.testkit.StreamReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Per-partition-key order as a KCL consumer sees it: the stream read back shard by shard, a child
 * shard after its parents, each in sequence order, and the records of each key checked against put
 * order (the {@link Ledger} id in their data, which one putting thread assigns in put order).
 */
final class KeyOrder {

    /** How many inversions {@link Inversions#examples()} shows. */
    static final int EXAMPLES = 5;

    private KeyOrder() {
    }

    /**
     * The per-key inversions of {@code read}.
     *
     * @param read     the stream's records in consumer order ({@link #readInLineageOrder})
     * @param verdict  the ledger's check of the same records, for each id's result
     * @return the inversions among the copies the producer confirmed (the copy at the shard and sequence
     *         number its result names; other copies, and records not confirmed, are skipped)
     */
    static Inversions inversions(List<ReadRecord> read, Ledger.Verdict verdict) {
        Map<String, Long> highestByKey = new HashMap<>();
        Map<String, Long> previousByKey = new HashMap<>();
        Set<String> keys = new HashSet<>();
        List<String> examples = new ArrayList<>();
        long checked = 0;
        long count = 0;
        long descents = 0;
        for (ReadRecord r : read) {
            long id = Ledger.idOf(r.data());
            Ledger.Sent sent = verdict.byId().get(id);
            RecordResult result = sent == null ? null : sent.result();
            if (result == null || !result.successful() || !r.shardId().equals(result.shardId())
                    || !r.sequenceNumber().equals(result.sequenceNumber())) {
                continue;
            }
            checked++;
            Long previous = previousByKey.put(sent.partitionKey, id);
            if (previous != null && id < previous) {
                descents++;
            }
            Long highest = highestByKey.get(sent.partitionKey);
            if (highest != null && id < highest) {
                count++;
                keys.add(sent.partitionKey);
                if (examples.size() < EXAMPLES) {
                    examples.add(sent.partitionKey + ": " + id + " after " + highest + " (" + r.shardId() + ", "
                            + result.attempts().size() + " attempt(s))");
                }
            } else {
                highestByKey.put(sent.partitionKey, id);
            }
        }
        return new Inversions(checked, count, descents, keys.size(), examples);
    }

    /**
     * Every record of {@code stream}, de-aggregated by KCL with each shard's hash key range
     * ({@link StreamReader}), each shard in sequence order, a shard after its parent and adjacent
     * parent, as KCL reads a resharded stream.
     */
    static List<ReadRecord> readInLineageOrder(KinesisAsyncClient client, String stream, List<Shard> shards,
            Duration timeout) {
        Map<String, List<ReadRecord>> byShard = new LinkedHashMap<>();
        for (ReadRecord r : StreamReader.readAll(client, stream, timeout)) {
            byShard.computeIfAbsent(r.shardId(), k -> new ArrayList<>()).add(r);
        }
        List<ReadRecord> out = new ArrayList<>();
        for (Shard s : lineageOrder(shards)) {
            out.addAll(byShard.getOrDefault(s.shardId(), List.of()));
        }
        return out;
    }

    /** The shards, each after the parents listed among them, otherwise by shard id. */
    static List<Shard> lineageOrder(List<Shard> shards) {
        Set<String> listed = new HashSet<>();
        shards.forEach(s -> listed.add(s.shardId()));
        List<Shard> left = new ArrayList<>(shards);
        left.sort(Comparator.comparing(Shard::shardId));
        List<Shard> ordered = new ArrayList<>(shards.size());
        Set<String> placed = new HashSet<>();
        while (!left.isEmpty()) {
            Shard next = left.stream()
                    .filter(s -> ready(s.parentShardId(), listed, placed)
                            && ready(s.adjacentParentShardId(), listed, placed))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("shard lineage has a cycle: " + left));
            left.remove(next);
            placed.add(next.shardId());
            ordered.add(next);
        }
        return ordered;
    }

    private static boolean ready(String parent, Set<String> listed, Set<String> placed) {
        return parent == null || !listed.contains(parent) || placed.contains(parent);
    }

    /**
     * Per-key order violations.
     *
     * @param checked  confirmed records checked
     * @param count    records read after a record of the same key put later
     * @param descents  records read right after a record of the same key put later: where the key's order
     *                  jumps back (one late batch of n records is n inversions but one descent)
     * @param keys     partition keys with at least one inversion
     * @param examples the first few, as {@code key: id after higherId (shard, attempts)}
     */
    record Inversions(long checked, long count, long descents, int keys, List<String> examples) {
    }
}
