package dev.aiokpl.internal.sender;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Locale;
import java.util.PriorityQueue;
import org.junit.jupiter.api.Test;

/**
 * The send window against a simulated endpoint that works through requests one at a time and gets
 * slower as its shards fill, as kinesis-local does (issue 13: the demo read 313 Kinesis records for
 * 259 put). The sender here is a model of {@link Sender}: it sends while the window allows, each
 * request as full as the window and a 1 MB cap allow, and re-sends a timed-out request, which the
 * endpoint writes anyway: a duplicate. Event-driven on a manual clock.
 */
class SendWindowSlowEndpointTest {

    static final long MS = 1_000_000L;
    static final long TIMEOUT = 6_000 * MS;
    static final long KB = 1_000;
    /** One aggregated Kinesis record of the demo: about 390 user records of 100 B. */
    static final long RECORD = 45 * KB;
    /** The demo's requests never held more: four shards, ~250 KB each by the time a collection closes. */
    static final long MAX_REQUEST = 1_000 * KB;
    static final long TOTAL = 12_000 * KB;

    /**
     * An endpoint of 500 KB/s when empty, a third of that once it holds 8 MB, plus 100 ms per
     * request: a 1 MB request alone takes 2 s at first and 5 s at the end, as measured on a busy
     * machine.
     */
    static long serviceNanos(long bytes, long storedBytes) {
        double bytesPerSecond = 500 * KB / (1 + storedBytes / (4_000.0 * KB));
        return 100 * MS + (long) (bytes / bytesPerSecond * 1e9);
    }

    @Test
    void noRequestTimesOutWhenTheWindowIsToldTheRequestSizes() {
        Outcome outcome = simulate(true);
        assertThat(outcome.timeouts).as(outcome.toString()).isZero();
        // The endpoint needs ~61 s for this at 1 MB a request; smaller requests cost their overhead.
        assertThat(outcome.seconds()).as(outcome.toString()).isLessThan(70);
    }

    @Test
    void withoutSizesTheWindowStillAvoidsTimeoutsAfterTheFirstRound() {
        Outcome outcome = simulate(false);
        assertThat(outcome.timeouts).as(outcome.toString()).isLessThanOrEqualTo(2);
    }

    record Request(long startNanos, long bytes, long doneNanos, boolean timedOut) {
    }

    static final class Outcome {
        int requests;
        int timeouts;
        long duplicatedBytes;
        long endNanos;

        double seconds() {
            return endNanos / 1e9;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d requests, %d timed out, %d KB duplicated, %.1f s", requests, timeouts,
                    duplicatedBytes / KB, seconds());
        }
    }

    private static Outcome simulate(boolean sizes) {
        SendWindow window = new SendWindow(5L * 1024 * 1024, 500, 24, TIMEOUT, true);
        PriorityQueue<Request> inFlight = new PriorityQueue<>(Comparator.comparingLong(Request::doneNanos));
        ArrayDeque<Long> retries = new ArrayDeque<>();
        Outcome outcome = new Outcome();
        long fresh = TOTAL;
        long acknowledged = 0;
        long stored = 0;
        long busyUntil = 0;
        long now = 0;
        while (acknowledged < TOTAL) {
            while (inFlight.size() < window.inFlight() && (fresh > 0 || !retries.isEmpty())) {
                long limit = Math.min(MAX_REQUEST, window.requestBytes());
                long bytes = retries.isEmpty() ? 0 : retries.poll();
                if (bytes > limit && bytes > RECORD) { // split to the window, as Sender does
                    long part = Math.max(RECORD, limit / RECORD * RECORD);
                    retries.addFirst(bytes - part);
                    bytes = part;
                }
                while (fresh > 0 && (bytes == 0 || bytes + RECORD <= limit)) {
                    long take = Math.min(RECORD, fresh);
                    bytes += take;
                    fresh -= take;
                }
                long finish = Math.max(now, busyUntil) + serviceNanos(bytes, stored);
                busyUntil = finish;
                stored += bytes;
                boolean timedOut = finish - now > TIMEOUT;
                inFlight.add(new Request(now, bytes, timedOut ? now + TIMEOUT : finish, timedOut));
                outcome.requests++;
            }
            Request r = inFlight.poll();
            now = r.doneNanos();
            if (r.timedOut()) {
                outcome.timeouts++;
                outcome.duplicatedBytes += r.bytes();
                retries.add(r.bytes());
                if (sizes) {
                    window.onTimeout(r.startNanos(), now, r.bytes());
                } else {
                    window.onTimeout(r.startNanos(), now);
                }
            } else {
                acknowledged += r.bytes();
                if (sizes) {
                    window.onAnswer(r.startNanos(), now, r.bytes());
                } else {
                    window.onAnswer(r.startNanos(), now);
                }
            }
        }
        outcome.endNanos = now;
        return outcome;
    }
}
