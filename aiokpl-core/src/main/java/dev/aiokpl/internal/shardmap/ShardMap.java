package dev.aiokpl.internal.shardmap;

import dev.aiokpl.internal.Ticker;
import dev.aiokpl.internal.hash.HashKey;
import dev.aiokpl.internal.sender.ErrorClassifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;

/**
 * Which shard owns which hash key range, for one stream: predicts the shard of a hash key.
 *
 * <p>Loaded with {@code ListShards} ({@code ShardFilter=AT_LATEST}, paginated: pages after the first
 * carry only the {@code NextToken}), ordered by ending hash key, looked up by binary search. States
 * INVALID → UPDATING → READY. Refreshed at start, when {@link #invalidate(long)} brings evidence
 * newer than the map, and every {@code refreshInterval} (a periodic refresh keeps the old map in use
 * meanwhile). Failed loads back off 1 s × 1.5 up to 30 s. Shards that leave the map stay known for
 * 60 s so late responses can still be classified.
 *
 * <p>Not thread-safe: owned by the pipeline thread. ListShards completions are handed back through
 * the {@code pipelineExecutor}, which must run them on that thread.
 */
public final class ShardMap {

    /** The map's state. */
    public enum State { INVALID, UPDATING, READY }

    /** One shard and its inclusive hash key range. */
    public record ShardRange(String shardId, HashKey start, HashKey end) {
        /** Whether this shard's range holds the hash key. */
        public boolean contains(HashKey key) {
            return contains(key.hi(), key.lo());
        }

        /** Whether this shard's range holds the hash key {@code hi:lo} (each 64 bits read unsigned). */
        public boolean contains(long hi, long lo) {
            return HashKey.compare(hi, lo, start.hi(), start.lo()) >= 0
                    && HashKey.compare(hi, lo, end.hi(), end.lo()) <= 0;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ShardMap.class);
    static final long CLOSED_SHARD_MEMORY_NANOS = Duration.ofSeconds(60).toNanos();
    static final long INITIAL_BACKOFF_NANOS = Duration.ofSeconds(1).toNanos();
    static final long MAX_BACKOFF_NANOS = Duration.ofSeconds(30).toNanos();

    private final String stream;
    private final ListShards client;
    private final Ticker ticker;
    private final long refreshIntervalNanos;
    private final Executor pipelineExecutor;
    private final Runnable onUpdate;

    private State state = State.INVALID;
    private ShardRange[] shards = new ShardRange[0];
    private long[] endHi = new long[0];
    private long[] endLo = new long[0];
    private final Map<String, ShardRange> byId = new HashMap<>();
    private final Map<String, Long> closedUntil = new HashMap<>();
    private final Map<String, ShardRange> closed = new HashMap<>();

    /** Start time of the ListShards that produced the current map; evidence older than it is stale. */
    private long mapTimeNanos = Long.MIN_VALUE;
    private boolean loading;
    private long loadStartNanos;
    private boolean reloadAfterCurrent;
    private long nextLoadNanos = Long.MAX_VALUE;
    private long backoffNanos = INITIAL_BACKOFF_NANOS;
    private long version;
    private String lastError;
    /** Whether the last failure's code cannot heal by retrying alone (a missing stream, no access). */
    private boolean lastErrorPermanent;
    /** Loads failed in a row (for the log). */
    private int failures;

    public ShardMap(String stream, ListShards client, Ticker ticker, Duration refreshInterval,
            Executor pipelineExecutor, Runnable onUpdate) {
        this.stream = stream;
        this.client = client;
        this.ticker = ticker;
        this.refreshIntervalNanos = refreshInterval.toNanos();
        this.pipelineExecutor = pipelineExecutor;
        this.onUpdate = onUpdate;
    }

    /** Starts the first load. */
    public void start() {
        load(ticker.read());
    }

    public State state() {
        return state;
    }

    /** Incremented on every successful load. */
    public long version() {
        return version;
    }

    /**
     * When the ListShards that produced the current map started (ticker nanos), or
     * {@code Long.MIN_VALUE} before the first load: the map reflects no change made after this time.
     */
    public long mapTimeNanos() {
        return mapTimeNanos;
    }

