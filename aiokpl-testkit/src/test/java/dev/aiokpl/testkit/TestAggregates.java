package dev.aiokpl.testkit;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import software.amazon.kinesis.retrieval.kpl.Messages;

/** Builds KPL aggregates with KCL's own protobuf classes, to feed the reader known input. */
final class TestAggregates {

    static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

    private TestAggregates() {
    }

    /** One sub-record: partition key, optional explicit hash key, UTF-8 data. */
    record Sub(String partitionKey, String explicitHashKey, String data) {
    }

    static byte[] aggregate(Sub... subs) {
        Messages.AggregatedRecord.Builder builder = Messages.AggregatedRecord.newBuilder();
        int ehkCount = 0;
        for (int i = 0; i < subs.length; i++) {
            builder.addPartitionKeyTable(subs[i].partitionKey());
            Messages.Record.Builder record = Messages.Record.newBuilder()
                    .setPartitionKeyIndex(i)
                    .setData(ByteString.copyFrom(subs[i].data(), StandardCharsets.UTF_8));
            if (subs[i].explicitHashKey() != null) {
                builder.addExplicitHashKeyTable(subs[i].explicitHashKey());
                record.setExplicitHashKeyIndex(ehkCount++);
            }
            builder.addRecords(record);
        }
        byte[] protobuf = builder.build().toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        out.writeBytes(protobuf);
        out.writeBytes(md5(protobuf));
        return out.toByteArray();
    }

    /** An aggregate whose checksum is wrong: KCL passes it through raw. */
    static byte[] corruptAggregate(Sub... subs) {
        byte[] bytes = aggregate(subs);
        bytes[bytes.length - 1] ^= 0x01;
        return bytes;
    }

    private static byte[] md5(byte[] bytes) {
        try {
            return MessageDigest.getInstance("MD5").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
