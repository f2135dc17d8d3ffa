package dev.aiokpl.internal.sender;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The send window's rule (SPEC §3 "Slow endpoints"), step by step on a manual clock. */
class SendWindowTest {

    static final long TIMEOUT = Duration.ofSeconds(6).toNanos();
    static final long MS = 1_000_000L;
    static final long MAX_BYTES = 5L * 1024 * 1024;

    private final SendWindow window = new SendWindow(MAX_BYTES, 500, 24, TIMEOUT, true);
    private long now;

    @Test
    void startsWithOneEighthSizeRequestThenDoublesTheSizeAndAddsARequestPerTimelyAnswer() {
        assertThat(window.inFlight()).isEqualTo(1);
        assertThat(window.requestBytes()).isEqualTo(MAX_BYTES / 8);
        assertThat(window.requestEntries()).isEqualTo(62);
        answer(100 * MS);
        assertThat(window.inFlight()).isEqualTo(2);
        assertThat(window.requestBytes()).isEqualTo(MAX_BYTES / 4);
        assertThat(window.requestEntries()).isEqualTo(125);
        for (int i = 0; i < 3; i++) {
            answer(100 * MS);
        }
        assertThat(window.requestBytes()).isEqualTo(MAX_BYTES);
        assertThat(window.requestEntries()).isEqualTo(500);
        for (int i = 0; i < 30; i++) {
            answer(100 * MS);
        }
        assertThat(window.inFlight()).isEqualTo(24);
    }

    @Test
    void aTimeoutHalvesTheRequestSizeAndTheRequestsInFlight() {
        growToMax();
        assertThat(timeOut()).isTrue();

        assertThat(window.inFlight()).isEqualTo(12);
        assertThat(window.requestBytes()).isEqualTo(MAX_BYTES / 2);
        assertThat(window.requestEntries()).isEqualTo(250);
    }

    @Test
    void requestsSentBeforeADecreaseDoNotDecreaseAgain() {
        growToMax();
        long start = now;
        timeOut();
        for (int i = 0; i < 23; i++) {
            assertThat(window.onTimeout(start, now + i)).isFalse();
        }
        assertThat(window.inFlight()).isEqualTo(12);

        long later = now + 1;
        assertThat(window.onTimeout(later, later + TIMEOUT)).isTrue();
        assertThat(window.inFlight()).isEqualTo(6);
    }

    @Test
    void anAnswerSlowerThanHalfTheTimeoutHalvesTheRequestsInFlightThenTheSizeOnceOneIsLeft() {
        growToMax();
        answer(TIMEOUT / 2 + MS);
        assertThat(window.inFlight()).isEqualTo(12);
        assertThat(window.requestBytes()).isEqualTo(MAX_BYTES);
        for (int i = 0; i < 3; i++) {
            answer(TIMEOUT / 2 + MS);
        }
        assertThat(window.inFlight()).isEqualTo(1);
        answer(TIMEOUT / 2 + MS);
        assertThat(window.inFlight()).isEqualTo(1);
        assertThat(window.requestBytes()).isEqualTo(MAX_BYTES / 2);
        assertThat(window.requestEntries()).isEqualTo(250);
    }

    @Test
    void anAnswerSlowerThanAQuarterOfTheTimeoutShrinksOnlyWhileLatencyKeepsRising() {
        growToMax();
        answer(TIMEOUT / 4 + MS); // well above the 10 ms answers before: queueing
        assertThat(window.inFlight()).isEqualTo(12);
        answer(TIMEOUT / 4 + MS); // as slow as the answer that shrank it: the path's own latency
        assertThat(window.inFlight()).as("a steady latency is not queueing").isEqualTo(12);
        answer(TIMEOUT / 4 * 3 / 2 + 2 * MS); // half as slow again: queueing
        assertThat(window.inFlight()).isEqualTo(6);
    }

    @Test
    void aSteadyLatencyBelowAThirdOfTheTimeoutGrowsTheLimitsBack() {
        growToMax();
        answer(TIMEOUT / 4 + MS);
        assertThat(window.inFlight()).isEqualTo(12);
        for (int i = 0; i < 13; i++) {
            answer(TIMEOUT / 4 + MS);
        }
        assertThat(window.inFlight()).as("about one more per round of answers").isEqualTo(13);
    }

