package dev.aiokpl.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aiokpl.ProducerFullException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingRecordsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final PendingRecords records =
            new PendingRecords(2, Duration.ZERO, Clock.fixed(T0, ZoneOffset.UTC));

    @Test
    void admitsInOrderStampsTheTimeAndCountsBytes() {
        List<String> log = new ArrayList<>();
        PendingRecord a = new PendingRecord("s0", 10);
        PendingRecord b = new PendingRecord("s1", 5);

        records.admit(a, () -> log.add("a"));
        records.admit(b, () -> log.add("b"));

        assertThat(log).containsExactly("a", "b");
        assertThat(a.acceptedAt).isEqualTo(T0);
        assertThat(records.count()).isEqualTo(2);
        assertThat(records.bytes()).isEqualTo(15);
        assertThat(records.takeNext()).isSameAs(a);
        assertThat(records.bytes()).isEqualTo(5);
    }

    @Test
    void aRecordIsTakenOnlyOnce() {
        PendingRecord a = new PendingRecord("s0", 1);
        records.admit(a, () -> { });

        assertThat(records.takeAll()).containsExactly(a);
        assertThat(records.take(a)).isFalse();
        assertThat(records.takeNext()).isNull();
        assertThat(records.oldestAcceptedAt()).isNull();
    }

    @Test
    void beyondTheLimitAdmissionFailsAndRecordsNothing() {
        records.admit(new PendingRecord("s0", 1), () -> { });
        records.admit(new PendingRecord("s0", 1), () -> { });
        List<String> log = new ArrayList<>();

        assertThatThrownBy(() -> records.admit(new PendingRecord("s0", 1), () -> log.add("c")))
                .isInstanceOf(ProducerFullException.class);
        assertThat(log).isEmpty();
        assertThat(records.count()).isEqualTo(2);
    }

    @Test
    void closeTakesWhatIsPendingOnceAndRefusesLaterRecords() {
        PendingRecord a = new PendingRecord("s0", 1);
        records.admit(a, () -> { });

        assertThat(records.close()).containsExactly(a);
        assertThat(records.close()).isNull();
        assertThat(records.closed()).isTrue();
        assertThatThrownBy(() -> records.admit(new PendingRecord("s0", 1), () -> { }))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void flushWaitsForFuturesStillUnfinished() {
        PendingRecord a = new PendingRecord("s0", 1);
        records.admit(a, () -> { });
        records.takeNext();

        var flush = records.flush();

        assertThat(flush).isNotDone();
        a.future.complete(null);
        assertThat(flush).isCompleted();
        assertThat(records.flush()).isCompleted();
    }
}
