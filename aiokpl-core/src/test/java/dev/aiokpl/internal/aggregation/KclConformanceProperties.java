package dev.aiokpl.internal.aggregation;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class KclConformanceProperties {

    @Provide
    Arbitrary<List<DecodedRecord>> records() {
        return Aggregates.recordLists(40, 1_000);
    }

    @Property(tries = 200)
    void kclReadsBackEveryRecordOverTheFullRange(@ForAll("records") List<DecodedRecord> records) {
        byte[] aggregate = AggregationCodec.encode(records);
        assertThat(Kcl.userRecords(Kcl.deaggregate(aggregate, BigInteger.ZERO, Kcl.MAX_HASH_KEY)))
                .containsExactlyElementsOf(records);
    }

    @Property(tries = 200)
    void kclKeepsTheAggregateExactlyWhenTheShardRangeHoldsEveryHashKey(
            @ForAll("records") List<DecodedRecord> records) {
        byte[] aggregate = AggregationCodec.encode(records);
        BigInteger min = records.stream().map(Kcl::hashKey).min(BigInteger::compareTo).orElseThrow();
        BigInteger max = records.stream().map(Kcl::hashKey).max(BigInteger::compareTo).orElseThrow();

        assertThat(Kcl.userRecords(Kcl.deaggregate(aggregate, min, max))).containsExactlyElementsOf(records);
        // One hash key just outside the range: KCL drops the whole aggregate, not just that record.
        if (min.compareTo(Kcl.MAX_HASH_KEY) < 0) {
            assertThat(Kcl.deaggregate(aggregate, min.add(BigInteger.ONE), Kcl.MAX_HASH_KEY)).isEmpty();
        }
        if (max.signum() > 0) {
            assertThat(Kcl.deaggregate(aggregate, BigInteger.ZERO, max.subtract(BigInteger.ONE))).isEmpty();
        }
    }
}