    /** Whether a ListShards load is in flight. */
    public boolean loading() {
        return loading;
    }

    /** The last load error, or null. */
    public String lastError() {
        return lastError;
    }

    /** The open shards, ordered by ending hash key. */
    public List<ShardRange> shards() {
        return List.of(shards);
    }

    /** The predicted shard for a hash key, or null unless READY. */
    public String predict(HashKey key) {
        return predict(key.hi(), key.lo());
    }

    /** The predicted shard for the hash key {@code hi:lo} (each 64 bits read unsigned), or null unless READY. */
    public String predict(long hi, long lo) {
        if (state != State.READY || shards.length == 0) {
            return null;
        }
        int low = 0;
        int high = shards.length - 1;
        while (low < high) {
            int mid = (low + high) >>> 1;
            int c = HashKey.compare(endHi[mid], endLo[mid], hi, lo);
            if (c < 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        ShardRange s = shards[low];
        return s.contains(hi, lo) ? s.shardId() : null;
    }

    /** Whether the current map has the shard open. */
    public boolean isOpen(String shardId) {
        return byId.containsKey(shardId);
    }

    /** An open shard, or one closed less than 60 s ago, or null. */
    public ShardRange shard(String shardId) {
        ShardRange s = byId.get(shardId);
        return s != null ? s : closed.get(shardId);
    }

    /**
     * Reports evidence that the map is wrong (a record landed on an unexpected shard, the stream was not
     * found). Reloads only if the evidence (the start time of the request that produced it) is newer
     * than the map, and not while a failed load backs off.
     *
     * @return whether a reload was started or queued
     */
    public boolean invalidate(long evidenceNanos) {
        if (evidenceNanos < mapTimeNanos) {
            return false;
        }
        if (!loading && state != State.READY && lastError != null) {
            // No usable map and the last load failed: a reload is already due after the backoff, and
            // evidence (say a ResourceNotFoundException per request to a deleted stream) must not hasten it.
            return false;
        }
        if (loading) {
            if (evidenceNanos >= loadStartNanos) {
                reloadAfterCurrent = true;
                return true;
            }
            return false;
        }
        LOG.info("Shard map of stream {} is out of date; reloading", stream);
        state = State.INVALID;
        load(ticker.read());
        return true;
    }

    /** Starts a periodic refresh or a retry after backoff when due. */
    public void tick(long now) {
        tick(now, true);
    }

    /**
     * Expires closed shards and starts a due load. {@code wanted}: whether the stream has records
     * waiting; after a non-retryable failure (a missing stream, no access) the map is loaded again
     * only for records, not in the background forever.
     */
    public void tick(long now, boolean wanted) {
        expireClosed(now);
        if (!loading && now >= nextLoadNanos && (wanted || !idleAfterPermanentFailure())) {
            load(now);
        }
    }

    /** When {@link #tick(long)} next has something to do. */
    public long nextWakeNanos() {
        return nextWakeNanos(true);
    }

    /** When {@link #tick(long, boolean)} next has something to do. */
    public long nextWakeNanos(boolean wanted) {
        return loading || (!wanted && idleAfterPermanentFailure()) ? Long.MAX_VALUE : nextLoadNanos;
    }

    private boolean idleAfterPermanentFailure() {
        return state != State.READY && lastError != null && lastErrorPermanent;
    }

    private void load(long now) {
        loading = true;
        loadStartNanos = now;
        nextLoadNanos = Long.MAX_VALUE;
        if (state != State.READY) {
            state = State.UPDATING;
        }
        List<Shard> acc = new ArrayList<>();
        CompletableFuture<Void> done;
        try {
            done = page(ListShardsRequest.builder().streamName(stream)
                    .shardFilter(f -> f.type(ShardFilterType.AT_LATEST)).build(), acc);
        } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e);
        }
        long started = now;
        done.whenComplete((v, err) -> pipelineExecutor.execute(() -> onLoaded(started, acc, err)));
    }

