package dev.aiokpl.internal.sender;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The send window's bounds and directions, whatever the sequence of outcomes: never below one
 * request of one entry, never above the configured maxima; a timeout of a request sent after the
 * last decrease never grows a limit and shrinks the requests in flight when above one; timely
 * answers bring every limit back to its maximum.
 */
class SendWindowProperties {

    static final long TIMEOUT = 6_000_000_000L;

    /**
     * One outcome: a request {@code latencyNanos} long, timed out or answered, sent {@code gapNanos} after
     * the last, of {@code bytes} bytes (0: the sender does not say).
     */
    record Outcome(long gapNanos, long latencyNanos, boolean timedOut, long bytes) {
    }

    @Provide
    Arbitrary<List<Outcome>> outcomes() {
        Arbitrary<Long> gap = Arbitraries.longs().between(0, 2 * TIMEOUT);
        Arbitrary<Long> latency = Arbitraries.longs().between(0, 2 * TIMEOUT);
        Arbitrary<Boolean> timedOut = Arbitraries.of(true, false);
        Arbitrary<Long> bytes = Arbitraries.longs().between(0, 10_000_000);
        return Combinators.combine(gap, latency, timedOut, bytes).as(Outcome::new).list().ofMaxSize(200);
    }

    @Property(tries = 300)
    void limitsStayWithinOneAndTheMaxima(@ForAll @LongRange(min = 1, max = 10_000_000) long maxBytes,
            @ForAll @IntRange(min = 1, max = 500) int maxEntries, @ForAll @IntRange(min = 1, max = 256) int maxInFlight,
            @ForAll("outcomes") List<Outcome> outcomes) {
        SendWindow w = new SendWindow(maxBytes, maxEntries, maxInFlight, TIMEOUT, true);
        long now = 0;
        for (int i = 0; i < outcomes.size(); i++) {
            now = replay(w, now, outcomes.subList(i, i + 1));
            assertThat(w.requestBytes()).isBetween(1L, maxBytes);
            assertThat(w.requestEntries()).isBetween(1, maxEntries);
            assertThat(w.inFlight()).isBetween(1, maxInFlight);
        }
    }

    @Property(tries = 300)
    void aFreshTimeoutNeverGrowsAndHalvesWhatItCan(@ForAll("outcomes") List<Outcome> history,
            @ForAll @LongRange(min = 1, max = TIMEOUT) long gap) {
        SendWindow w = new SendWindow(5_242_880, 500, 24, TIMEOUT, true);
        long now = replay(w, 0, history);
        long bytes = w.requestBytes();
        int entries = w.requestEntries();
        int inFlight = w.inFlight();
        long start = now + gap;

        w.onTimeout(start, start + TIMEOUT);

        assertThat(w.requestBytes()).isLessThanOrEqualTo(Math.max(1, (bytes + 1) / 2));
        assertThat(w.requestEntries()).isLessThanOrEqualTo(Math.max(1, (entries + 1) / 2));
        assertThat(w.inFlight()).isLessThanOrEqualTo(Math.max(1, (inFlight + 1) / 2));
    }

    @Property(tries = 200)
    void timelyAnswersRecoverEveryLimit(@ForAll("outcomes") List<Outcome> history,
            @ForAll @IntRange(min = 1, max = 64) int maxInFlight) {
        SendWindow w = new SendWindow(5_242_880, 500, maxInFlight, TIMEOUT, true);
        long now = replay(w, 0, history);
        for (int i = 0; i < 20_000 && (w.inFlight() < maxInFlight || w.requestBytes() < 5_242_880
                || w.requestEntries() < 500); i++) {
            long start = now + 1;
            now = start + TIMEOUT / 10;
            if (i % 2 == 0) {
                w.onAnswer(start, now);
            } else {
                w.onAnswer(start, now, w.requestBytes()); // a sender that fills its requests
            }
        }
        assertThat(w.inFlight()).isEqualTo(maxInFlight);
        assertThat(w.requestBytes()).isEqualTo(5_242_880);
        assertThat(w.requestEntries()).isEqualTo(500);
    }

    @Property(tries = 200)
    void aFixedWindowNeverMoves(@ForAll("outcomes") List<Outcome> history) {
        SendWindow w = new SendWindow(5_242_880, 500, 24, TIMEOUT, false);
        replay(w, 0, history);
        assertThat(w.inFlight()).isEqualTo(24);
        assertThat(w.requestBytes()).isEqualTo(5_242_880);
        assertThat(w.requestEntries()).isEqualTo(500);
    }

    /** Applies the outcomes from {@code fromNanos} on; returns the time of the last one. */
    private static long replay(SendWindow w, long fromNanos, List<Outcome> outcomes) {
        long now = fromNanos;
        for (Outcome o : outcomes) {
            long start = now + o.gapNanos();
            now = start + o.latencyNanos();
            if (o.bytes() == 0) {
                if (o.timedOut()) {
                    w.onTimeout(start, now);
                } else {
                    w.onAnswer(start, now);
                }
            } else if (o.timedOut()) {
                w.onTimeout(start, now, o.bytes());
            } else {
                w.onAnswer(start, now, o.bytes());
            }
        }
        return now;
    }
}
