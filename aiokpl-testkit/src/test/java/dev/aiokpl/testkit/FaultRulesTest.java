package dev.aiokpl.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultRulesTest {

    private final FaultRules rules = new FaultRules(1, new ShardRateLimits(stream -> List.of(), 100));

    private static ArrayNode entries(int n) {
        ArrayNode a = new ObjectMapper().createArrayNode();
        for (int i = 0; i < n; i++) {
            a.addObject().put("PartitionKey", "k" + i).put("Data", "AAAA");
        }
        return a;
    }

    @Test
    void scriptedFaultsComeFirstThenTheRates() {
        rules.injectNext(RequestFault.INTERNAL_FAILURE, 2);
        rules.injectRequests(RequestFault.RESET_BEFORE_FORWARD, 1);

        assertThat(rules.nextRequestFault()).isEqualTo(RequestFault.INTERNAL_FAILURE);
        assertThat(rules.nextRequestFault()).isEqualTo(RequestFault.INTERNAL_FAILURE);
        assertThat(rules.nextRequestFault()).isEqualTo(RequestFault.RESET_BEFORE_FORWARD);

        rules.clear();
        assertThat(rules.nextRequestFault()).isNull();
    }

    @Test
    void aStreamsOwnThrottleRateReplacesTheCommonOne() {
        rules.throttleRecords(1);
        rules.throttleRecords("calm", 0);

        assertThat(rules.decide("busy", entries(3), 0).codes()).containsOnly(FaultProxy.THROTTLED);
        assertThat(rules.decide("calm", entries(3), 0).codes()).containsOnlyNulls();
    }

    @Test
    void failsRecordsWithTheGivenCodeAndCountsTheirBytes() {
        rules.failRecords("InternalFailure", 1);

        FaultRules.EntryDecisions d = rules.decide("s", entries(2), 0);

        assertThat(d.codes()).containsExactly("InternalFailure", "InternalFailure");
        assertThat(d.bytes()).containsExactly(2 + 3, 2 + 3);
        assertThat(d.shards()).containsOnlyNulls();
    }

    @Test
    void clearStopsTheInjectionsAndTheLatencyButKeepsTheResponseDelay() {
        rules.throttleRecords(1);
        rules.latency(Duration.ofSeconds(1));
        rules.responseDelay(Duration.ofSeconds(3));

        rules.clear();

        assertThat(rules.decide("s", entries(2), 0).codes()).containsOnlyNulls();
        assertThat(rules.latency()).isZero();
        assertThat(rules.responseDelay()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void ratesOutsideZeroToOneAreRefused() {
        assertThatThrownBy(() -> rules.throttleRecords(1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rate must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> rules.injectRequests(RequestFault.INTERNAL_FAILURE, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dataLengthIsTheDecodedLengthOfBase64() {
        assertThat(FaultRules.dataLength("")).isZero();
        assertThat(FaultRules.dataLength("QQ==")).isEqualTo(1);
        assertThat(FaultRules.dataLength("QUI=")).isEqualTo(2);
        assertThat(FaultRules.dataLength("QUJD")).isEqualTo(3);
    }
}
