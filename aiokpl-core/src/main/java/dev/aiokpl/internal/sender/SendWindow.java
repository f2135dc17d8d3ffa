package dev.aiokpl.internal.sender;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The send boundary's limits, in one place: how many bytes and entries the next PutRecords request
 * may hold, and how many requests may be in flight. Adaptive (SPEC §3 "Slow endpoints"), as TCP's
 * congestion window, with request latency as the congestion signal:
 *
 * <ul>
 *   <li>it starts with one request in flight, of an eighth of the configured size and entries, and
 *       per fast answer adds one request in flight and doubles the size and entries (slow start),
 *       up to the configured maxima or until the first sign of congestion: a first wave of
 *       full-size requests on a slow link would time out whole, and each timeout may leave a duplicate;</li>
 *   <li>a timeout halves all three limits (multiplicative decrease): the next requests, retries
 *       included, are smaller and fewer, so they fit in {@code requestTimeout} again;</li>
 *   <li>an answer slower than half {@code requestTimeout}, or slower than a quarter of it and half as
 *       slow again as the fastest answer since the last decrease (the path's own latency), halves the
 *       requests in flight (or, with one left, its size): requests are queueing at the endpoint, and the
 *       ones still in flight behind it would reach the timeout before the next signal. A latency that
 *       stays high without rising (a distant or slow but steady endpoint) is not queueing;</li>
 *   <li>an answer within an eighth of {@code requestTimeout}, or within a third of it and no slower than
 *       a quarter above the path's own latency, grows each limit back additively (about one request,
 *       and 1/32 of the configured size and entries, per round of answers); in between, the limits
 *       hold (slow start included: one slower answer on a fast endpoint, a cold connection, must not
 *       leave it to grow additively from two or three requests).</li>
 * </ul>
 *
 * <p>When the sender says how big the request was ({@link #onAnswer(long, long, long)},
 * {@link #onTimeout(long, long, long)}), a decrease of the size halves what the request actually held
 * if that is less than the limit, and the size grows only on answers to requests that filled at least
 * half of it: on a slow endpoint the time an answer takes follows the bytes it carries, so a limit far
 * above the requests actually sent would take several decreases before the first one bites.
 *
 * <p>A decrease reacts once per round: only a request sent after the last decrease can cause
 * another, since the requests sent before it were sized by the old limits. The limits never go
 * below one request of one entry, nor above the configured maxima. When not adaptive, the limits
 * are the configured maxima, always.
 *
 * <p>Not thread-safe: owned by the pipeline thread.
 */
public final class SendWindow {

    private static final Logger LOG = LoggerFactory.getLogger(SendWindow.class);
    /** Additive increase per round of answers, as a fraction of the configured request size and entries. */
    static final int GROWTH_STEPS = 32;
    /** The first requests hold this fraction of the configured size and entries (slow start doubles it). */
    static final int INITIAL_FRACTION = 8;
    /** An answer within {@code requestTimeout / FAST_DIVISOR} grows the limits. */
    static final int FAST_DIVISOR = 8;
    /** An answer slower than {@code requestTimeout / SLOW_DIVISOR} shrinks them. */
    static final int SLOW_DIVISOR = 4;
    /** The request size given to the methods that do not say it: unknown. */
    private static final long UNKNOWN = -1;

    private final long maxBytes;
    private final int maxEntries;
    private final int maxInFlight;
    private final long fastNanos;
    private final long slowNanos;
    private final long steadyNanos;
    private final boolean adaptive;

    private double bytes;
    private double entries;
    private double inFlight;
    private boolean slowStart;
    /** Requests started before this did not see the last decrease. */
    private long lastDecreaseNanos = Long.MIN_VALUE;
    /**
     * The path's own latency as seen since the last decrease: the shortest answer since then (the
     * answer that caused it included), or MAX_VALUE before the first. Latency well above it is queueing.
     */
    private long baseNanos = Long.MAX_VALUE;

    /**
     * @param maxBytes            the largest request, in bytes ({@code collectionMaxSize})
     * @param maxEntries          the most entries in a request ({@code collectionMaxCount})
     * @param maxInFlight         the most requests in flight ({@code maxConnections})
     * @param requestTimeoutNanos a request's time limit ({@code requestTimeout})
     * @param adaptive            false to keep the maxima whatever happens ({@code adaptiveSending})
     */
    public SendWindow(long maxBytes, int maxEntries, int maxInFlight, long requestTimeoutNanos, boolean adaptive) {
        if (maxBytes < 1 || maxEntries < 1 || maxInFlight < 1 || requestTimeoutNanos < 1) {
            throw new IllegalArgumentException("limits must be positive: maxBytes=" + maxBytes + ", maxEntries="
                    + maxEntries + ", maxInFlight=" + maxInFlight + ", requestTimeoutNanos=" + requestTimeoutNanos);
        }
        this.maxBytes = maxBytes;
        this.maxEntries = maxEntries;
        this.maxInFlight = maxInFlight;
        this.fastNanos = requestTimeoutNanos / FAST_DIVISOR;
        this.slowNanos = requestTimeoutNanos / SLOW_DIVISOR;
        this.steadyNanos = requestTimeoutNanos / 3;
        this.adaptive = adaptive;
        this.bytes = adaptive ? Math.max(1, maxBytes / (double) INITIAL_FRACTION) : maxBytes;
        this.entries = adaptive ? Math.max(1, maxEntries / (double) INITIAL_FRACTION) : maxEntries;
        this.inFlight = adaptive ? 1 : maxInFlight;
        this.slowStart = adaptive;
    }

    /** Most bytes (partition keys + data) the next request may hold; at least 1. */
    public long requestBytes() {
        return (long) bytes;
    }

    /** Most entries the next request may hold; at least 1. */
    public int requestEntries() {
        return (int) entries;
    }

    /** Most requests in flight; at least 1. */
    public int inFlight() {
        return (int) inFlight;
    }

    /** Whether the limits adapt (false: they stay at the configured maxima). */
    public boolean adaptive() {
        return adaptive;
    }

    /**
     * A request sent at {@code startNanos} timed out (or failed in a way that says the path is
     * overloaded) at {@code nowNanos}: halves every limit, once per round.
     *
     * @return whether the limits changed
     */
    public boolean onTimeout(long startNanos, long nowNanos) {
        return onTimeout(startNanos, nowNanos, UNKNOWN);
    }

    /**
     * As {@link #onTimeout(long, long)}, for a request of {@code requestBytes} bytes: the size halves
     * from that if it is below the limit.
     *
     * @return whether the limits changed
     */
    public boolean onTimeout(long startNanos, long nowNanos, long requestBytes) {
        if (!adaptive || startNanos < lastDecreaseNanos) {
            return false;
        }
        long before = requestBytes();
        int beforeEntries = requestEntries();
        int beforeInFlight = inFlight();
        halveSize(requestBytes);
        entries = Math.max(1, entries / 2);
        inFlight = half(inFlight);
        return decreased(nowNanos, "a request timed out", before, beforeEntries, beforeInFlight, true);
    }

    /**
     * A request sent at {@code startNanos} was answered at {@code endNanos} (whatever the answer
     * said: the path carried it): grows the limits if it was fast, shrinks them if it was slow.
     *
     * @return whether the limits changed
     */
    public boolean onAnswer(long startNanos, long endNanos) {
        return onAnswer(startNanos, endNanos, UNKNOWN);
    }

    /**
     * As {@link #onAnswer(long, long)}, for a request of {@code requestBytes} bytes: a decrease of the
     * size halves from that if it is below the limit, and the size grows only if the request filled at
     * least half of it.
     *
     * @return whether the limits changed
     */
    public boolean onAnswer(long startNanos, long endNanos, long requestBytes) {
        if (!adaptive) {
            return false;
        }
        long latency = endNanos - startNanos;
        long before = requestBytes();
        int beforeEntries = requestEntries();
        int beforeInFlight = inFlight();
        long base = baseNanos;
        baseNanos = Math.min(baseNanos, latency);
        boolean queueing = base == Long.MAX_VALUE || latency > base + base / 2;
        if (latency > 2 * slowNanos || (latency > slowNanos && queueing)) {
            if (startNanos < lastDecreaseNanos) {
                return false;
            }
            baseNanos = latency;
            if (inFlight() >= 2) {
                inFlight = half(inFlight);
            } else {
                halveSize(requestBytes);
                entries = Math.max(1, entries / 2);
            }
            return decreased(endNanos, "a request took " + latency / 1_000_000 + " ms", before, beforeEntries,
                    beforeInFlight, true);
        }
        boolean steady = latency <= steadyNanos && base != Long.MAX_VALUE && latency <= base + base / 4;
        if (latency > fastNanos && !steady) {
            return false;
        }
        boolean sizeUsed = requestBytes == UNKNOWN || requestBytes >= bytes / 2;
        if (slowStart) {
            inFlight = Math.min(maxInFlight, inFlight + 1);
            if (sizeUsed) {
                bytes = Math.min(maxBytes, bytes * 2);
            }
            entries = Math.min(maxEntries, entries * 2);
            slowStart = inFlight < maxInFlight || bytes < maxBytes || entries < maxEntries;
        } else {
            double round = Math.max(1, inFlight);
            inFlight = Math.min(maxInFlight, inFlight + 1 / round);
            if (sizeUsed) {
                bytes = Math.min(maxBytes, bytes + (double) maxBytes / GROWTH_STEPS / round);
            }
            entries = Math.min(maxEntries, entries + (double) maxEntries / GROWTH_STEPS / round);
        }
        return changed("grew", before, beforeEntries, beforeInFlight);
    }

    /** Halves the size limit, or what the request held if that was less. */
    private void halveSize(long requestBytes) {
        double from = requestBytes == UNKNOWN ? bytes : Math.min(bytes, requestBytes);
        bytes = Math.max(1, from / 2);
    }

    /** Half the requests in flight, a whole number of them: the limit reads as what it allows. */
    private static double half(double inFlight) {
        return Math.max(1, Math.floor(inFlight / 2));
    }

    /** @param endSlowStart whether this decrease ends slow start: a timeout does, a slow answer does not */
    private boolean decreased(long nowNanos, String why, long before, int beforeEntries, int beforeInFlight,
            boolean endSlowStart) {
        slowStart &= !endSlowStart;
        lastDecreaseNanos = nowNanos;
        return changed("shrank (" + why + ")", before, beforeEntries, beforeInFlight);
    }

    private boolean changed(String how, long before, int beforeEntries, int beforeInFlight) {
        boolean changed = requestBytes() != before || requestEntries() != beforeEntries || inFlight() != beforeInFlight;
        if (changed && LOG.isDebugEnabled()) {
            LOG.debug("send window {}: requests of at most {} bytes and {} entries, {} in flight", how,
                    requestBytes(), requestEntries(), inFlight());
        }
        return changed;
    }

    @Override
    public String toString() {
        return "SendWindow{bytes=" + requestBytes() + ", entries=" + requestEntries() + ", inFlight=" + inFlight()
                + ", adaptive=" + adaptive + '}';
    }
}