    @Test
    void anAnswerBetweenAnEighthAndAQuarterOfTheTimeoutHoldsTheLimits() {
        answer(TIMEOUT / 8 + MS);
        answer(TIMEOUT / 4);
        assertThat(window.inFlight()).isEqualTo(1);
        assertThat(window.requestBytes()).isEqualTo(MAX_BYTES / 8);
    }

    @Test
    void slowStartResumesAfterAnAnswerThatHeldTheLimits() {
        answer(100 * MS);
        answer(TIMEOUT / 8 + MS);
        assertThat(window.inFlight()).isEqualTo(2);
        assertThat(window.requestBytes()).isEqualTo(MAX_BYTES / 4);

        answer(100 * MS);
        assertThat(window.inFlight()).isEqualTo(3);
        assertThat(window.requestBytes()).isEqualTo(MAX_BYTES / 2);
    }

    @Test
    void aTimeoutHalvesTheSizeTheRequestHeldWhenThatWasBelowTheLimit() {
        growToMax();
        long start = now;
        now += TIMEOUT;
        // The limit is 5 MiB but the requests held 1 MB: halving the limit would not shorten them.
        assertThat(window.onTimeout(start, now, 1_000_000)).isTrue();
        assertThat(window.requestBytes()).isEqualTo(500_000);
        assertThat(window.inFlight()).isEqualTo(12);
    }

    @Test
    void aSlowAnswerWithOneInFlightHalvesTheSizeTheRequestHeld() {
        growToMax();
        for (int i = 0; i < 4; i++) {
            answer(TIMEOUT / 2 + MS);
        }
        assertThat(window.inFlight()).isEqualTo(1);
        long start = now;
        now += TIMEOUT / 2 + MS;
        window.onAnswer(start, now, 800_000);
        assertThat(window.requestBytes()).isEqualTo(400_000);
    }

    @Test
    void theSizeGrowsOnlyOnAnswersToRequestsThatFilledHalfOfIt() {
        for (int i = 0; i < 30; i++) {
            long start = now;
            now += 10 * MS;
            window.onAnswer(start, now, MAX_BYTES / 20);
            now += 1;
        }
        assertThat(window.inFlight()).isEqualTo(24);
        assertThat(window.requestBytes()).isEqualTo(MAX_BYTES / 8);

        long start = now;
        now += 10 * MS;
        window.onAnswer(start, now, MAX_BYTES / 16);
        assertThat(window.requestBytes()).isEqualTo(MAX_BYTES / 4);
    }

    @Test
    void afterADecreaseTheLimitsGrowBackAdditively() {
        growToMax();
        timeOut();
        int rounds = 0;
        while (window.inFlight() < 24 || window.requestBytes() < MAX_BYTES) {
            int perRound = window.inFlight();
            for (int i = 0; i < perRound; i++) {
                answer(100 * MS);
            }
            rounds++;
        }
        // About one request and 1/32 of the size per round: not at once, not never.
        assertThat(rounds).isBetween(12, 40);
        assertThat(window.requestEntries()).isEqualTo(500);
    }

    @Test
    void theFixedWindowKeepsTheMaxima() {
        SendWindow fixed = new SendWindow(MAX_BYTES, 500, 24, TIMEOUT, false);
        assertThat(fixed.inFlight()).isEqualTo(24);
        assertThat(fixed.onTimeout(0, TIMEOUT)).isFalse();
        assertThat(fixed.onAnswer(0, TIMEOUT)).isFalse();
        assertThat(fixed.inFlight()).isEqualTo(24);
        assertThat(fixed.requestBytes()).isEqualTo(MAX_BYTES);
        assertThat(fixed.requestEntries()).isEqualTo(500);
    }

    private void growToMax() {
        for (int i = 0; i < 30; i++) {
            answer(10 * MS);
        }
        assertThat(window.inFlight()).isEqualTo(24);
    }

    /** A request sent now times out; returns whether the limits changed. */
    private boolean timeOut() {
        long start = now;
        now += TIMEOUT;
        return window.onTimeout(start, now);
    }

    private void answer(long latencyNanos) {
        long start = now;
        now += latencyNanos;
        window.onAnswer(start, now);
        now += 1;
    }
}
