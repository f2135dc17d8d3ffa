package dev.aiokpl.internal.aggregation;

import dev.aiokpl.internal.hash.HashKey;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/** Test support: runs KCL 3.x's de-aggregator the way a consumer does on one Kinesis record. */
final class Kcl {

    static final BigInteger MAX_HASH_KEY = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    private Kcl() {}

    /** De-aggregates one Kinesis record read from a shard whose hash key range is [start, end]. */
    static List<KinesisClientRecord> deaggregate(byte[] kinesisRecordData, BigInteger start, BigInteger end) {
        KinesisClientRecord record = KinesisClientRecord.builder()
                .partitionKey("a")
                .sequenceNumber("49590338271490256608559692538361571095921575989136588898")
                .approximateArrivalTimestamp(Instant.parse("2025-01-01T00:00:00Z"))
                .data(ByteBuffer.wrap(kinesisRecordData))
                .build();
        return new AggregatorUtil().deaggregate(List.of(record), start, end);
    }

    /** The user records KCL hands to a consumer, as DecodedRecords. */
    static List<DecodedRecord> userRecords(List<KinesisClientRecord> records) {
        List<DecodedRecord> out = new ArrayList<>();
        for (KinesisClientRecord r : records) {
            out.add(new DecodedRecord(r.partitionKey(), r.explicitHashKey(), bytes(r)));
        }
        return out;
    }

    static byte[] bytes(KinesisClientRecord r) {
        ByteBuffer data = r.data().duplicate();
        byte[] b = new byte[data.remaining()];
        data.get(b);
        return b;
    }

    /** The hash key Kinesis and KCL use for a user record. */
    static BigInteger hashKey(DecodedRecord r) {
        HashKey key = r.explicitHashKey() != null
                ? HashKey.parseDecimal(r.explicitHashKey())
                : HashKey.ofPartitionKey(r.partitionKey());
        return new BigInteger(key.toDecimalString());
    }
}
