package dev.aiokpl.testkit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final Set<String> NOT_FORWARDED_HEADERS = Set.of("host", "connection", "content-length", "expect",
            "upgrade", "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection");
    private static final int MAX_HEADER_LINE = 64 * 1024;
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
    private final ServerSocket server;
    private final URI endpoint;
    private final HttpClient http;
    private final ExecutorService threads;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final ObjectMapper json = new ObjectMapper();
    private final ShardRateLimits shardLimits;
    private volatile boolean closed;

    // decisions (guarded by this)
    private final Random random;
    private double throttleRate;
    private final Map<String, Double> streamThrottleRates = new HashMap<>();
    private String recordErrorCode;
    private double recordErrorRate;
    private final Map<RequestFault, Double> requestFaultRates = new EnumMap<>(RequestFault.class);
    private final ArrayDeque<RequestFault> scripted = new ArrayDeque<>();
    private boolean enforceLimits;
    private volatile Duration responseDelay = Duration.ofSeconds(2);
    private volatile Duration latency = Duration.ZERO;
    private final CappedLink link = new CappedLink();

    // stall (guarded by holdLock)
    private final Object holdLock = new Object();
    private boolean holding;
    /** The only stream held, or null for all. */
    private String holdOnly;
    private boolean resetHeld;
    private int heldNow;
    private long heldBytesNow;

    // statistics
    private final AtomicLong putRecordsRequests = new AtomicLong();
    private final AtomicLong entriesReceived = new AtomicLong();
    private final AtomicLong entriesForwarded = new AtomicLong();
    private final AtomicLong entriesAccepted = new AtomicLong();
    private final Map<String, AtomicLong> entriesRejected = new ConcurrentHashMap<>();
    private final Map<RequestFault, AtomicLong> requestFaults = new ConcurrentHashMap<>();
    private final AtomicLong requestsWithRejects = new AtomicLong();
    private final AtomicLong unknownOutcome = new AtomicLong();
    private final AtomicLong heldRequests = new AtomicLong();
    private final AtomicLong linkBytes = new AtomicLong();
    private final ConcurrentLinkedQueue<EntryEvent> entryLog = new ConcurrentLinkedQueue<>();

    private FaultProxy(KinesisEmulator upstream, long seed) throws IOException {
        this.upstream = upstream;
        this.random = new Random(seed);
        this.shardLimits = new ShardRateLimits(upstream::listShards, 100);
        int id = INSTANCES.incrementAndGet();
        AtomicInteger threadIds = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fault-proxy-" + id + "-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(threads)
                .build();
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        this.endpoint = URI.create("http://127.0.0.1:" + server.getLocalPort());
        threads.execute(this::acceptLoop);
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
        return endpoint;
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
        this.throttleRate = checkRate(rate);
        return this;
    }

    /** As {@link #throttleRecords(double)}, for one stream only (instead of the rate for all streams). */
    public synchronized FaultProxy throttleRecords(String stream, double rate) {
        streamThrottleRates.put(Objects.requireNonNull(stream, "stream"), checkRate(rate));
        return this;
    }

    /** Answers this share of PutRecords entries with {@code errorCode} (e.g. {@code InternalFailure}); not forwarded. */
    public synchronized FaultProxy failRecords(String errorCode, double rate) {
        this.recordErrorCode = Objects.requireNonNull(errorCode, "errorCode");
        this.recordErrorRate = checkRate(rate);
        return this;
    }

    /** Injects {@code fault} into this share of PutRecords requests (0 to stop). */
    public synchronized FaultProxy injectRequests(RequestFault fault, double rate) {
        requestFaultRates.put(Objects.requireNonNull(fault, "fault"), checkRate(rate));
        return this;
    }

    /** Injects {@code fault} into the next {@code count} PutRecords requests (before any random fault). */
    public synchronized FaultProxy injectNext(RequestFault fault, int count) {
        Objects.requireNonNull(fault, "fault");
        for (int i = 0; i < count; i++) {
            scripted.add(fault);
        }
        return this;
    }

    /**
     * Enforces the service's per-shard limits (1000 records/s and 1 MiB/s per shard, each bucket
     * holding one second's worth): entries beyond them are answered with
     * {@code ProvisionedThroughputExceededException} and not forwarded.
     */
    public synchronized FaultProxy enforceShardLimits(boolean enforce) {
        this.enforceLimits = enforce;
        return this;
    }

    /** How long {@link RequestFault#DELAY_RESPONSE} holds the answer. Default 2 s. */
    public FaultProxy responseDelay(Duration delay) {
        this.responseDelay = Objects.requireNonNull(delay, "delay");
        return this;
    }

    /**
     * Answers every PutRecords that takes the per-record path this much later than the emulator does
     * (a slow service, not a fault: the answer still comes). Default zero.
     */
    public FaultProxy latency(Duration latency) {
        this.latency = Objects.requireNonNull(latency, "latency");
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
        throttleRate = 0;
        streamThrottleRates.clear();
        recordErrorCode = null;
        recordErrorRate = 0;
        requestFaultRates.clear();
        scripted.clear();
        enforceLimits = false;
        latency = Duration.ZERO;
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
        synchronized (holdLock) {
            holding = true;
            holdOnly = stream;
            resetHeld = false;
        }
    }

    /** Ends {@link #hold()}: held requests are forwarded and answered. */
    public void release() {
        synchronized (holdLock) {
            holding = false;
            resetHeld = false;
            holdLock.notifyAll();
        }
    }

    /** Ends {@link #hold()}: held requests are dropped with a connection reset, never forwarded. */
    public void releaseByReset() {
        synchronized (holdLock) {
            holding = false;
            resetHeld = true;
            holdLock.notifyAll();
        }
    }

    /** PutRecords requests held right now. */
    public int heldRequests() {
        synchronized (holdLock) {
            return heldNow;
        }
    }

    /** Body bytes of the PutRecords requests held right now (they live in this JVM's heap). */
    public long heldBytes() {
        synchronized (holdLock) {
            return heldBytesNow;
        }
    }

    // ---------------------------------------------------------------- observations

    /** The counters. */
    public Stats stats() {
        Map<String, Long> rejected = new LinkedHashMap<>();
        entriesRejected.forEach((k, v) -> rejected.put(k, v.get()));
        Map<RequestFault, Long> faults = new EnumMap<>(RequestFault.class);
        requestFaults.forEach((k, v) -> faults.put(k, v.get()));
        return new Stats(putRecordsRequests.get(), entriesReceived.get(), entriesForwarded.get(), entriesAccepted.get(),
                Map.copyOf(rejected), faults.isEmpty() ? Map.of() : Map.copyOf(faults), requestsWithRejects.get(),
                unknownOutcome.get(), heldRequests.get(), linkBytes.get());
    }

    /** Every PutRecords entry that went through the per-record path, in decision order. */
    public List<EntryEvent> entryLog() {
        return new ArrayList<>(entryLog);
    }

    /** Zeroes the counters and empties the entry log. */
    public void resetStats() {
        putRecordsRequests.set(0);
        entriesReceived.set(0);
        entriesForwarded.set(0);
        entriesAccepted.set(0);
        entriesRejected.clear();
        requestFaults.clear();
        requestsWithRejects.set(0);
        unknownOutcome.set(0);
        heldRequests.set(0);
        linkBytes.set(0);
        entryLog.clear();
    }

    /** Stops listening, resets every open connection and releases held requests without forwarding them. */
    @Override
    public void close() {
        closed = true;
        releaseByReset();
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the proxy's server socket", e);
        }
        for (Socket s : sockets) {
            reset(s);
        }
        threads.shutdownNow();
    }

    @Override
    public String toString() {
        return "FaultProxy[" + endpoint + " -> " + upstream + "]";
    }

    // ---------------------------------------------------------------- connections

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("fault proxy accept failed", e);
                }
                return;
            }
            sockets.add(socket);
            try {
                threads.execute(() -> serve(socket));
            } catch (RuntimeException rejected) {
                reset(socket);
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(link.input(socket.getInputStream(), linkBytes), 64 * 1024);
            OutputStream out = socket.getOutputStream();
            while (!closed) {
                Request request = Request.read(in, out);
                if (request == null) {
                    return;
                }
                if (!handle(socket, request, out) || request.close) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("fault proxy connection ended: {}", e.toString());
        } finally {
            sockets.remove(socket);
        }
    }

    /** Handles one request; returns false when the connection must end. */
    private boolean handle(Socket socket, Request request, OutputStream out) throws IOException {
        if (!PUT_RECORDS_TARGET.equals(request.header("x-amz-target"))) {
            Response r = forward(request, request.body);
            write(out, r.status, r.headers, r.body);
            return true;
        }
        long requestNumber = putRecordsRequests.incrementAndGet();
        // Held before parsing: a held request costs this JVM its body's bytes only (see heldBytes()).
        if (!awaitRelease(request.body)) {
            reset(socket);
            return false;
        }
        ObjectNode body = (ObjectNode) json.readTree(request.body);
        String stream = body.path("StreamName").asText(null);
        ArrayNode entries = (ArrayNode) body.path("Records");
        entriesReceived.addAndGet(entries.size());
        RequestFault fault = pickRequestFault();
        if (fault != null) {
            requestFaults.computeIfAbsent(fault, k -> new AtomicLong()).incrementAndGet();
            return injectRequestFault(socket, request, out, fault, stream, entries.size());
        }
        return perRecord(request, out, body, stream, entries, requestNumber);
    }

    private boolean injectRequestFault(Socket socket, Request request, OutputStream out, RequestFault fault,
            String stream, int entryCount) throws IOException {
        switch (fault) {
            case RESET_BEFORE_FORWARD -> {
                reset(socket);
                return false;
            }
            case RESET_AFTER_FORWARD -> {
                Response r = forward(request, request.body);
                entriesForwarded.addAndGet(entryCount);
                unknownOutcome.addAndGet(acceptedIn(r));
                reset(socket);
                return false;
            }
            case DELAY_RESPONSE -> {
                Response r = forward(request, request.body);
                entriesForwarded.addAndGet(entryCount);
                unknownOutcome.addAndGet(acceptedIn(r));
                sleep(responseDelay);
                write(out, r.status, r.headers, r.body);
                return true;
            }
            case WRONG_RECORD_COUNT -> {
                Response r = forward(request, request.body);
                entriesForwarded.addAndGet(entryCount);
                if (r.status != 200) {
                    write(out, r.status, r.headers, r.body);
                    return true;
                }
                unknownOutcome.addAndGet(acceptedIn(r));
                ObjectNode answer = (ObjectNode) json.readTree(r.body);
                ArrayNode records = (ArrayNode) answer.path("Records");
                if (!records.isEmpty()) {
                    records.remove(records.size() - 1);
                }
                writeJson(out, 200, answer);
                return true;
            }
            default -> {
                ObjectNode error = json.createObjectNode();
                error.put("__type", fault.errorCode());
                error.put("message", errorMessage(fault.errorCode(), stream, null));
                writeJson(out, fault.status(), error);
                return true;
            }
        }
    }

    private boolean perRecord(Request request, OutputStream out, ObjectNode body, String stream, ArrayNode entries,
            long requestNumber) throws IOException {
        int n = entries.size();
        String[] codes = new String[n];
        String[] shards = new String[n];
        int[] sizes = new int[n];
        ArrayNode forwarded = json.createArrayNode();
        List<Integer> forwardedIndex = new ArrayList<>(n);
        long now = System.nanoTime();
        synchronized (this) {
            for (int i = 0; i < n; i++) {
                JsonNode e = entries.get(i);
                String key = e.path("PartitionKey").asText("");
                sizes[i] = key.getBytes(StandardCharsets.UTF_8).length + dataLength(e.path("Data").asText(""));
                if (enforceLimits) {
                    BigInteger hash = e.hasNonNull("ExplicitHashKey")
                            ? new BigInteger(e.get("ExplicitHashKey").asText()) : HashKeys.of(key);
                    shards[i] = shardLimits.shardOf(stream, hash, now);
                }
                double throttle = streamThrottleRates.getOrDefault(stream, throttleRate);
                if (throttle > 0 && random.nextDouble() < throttle) {
                    codes[i] = THROTTLED;
                } else if (recordErrorCode != null && recordErrorRate > 0 && random.nextDouble() < recordErrorRate) {
                    codes[i] = recordErrorCode;
                } else if (enforceLimits && shards[i] != null
                        && !shardLimits.tryTake(stream, shards[i], sizes[i], now)) {
                    codes[i] = THROTTLED;
                }
                if (codes[i] == null) {
                    forwarded.add(e);
                    forwardedIndex.add(i);
                }
            }
        }
        ObjectNode upstreamAnswer = null;
        if (!forwarded.isEmpty()) {
            ObjectNode subset = body.deepCopy();
            subset.set("Records", forwarded);
            Response r = forward(request, json.writeValueAsBytes(subset));
            entriesForwarded.addAndGet(forwarded.size());
            if (r.status != 200) {
                write(out, r.status, r.headers, r.body); // e.g. ResourceNotFoundException: pass it on
                return true;
            }
            upstreamAnswer = (ObjectNode) json.readTree(r.body);
        }
        ObjectNode answer = upstreamAnswer == null ? json.createObjectNode() : upstreamAnswer.deepCopy();
        ArrayNode upstreamRecords = upstreamAnswer == null ? json.createArrayNode()
                : (ArrayNode) upstreamAnswer.path("Records");
        ArrayNode records = json.createArrayNode();
        int failed = 0;
        int rejected = 0;
        int next = 0;
        for (int i = 0; i < n; i++) {
            if (codes[i] != null) {
                ObjectNode e = records.addObject();
                e.put("ErrorCode", codes[i]);
                e.put("ErrorMessage", errorMessage(codes[i], stream, shards[i]));
                failed++;
                rejected++;
                entriesRejected.computeIfAbsent(codes[i], k -> new AtomicLong()).incrementAndGet();
                entryLog.add(new EntryEvent(now, requestNumber, stream, shards[i], sizes[i], EntryOutcome.REJECTED, codes[i]));
                continue;
            }
            JsonNode u = upstreamRecords.get(next++);
            records.add(u);
            String upstreamCode = u == null ? "Missing" : u.path("ErrorCode").asText(null);
            String shard = shards[i] != null ? shards[i] : u == null ? null : u.path("ShardId").asText(null);
            if (upstreamCode != null) {
                failed++;
                entryLog.add(new EntryEvent(now, requestNumber, stream, shard, sizes[i], EntryOutcome.FAILED_UPSTREAM, upstreamCode));
            } else {
                entriesAccepted.incrementAndGet();
                entryLog.add(new EntryEvent(now, requestNumber, stream, shard, sizes[i], EntryOutcome.ACCEPTED, null));
            }
        }
        if (rejected > 0) {
            requestsWithRejects.incrementAndGet();
        }
        answer.put("FailedRecordCount", failed);
        answer.set("Records", records);
        Duration added = latency;
        if (!added.isZero()) {
            sleep(added);
        }
        writeJson(out, 200, answer);
        return true;
    }

    private synchronized RequestFault pickRequestFault() {
        RequestFault f = scripted.poll();
        if (f != null) {
            return f;
        }
        for (Map.Entry<RequestFault, Double> e : requestFaultRates.entrySet()) {
            if (e.getValue() > 0 && random.nextDouble() < e.getValue()) {
                return e.getKey();
            }
        }
        return null;
    }

    /** Waits while requests are held; false when the held request must be dropped. */
    private boolean awaitRelease(byte[] body) throws IOException {
        String only;
        synchronized (holdLock) {
            only = holding ? holdOnly : null;
        }
        boolean mine = only == null || only.equals(streamNameOf(body));
        int bytes = body.length;
        synchronized (holdLock) {
            if (!holding || !mine) {
                return !closed;
            }
            heldRequests.incrementAndGet();
            heldNow++;
            heldBytesNow += bytes;
            try {
                while (holding && !closed) {
                    holdLock.wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } finally {
                heldNow--;
                heldBytesNow -= bytes;
            }
            return !resetHeld && !closed;
        }
    }

    /** The StreamName of a PutRecords body, read without building the records. */
    private String streamNameOf(byte[] body) throws IOException {
        try (JsonParser p = json.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("StreamName".equals(field) && value == JsonToken.VALUE_STRING) {
                    return p.getText();
                }
                p.skipChildren();
            }
            return null;
        }
    }

    private long acceptedIn(Response r) throws IOException {
        if (r.status != 200) {
            return 0;
        }
        long ok = 0;
        for (JsonNode e : json.readTree(r.body).path("Records")) {
            if (!e.hasNonNull("ErrorCode")) {
                ok++;
            }
        }
        return ok;
    }

    private Response forward(Request request, byte[] body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(upstream.endpoint().resolve(request.target))
                .timeout(Duration.ofSeconds(30))
                .method(request.method, HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> h : request.headers.entrySet()) {
            if (!NOT_FORWARDED_HEADERS.contains(h.getKey())) {
                for (String v : h.getValue()) {
                    b.header(h.getKey(), v);
                }
            }
        }
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            Map<String, List<String>> headers = new LinkedHashMap<>();
            r.headers().map().forEach((k, v) -> {
                if (!NOT_FORWARDED_HEADERS.contains(k.toLowerCase(Locale.ROOT)) && !k.startsWith(":")) {
                    headers.put(k, v);
                }
            });
            return new Response(r.statusCode(), headers, r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while forwarding", e);
        }
    }

    private void writeJson(OutputStream out, int status, JsonNode body) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Content-Type", List.of(CONTENT_TYPE));
        headers.put("x-amzn-RequestId", List.of(UUID.randomUUID().toString()));
        write(out, status, headers, json.writeValueAsBytes(body));
    }

    private static void write(OutputStream out, int status, Map<String, List<String>> headers, byte[] body)
            throws IOException {
        StringBuilder head = new StringBuilder(256);
        head.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        headers.forEach((k, vs) -> vs.forEach(v -> head.append(k).append(": ").append(v).append("\r\n")));
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    private static String errorMessage(String code, String stream, String shardId) {
        if (THROTTLED.equals(code)) {
            return shardId == null
                    ? "Rate exceeded for stream " + stream + " under account " + ACCOUNT + "."
                    : "Rate exceeded for shard " + shardId + " in stream " + stream + " under account " + ACCOUNT + ".";
        }
        return "injected " + code + " by the fault proxy for stream " + stream;
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    private static int dataLength(String base64) {
        int len = base64.length();
        if (len == 0) {
            return 0;
        }
        int padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
        return len / 4 * 3 - padding;
    }

    private static double checkRate(double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("rate must be in [0, 1], got " + rate);
        }
        return rate;
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException ignored) {
            // already closed
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private static void sleep(Duration d) {
        try {
            TimeUnit.NANOSECONDS.sleep(d.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Response(int status, Map<String, List<String>> headers, byte[] body) {
    }


    /** One HTTP/1.1 request read from a client connection. */
    private record Request(String method, String target, Map<String, List<String>> headers, byte[] body,
            boolean close) {

        String header(String name) {
            List<String> v = headers.get(name);
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        /** Reads the next request, or null at a clean end of the connection. */
        static Request read(InputStream in, OutputStream out) throws IOException {
            String line = readLine(in);
            if (line == null) {
                return null;
            }
            while (line.isEmpty()) { // tolerate stray CRLF between requests
                line = readLine(in);
                if (line == null) {
                    return null;
                }
            }
            String[] parts = line.split(" ");
            if (parts.length < 3) {
                throw new IOException("bad request line: " + line);
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            while (true) {
                String h = readLine(in);
                if (h == null) {
                    throw new EOFException("connection closed inside the headers");
                }
                if (h.isEmpty()) {
                    break;
                }
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("bad header line: " + h);
                }
                headers.computeIfAbsent(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(h.substring(colon + 1).trim());
            }
            List<String> expect = headers.get("expect");
            if (expect != null && expect.stream().anyMatch(v -> v.equalsIgnoreCase("100-continue"))) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            byte[] body;
            List<String> te = headers.get("transfer-encoding");
            if (te != null && te.stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"))) {
                body = readChunked(in);
            } else {
                List<String> cl = headers.get("content-length");
                int length = cl == null ? 0 : Integer.parseInt(cl.get(0));
                body = in.readNBytes(length);
                if (body.length != length) {
                    throw new EOFException("connection closed inside the body");
                }
            }
            List<String> connection = headers.get("connection");
            boolean close = connection != null && connection.stream().anyMatch(v -> v.equalsIgnoreCase("close"));
            return new Request(parts[0], parts[1], headers, body, close);
        }

        private static byte[] readChunked(InputStream in) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(in);
                if (sizeLine == null) {
                    throw new EOFException("connection closed inside a chunk");
                }
                int semicolon = sizeLine.indexOf(';');
                int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
                if (size == 0) {
                    String trailer;
                    do {
                        trailer = readLine(in);
                    } while (trailer != null && !trailer.isEmpty());
                    return body.toByteArray();
                }
                byte[] chunk = in.readNBytes(size);
                if (chunk.length != size) {
                    throw new EOFException("connection closed inside a chunk");
                }
                body.write(chunk);
                readLine(in);
            }
        }

        private static String readLine(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    if (sb.length() == 0) {
                        return null;
                    }
                    throw new EOFException("connection closed inside a line");
                }
                if (b == '\n') {
                    int len = sb.length();
                    if (len > 0 && sb.charAt(len - 1) == '\r') {
                        sb.setLength(len - 1);
                    }
                    return sb.toString();
                }
                if (sb.length() >= MAX_HEADER_LINE) {
                    throw new IOException("header line longer than " + MAX_HEADER_LINE);
                }
                sb.append((char) b);
            }
        }
    }
}
