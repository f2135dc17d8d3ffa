package dev.aiokpl.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * The fault script of a {@link FaultProxy}: what to inject (throttled or failed entries, shard limits,
 * request faults, scripted or at a rate, latency) and the seeded decisions for each request. It only
 * decides; the proxy applies the decisions.
 */
final class FaultRules {

    /**
     * What to do with each entry of one PutRecords request, by index.
     *
     * @param codes  the injected error code of each entry, or null where it is to be forwarded
     * @param shards each entry's shard when shard limits are enforced, else null
     * @param bytes  each entry's partition key (UTF-8) + data bytes, as the service counts them
     */
    record EntryDecisions(String[] codes, String[] shards, int[] bytes) {
    }

    // guarded by this
    private final Random random;
    private final ShardRateLimits shardLimits;
    private double throttleRate;
    private final Map<String, Double> streamThrottleRates = new HashMap<>();
    private String recordErrorCode;
    private double recordErrorRate;
    private final Map<RequestFault, Double> requestFaultRates = new EnumMap<>(RequestFault.class);
    private final ArrayDeque<RequestFault> scripted = new ArrayDeque<>();
    private boolean enforceLimits;

    private volatile Duration responseDelay = Duration.ofSeconds(2);
    private volatile Duration latency = Duration.ZERO;

    FaultRules(long seed, ShardRateLimits shardLimits) {
        this.random = new Random(seed);
        this.shardLimits = shardLimits;
    }

    synchronized void throttleRecords(double rate) {
        this.throttleRate = checkRate(rate);
    }

    synchronized void throttleRecords(String stream, double rate) {
        streamThrottleRates.put(Objects.requireNonNull(stream, "stream"), checkRate(rate));
    }

    synchronized void failRecords(String errorCode, double rate) {
        this.recordErrorCode = Objects.requireNonNull(errorCode, "errorCode");
        this.recordErrorRate = checkRate(rate);
    }

    synchronized void injectRequests(RequestFault fault, double rate) {
        requestFaultRates.put(Objects.requireNonNull(fault, "fault"), checkRate(rate));
    }

    synchronized void injectNext(RequestFault fault, int count) {
        Objects.requireNonNull(fault, "fault");
        for (int i = 0; i < count; i++) {
            scripted.add(fault);
        }
    }

    synchronized void enforceShardLimits(boolean enforce) {
        this.enforceLimits = enforce;
    }

    void responseDelay(Duration delay) {
        this.responseDelay = Objects.requireNonNull(delay, "delay");
    }

    /** How long {@link RequestFault#DELAY_RESPONSE} holds the answer. */
    Duration responseDelay() {
        return responseDelay;
    }

    void latency(Duration latency) {
        this.latency = Objects.requireNonNull(latency, "latency");
    }

    /** What is added to every answer of the per-record path. */
    Duration latency() {
        return latency;
    }

    /** Stops every injection and the added latency; the response delay stays as set. */
    synchronized void clear() {
        throttleRate = 0;
        streamThrottleRates.clear();
        recordErrorCode = null;
        recordErrorRate = 0;
        requestFaultRates.clear();
        scripted.clear();
        enforceLimits = false;
        latency = Duration.ZERO;
    }

    /** The fault for the next PutRecords request: the next scripted one, else one drawn at its rate, else null. */
    synchronized RequestFault nextRequestFault() {
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

    /**
     * Decides each entry of a PutRecords request to {@code stream} (the {@code Records} array) at
     * {@code now} ({@link System#nanoTime()}): throttled, failed with the configured code, throttled by
     * the shard limits (whose tokens a forwarded entry takes), or forwarded.
     */
    synchronized EntryDecisions decide(String stream, ArrayNode entries, long now) {
        int n = entries.size();
        String[] codes = new String[n];
        String[] shards = new String[n];
        int[] sizes = new int[n];
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
                codes[i] = FaultProxy.THROTTLED;
            } else if (recordErrorCode != null && recordErrorRate > 0 && random.nextDouble() < recordErrorRate) {
                codes[i] = recordErrorCode;
            } else if (enforceLimits && shards[i] != null
                    && !shardLimits.tryTake(stream, shards[i], sizes[i], now)) {
                codes[i] = FaultProxy.THROTTLED;
            }
        }
        return new EntryDecisions(codes, shards, sizes);
    }

    /** The decoded length of base64 {@code Data}, without decoding it. */
    static int dataLength(String base64) {
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
}