    private CompletableFuture<Void> page(ListShardsRequest request, List<Shard> acc) {
        return client.listShards(request).thenCompose((ListShardsResponse r) -> {
            acc.addAll(r.shards());
            String next = r.nextToken();
            if (next == null || next.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            return page(ListShardsRequest.builder().nextToken(next).build(), acc);
        });
    }

    private void onLoaded(long started, List<Shard> loaded, Throwable error) {
        loading = false;
        long now = ticker.read();
        if (error != null) {
            Throwable cause = ErrorClassifier.unwrap(error);
            String code = ErrorClassifier.code(cause);
            String previous = lastError;
            lastError = code + ": " + ErrorClassifier.message(cause);
            lastErrorPermanent = ErrorClassifier.classify(cause) == ErrorClassifier.Kind.NON_RETRYABLE;
            failures++;
            if (state == State.UPDATING) {
                state = State.INVALID;
            }
            // Every failure is logged, but at WARN only when something changed or every 10th time:
            // a stream that stays missing must not fill the log.
            boolean warn = failures == 1 || !lastError.equals(previous) || failures % 10 == 0;
            String next = lastErrorPermanent ? "retrying in " + backoffNanos / 1_000_000
                    + " ms if records for it are waiting" : "retrying in " + backoffNanos / 1_000_000 + " ms";
            if (warn) {
                LOG.warn("Loading the shard map of stream {} failed ({} in a row; {}): {}", stream, failures, next,
                        lastError);
            } else {
                LOG.debug("Loading the shard map of stream {} failed ({} in a row; {}): {}", stream, failures, next,
                        lastError);
            }
            nextLoadNanos = now + backoffNanos;
            backoffNanos = Math.min(MAX_BACKOFF_NANOS, (long) (backoffNanos * 1.5));
            return;
        }
        apply(loaded, now);
        if (failures > 0) {
            LOG.info("Loaded the shard map of stream {} after {} failed attempt(s): {} open shards", stream, failures,
                    shards.length);
        }
        failures = 0;
        lastError = null;
        lastErrorPermanent = false;
        mapTimeNanos = started;
        backoffNanos = INITIAL_BACKOFF_NANOS;
        nextLoadNanos = now + refreshIntervalNanos;
        state = State.READY;
        version++;
        if (reloadAfterCurrent) {
            // Evidence arrived while this load was in flight: use the new map now, reload behind it.
            reloadAfterCurrent = false;
            load(now);
        }
        onUpdate.run();
    }

    private void apply(List<Shard> loaded, long now) {
        List<ShardRange> ranges = new ArrayList<>(loaded.size());
        for (Shard s : loaded) {
            if (s.sequenceNumberRange() != null && s.sequenceNumberRange().endingSequenceNumber() != null) {
                continue; // closed shard (emulators that ignore AT_LATEST return them)
            }
            ranges.add(new ShardRange(s.shardId(), HashKey.parseDecimal(s.hashKeyRange().startingHashKey()),
                    HashKey.parseDecimal(s.hashKeyRange().endingHashKey())));
        }
        ranges.sort(Comparator.comparing(ShardRange::end));
        Map<String, ShardRange> previous = new HashMap<>(byId);
        byId.clear();
        shards = ranges.toArray(new ShardRange[0]);
        endHi = new long[shards.length];
        endLo = new long[shards.length];
        for (int i = 0; i < shards.length; i++) {
            endHi[i] = shards[i].end().hi();
            endLo[i] = shards[i].end().lo();
            byId.put(shards[i].shardId(), shards[i]);
            closed.remove(shards[i].shardId());
            closedUntil.remove(shards[i].shardId());
        }
        for (ShardRange old : previous.values()) {
            if (!byId.containsKey(old.shardId())) {
                closed.put(old.shardId(), old);
                closedUntil.put(old.shardId(), now + CLOSED_SHARD_MEMORY_NANOS);
            }
        }
        LOG.debug("Shard map of stream {}: {} open shards", stream, shards.length);
    }

    private void expireClosed(long now) {
        if (closedUntil.isEmpty()) {
            return;
        }
        Iterator<Map.Entry<String, Long>> it = closedUntil.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Long> e = it.next();
            if (now >= e.getValue()) {
                closed.remove(e.getKey());
                it.remove();
            }
        }
    }

}
