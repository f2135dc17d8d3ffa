package dev.aiokpl.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault injector between a producer and a local emulator: an HTTP/1.1 proxy on 127.0.0.1 that
 * forwards every Kinesis call to the emulator and, for PutRecords (JSON protocol, so put kinesalite
 * behind it and build the producer's client with {@link KinesisEmulator#buildWithCborDisabled}),
 * can answer in the emulator's place:
 * <ul>
 *   <li>per record: {@code ProvisionedThroughputExceededException} on a share of the entries
 *       ({@link #throttleRecords}), or another per-record code ({@link #failRecords}); such entries are
 *       not forwarded, and the answer is rewritten (their {@code ErrorCode}/{@code ErrorMessage}, the
 *       {@code FailedRecordCount}), so the stream holds exactly what the client is told succeeded;</li>
 *   <li>per record, rate enforcing ({@link #enforceShardLimits}): the service's limits of 1000
 *       records/s and 1 MiB/s per shard, the shard found from the stream's hash key ranges;</li>
 *   <li>per request: any {@link RequestFault} (error answers, connection resets, answers delayed past the
 *       client's timeout, a wrong record count), scripted ({@link #injectNext}) or at a rate
 *       ({@link #injectRequests});</li>
 *   <li>a stall: {@link #hold()} keeps every PutRecords request unanswered until {@link #release()}
 *       (forwarded then) or {@link #releaseByReset()} (connections reset, nothing forwarded);</li>
 *   <li>a congested link: {@link #bandwidthLimit} caps the bytes clients send through the proxy, all
 *       connections together.</li>
 * </ul>
 * Other calls (ListShards, GetRecords, ...) pass through untouched. Decisions use a seeded
 * {@link Random}; what was done is counted in {@link #stats()} and, entry by entry, in
 * {@link #entryLog()}. Thread-safe; one thread per client connection, named {@code fault-proxy-*}.
 */
public final class FaultProxy implements AutoCloseable {

    /** The {@code X-Amz-Target} of PutRecords. */
    public static final String PUT_RECORDS_TARGET = "Kinesis_20131202.PutRecords";
    /** The account id put in error messages. */
    public static final String ACCOUNT = "000000000000";
    /** The service's per-record throttling code. */
    public static final String THROTTLED = "ProvisionedThroughputExceededException";

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /** How one entry of a PutRecords request ended at the proxy. */
    public enum EntryOutcome {
        /** Forwarded and stored by the emulator; the client was told so. */
        ACCEPTED,
        /** Answered with an injected per-record error code; not forwarded. */
        REJECTED,
        /** Forwarded, but the emulator answered it with an error code. */
        FAILED_UPSTREAM
    }

    /**
     * One PutRecords entry as the proxy saw it.
     *
     * @param nanos     {@link System#nanoTime()} when it was decided
     * @param request   the number of its PutRecords request (1, 2, ... in arrival order)
     * @param stream    the stream
     * @param shardId   its shard (known in rate-enforcing mode or from the emulator's answer), or null
     * @param bytes     partition key (UTF-8) + data bytes, as the service counts them
     * @param outcome   what happened to it
     * @param errorCode the injected or upstream error code, or null
     */
    public record EntryEvent(long nanos, long request, String stream, String shardId, int bytes, EntryOutcome outcome,
            String errorCode) {
    }

    /**
     * Counters since start (or {@link #resetStats()}).
     *
     * @param putRecordsRequests  PutRecords requests received
     * @param entriesReceived     entries in them
     * @param entriesForwarded    entries sent on to the emulator
     * @param entriesAccepted     entries the emulator stored and the client was told so
     * @param entriesRejected     entries answered with an injected per-record error, by error code
     * @param requestFaults       request faults injected, by kind
     * @param requestsWithRejects PutRecords requests of which at least one entry was rejected
     * @param unknownOutcome      entries stored by the emulator while the client got no usable answer
     * @param heldRequests        requests held at least once by {@link #hold()}
     * @param linkBytes           bytes read from clients (request lines, headers and bodies of every call), with
     *                            or without a {@link #bandwidthLimit}: what crossed the link toward the endpoint
     */
    public record Stats(long putRecordsRequests, long entriesReceived, long entriesForwarded, long entriesAccepted,
            Map<String, Long> entriesRejected, Map<RequestFault, Long> requestFaults, long requestsWithRejects,
            long unknownOutcome, long heldRequests, long linkBytes) {

        /** All injected per-record rejections. */
        public long rejectedTotal() {
            return entriesRejected.values().stream().mapToLong(Long::longValue).sum();
        }

        /** All injected request faults. */
        public long requestFaultsTotal() {
            return requestFaults.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final KinesisEmulator upstream;
    private final ClientConnections connections;
    private final FaultRules rules;
    private final HoldGate gate;
    private final CappedLink link = new CappedLink();
    private final ProxyStats stats = new ProxyStats();

    private FaultProxy(KinesisEmulator upstream, long seed) throws IOException {
        this.upstream = upstream;
        this.rules = new FaultRules(seed, new ShardRateLimits(upstream::listShards, 100));
        PutRecordsJson json = new PutRecordsJson();
        this.gate = new HoldGate(json::streamNameOf, stats.heldRequests);
        this.connections = new ClientConnections(INSTANCES.incrementAndGet());
        UpstreamRelay relay = new UpstreamRelay(upstream.endpoint(), connections.threads());
        connections.start(link, stats.linkBytes, new ProxyHandler(relay, rules, gate, stats, json));
    }

    /** Starts a proxy in front of {@code upstream} on a free 127.0.0.1 port, with seed 42. */
    public static FaultProxy start(KinesisEmulator upstream) {
        return start(upstream, 42);
    }

    /** Starts a proxy in front of {@code upstream} on a free 127.0.0.1 port; {@code seed} drives every random decision. */
    public static FaultProxy start(KinesisEmulator upstream, long seed) {
        Objects.requireNonNull(upstream, "upstream");
        try {
            return new FaultProxy(upstream, seed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fault proxy", e);
        }
    }

    /** Where clients connect: {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return connections.endpoint();
    }

    /** The emulator behind the proxy. */
    public KinesisEmulator upstream() {
        return upstream;
    }

    // ---------------------------------------------------------------- configuration

    /**
     * Answers this share of PutRecords entries (0..1) with {@code ProvisionedThroughputExceededException}
     * instead of forwarding them.
     */
    public synchronized FaultProxy throttleRecords(double rate) {
        rules.throttleRecords(rate);
        return this;
    }

    /** As {@link #throttleRecords(double)}, for one stream only (instead of the rate for all streams). */
    public synchronized FaultProxy throttleRecords(String stream, double rate) {
        rules.throttleRecords(stream, rate);
        return this;
    }

    /** Answers this share of PutRecords entries with {@code errorCode} (e.g. {@code InternalFailure}); not forwarded. */
    public synchronized FaultProxy failRecords(String errorCode, double rate) {
        rules.failRecords(errorCode, rate);
        return this;
    }

    /** Injects {@code fault} into this share of PutRecords requests (0 to stop). */
    public synchronized FaultProxy injectRequests(RequestFault fault, double rate) {
        rules.injectRequests(fault, rate);
        return this;
    }

    /** Injects {@code fault} into the next {@code count} PutRecords requests (before any random fault). */
    public synchronized FaultProxy injectNext(RequestFault fault, int count) {
        rules.injectNext(fault, count);
        return this;
    }

    /**
     * Enforces the service's per-shard limits (1000 records/s and 1 MiB/s per shard, each bucket
     * holding one second's worth): entries beyond them are answered with
     * {@code ProvisionedThroughputExceededException} and not forwarded.
     */
    public synchronized FaultProxy enforceShardLimits(boolean enforce) {
        rules.enforceShardLimits(enforce);
        return this;
    }

    /** How long {@link RequestFault#DELAY_RESPONSE} holds the answer. Default 2 s. */
    public FaultProxy responseDelay(Duration delay) {
        rules.responseDelay(delay);
        return this;
    }

    /**
     * Answers every PutRecords that takes the per-record path this much later than the emulator does
     * (a slow service, not a fault: the answer still comes). Default zero.
     */
    public FaultProxy latency(Duration latency) {
        rules.latency(latency);
        return this;
    }

    /**
     * Caps the bytes clients send through the proxy at {@code bytesPerSecond}, all connections together:
     * the model of a congested link toward the endpoint. The proxy reads from its clients at that pace, in
     * chunks of at most 4 KiB from a token bucket every connection shares, so
     * concurrent requests share the link as TCP flows would and a big request takes proportionally long.
     * The bucket holds 50 ms worth of bytes (an idle link's burst). Request lines, headers and bodies of
     * every call count (counted in {@link Stats#linkBytes()}); answers are not capped.
     *
     * <p>As on a real link, a request whose last byte has not crossed when its client gives up is never
     * forwarded, and one whose bytes all crossed is forwarded whatever the client does next (bytes the
     * client wrote into its socket before closing still cross). 0 or less: no cap (the default).
     */
    public FaultProxy bandwidthLimit(long bytesPerSecond) {
        link.limit(bytesPerSecond);
        return this;
    }

    /**
     * Stops every injection, the added latency and the {@link #bandwidthLimit} (held requests stay held:
     * {@link #release()} them).
     */
    public synchronized FaultProxy clearFaults() {
        rules.clear();
        link.limit(0);
        return this;
    }

    // ---------------------------------------------------------------- stall

    /** From now on, PutRecords requests are held unanswered (and not forwarded) until released. */
    public void hold() {
        hold(null);
    }

    /** As {@link #hold()}, for the PutRecords requests of one stream only (null: every stream). */
    public void hold(String stream) {
        gate.hold(stream);
    }

    /** Ends {@link #hold()}: held requests are forwarded and answered. */
    public void release() {
        gate.release(false);
    }

    /** Ends {@link #hold()}: held requests are dropped with a connection reset, never forwarded. */
    public void releaseByReset() {
        gate.release(true);
    }

    /** PutRecords requests held right now. */
    public int heldRequests() {
        return gate.heldRequests();
    }

    /** Body bytes of the PutRecords requests held right now (they live in this JVM's heap). */
    public long heldBytes() {
        return gate.heldBytes();
    }

    // ---------------------------------------------------------------- observations

    /** The counters. */
    public Stats stats() {
        return stats.snapshot();
    }

    /** Every PutRecords entry that went through the per-record path, in decision order. */
    public List<EntryEvent> entryLog() {
        return stats.entryLog();
    }

    /** Zeroes the counters and empties the entry log. */
    public void resetStats() {
        stats.reset();
    }

    /** Stops listening, resets every open connection and releases held requests without forwarding them. */
    @Override
    public void close() {
        gate.close();
        connections.close();
    }

    @Override
    public String toString() {
        return "FaultProxy[" + endpoint() + " -> " + upstream + "]";
    }
}
