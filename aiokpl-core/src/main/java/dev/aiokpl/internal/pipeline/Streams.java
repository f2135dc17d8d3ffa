package dev.aiokpl.internal.pipeline;

import dev.aiokpl.Config;
import dev.aiokpl.internal.TimeBase;
import dev.aiokpl.internal.collector.PutBatch;
import dev.aiokpl.internal.record.PendingRecord;
import dev.aiokpl.internal.retry.Retrier;
import dev.aiokpl.internal.sender.Sender;
import dev.aiokpl.internal.shardmap.ListShards;
import dev.aiokpl.internal.shardmap.ShardMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The {@link StreamPipeline}s of one producer, each built with its shard map on its stream's first
 * record, and the sender's source of requests: the streams take turns. Owned by the pipeline thread.
 */
final class Streams implements Sender.RequestSource {

    private final Config config;
    private final ListShards listShards;
    private final TimeBase time;
    private final Executor pipelineExecutor;
    private final Retrier retrier;
    private final RecordCompletion completion;
    private final RecordMetrics metrics;
    private final long bufferedNanos;
    private final long ttlNanos;
    private final Map<String, StreamPipeline> byName = new HashMap<>();
    private final List<StreamPipeline> all = new ArrayList<>();
    /** The stream asked first for the next request. */
    private int turn;
    /** Set once the remaining records were failed as Closed: later retries fail at once. */
    private boolean stopRetrying;

    /**
     * @param listShards       loads the shard maps
     * @param pipelineExecutor runs shard-map loads' results on the pipeline thread
     */
    Streams(Config config, ListShards listShards, TimeBase time, Executor pipelineExecutor, Retrier retrier,
            RecordCompletion completion, RecordMetrics metrics) {
        this.config = config;
        this.listShards = listShards;
        this.time = time;
        this.pipelineExecutor = pipelineExecutor;
        this.retrier = retrier;
        this.completion = completion;
        this.metrics = metrics;
        this.bufferedNanos = config.recordMaxBufferedTime().toNanos();
        this.ttlNanos = config.recordTtl().toNanos();
    }

    /** The stream's pipeline, built (and its shard map started) on first use. */
    StreamPipeline get(String name) {
        StreamPipeline sp = byName.get(name);
        if (sp == null) {
            ShardMap map = new ShardMap(name, listShards, time.ticker(), config.shardMapRefreshInterval(),
                    pipelineExecutor, () -> { });
            sp = new StreamPipeline(name, map, retrier, completion, metrics, config.aggregationEnabled(),
                    config.aggregationMaxCount(), config.aggregationMaxSize(), config.rateLimit(),
                    config.collectionMaxCount(), config.collectionMaxSize(), bufferedNanos, ttlNanos, config.orderedDelivery());
            if (stopRetrying) {
                sp.stopRetrying();
            }
            byName.put(name, sp);
            all.add(sp);
            map.start();
        }
        return sp;
    }

    /** The next request of the first stream, in turn, that has one ready; the next call starts after it. */
    @Override
    public PutBatch next(int maxEntries, long maxBytes) {
        int n = all.size();
        for (int i = 0; i < n; i++) {
            int index = (turn + i) % n;
            PutBatch batch = all.get(index).take(maxEntries, maxBytes);
            if (batch != null) {
                turn = (index + 1) % n;
                return batch;
            }
        }
        return null;
    }

    /** The stream's pipeline, or null if none of its records arrived yet. */
    StreamPipeline find(String name) {
        return byName.get(name);
    }

    /** Every stream's pipeline, in creation order. */
    List<StreamPipeline> all() {
        return all;
    }

    /** From now on, records to retry fail as Closed at once, in every stream. */
    void stopRetrying() {
        stopRetrying = true;
        for (StreamPipeline sp : all) {
            sp.stopRetrying();
        }
    }

    /** Fails as Closed the records written on a shard not yet confirmed; they may have been written. */
    void failUnconfirmedAsClosed(long now) {
        for (StreamPipeline sp : all) {
            for (DeferredSuccesses.Deferred d : sp.drainDeferred()) {
                String written = "it was written to shard " + d.shardId() + " with sequence number "
                        + d.sequenceNumber() + ", but whether that shard's hash key range holds it was not yet "
                        + "confirmed (a consumer may drop it)";
                for (PendingRecord p : d.kr().records()) {
                    completion.failClosed(p, now, written);
                }
            }
        }
    }

    /** Removes every record not yet sent from every stream's stages into {@code unsent}. */
    void drainUnsent(List<PendingRecord> unsent) {
        for (StreamPipeline sp : all) {
            unsent.addAll(sp.drainAll());
        }
    }
}
