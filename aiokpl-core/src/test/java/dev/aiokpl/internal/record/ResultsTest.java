package dev.aiokpl.internal.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aiokpl.Attempt;
import dev.aiokpl.RecordResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compact first-attempt success behaves exactly like the general result with the same attempt. */
class ResultsTest {

    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
    private static final Instant END = START.plusMillis(7);
    private static final Attempt REQUEST = Attempt.success(START, END, 0, "shardId-000000000003", "4957");

    @Test
    void itReportsTheRequestsShardSequenceAndTheRecordsOwnDelay() {
        RecordResult r = Results.firstAttemptSuccess(REQUEST, 42_000_000L);

        assertThat(r.successful()).isTrue();
        assertThat(r.shardId()).isEqualTo("shardId-000000000003");
        assertThat(r.sequenceNumber()).isEqualTo("4957");
        assertThat(r.orThrow()).isSameAs(r);
        assertThat(r.attempts()).hasSize(1);
        Attempt a = r.attempts().get(0);
        assertThat(a.delay()).isEqualTo(Duration.ofMillis(42));
        assertThat(a.startedAt()).isEqualTo(START);
        assertThat(a.endedAt()).isEqualTo(END);
        assertThat(a.duration()).isEqualTo(Duration.ofMillis(7));
        assertThat(a.successful()).isTrue();
        assertThat(a.shardId()).isEqualTo("shardId-000000000003");
        assertThat(a.sequenceNumber()).isEqualTo("4957");
        assertThat(a.errorCode()).isNull();
        assertThat(r.attempts()).as("made once, then the same list").isSameAs(r.attempts());
        assertThatThrownBy(() -> r.attempts().add(a)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void itEqualsTheGeneralFormFieldByField() {
        RecordResult compact = Results.firstAttemptSuccess(REQUEST, 5);
        RecordResult general = RecordResult.success(List.of(Attempt.success(START, END, 5, "shardId-000000000003", "4957")));
        assertThat(compact.toString()).isEqualTo(general.toString());
        assertThat(compact.attempts().get(0).toString()).isEqualTo(general.attempts().get(0).toString());
    }

    @Test
    void recordsOfOneRequestShareItsAttemptButNotTheirDelays() {
        RecordResult early = Results.firstAttemptSuccess(REQUEST, 90_000_000L);
        RecordResult late = Results.firstAttemptSuccess(REQUEST, 1_000_000L);
        assertThat(early.attempts().get(0).delay()).isEqualTo(Duration.ofMillis(90));
        assertThat(late.attempts().get(0).delay()).isEqualTo(Duration.ofMillis(1));
        assertThat(REQUEST.delay()).as("the shared attempt is not changed").isZero();
    }

    @Test
    void aFailedAttemptOrANegativeDelayIsRefused() {
        Attempt failed = Attempt.failure(START, END, 0, "InternalFailure", "boom");
        assertThatThrownBy(() -> Results.firstAttemptSuccess(failed, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be successful");
        assertThatThrownBy(() -> Results.firstAttemptSuccess(REQUEST, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }
}
