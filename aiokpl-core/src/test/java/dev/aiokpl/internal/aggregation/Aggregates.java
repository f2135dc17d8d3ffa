package dev.aiokpl.internal.aggregation;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import software.amazon.kinesis.retrieval.kpl.Messages;

/**
 * Test support: generators for records, framing of raw protobuf bytes, and protobuf-java (through
 * the {@code Messages} classes shipped in KCL) as an independent reference encoder and parser.
 */
final class Aggregates {

    static final BigInteger TWO_128 = BigInteger.ONE.shiftLeft(128);

    private Aggregates() {}

    /** Magic + proto + MD5(proto). */
    static byte[] frame(byte[] proto) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(AggregationCodec.MAGIC_BYTES);
            out.write(proto);
            out.write(MessageDigest.getInstance("MD5").digest(proto));
            return out.toByteArray();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The protobuf part of an aggregate. */
    static byte[] proto(byte[] aggregate) {
        byte[] proto = new byte[aggregate.length - 20];
        System.arraycopy(aggregate, 4, proto, 0, proto.length);
        return proto;
    }

    /** The same records as protobuf-java would write them, tables de-duplicated in first-seen order. */
    static Messages.AggregatedRecord toMessage(List<DecodedRecord> records) {
        Map<String, Integer> pks = new LinkedHashMap<>();
        Map<String, Integer> ehks = new LinkedHashMap<>();
        Messages.AggregatedRecord.Builder b = Messages.AggregatedRecord.newBuilder();
        for (DecodedRecord r : records) {
            Messages.Record.Builder rb = Messages.Record.newBuilder()
                    .setPartitionKeyIndex(pks.computeIfAbsent(r.partitionKey(), k -> pks.size()))
                    .setData(ByteString.copyFrom(r.data()));
            if (r.explicitHashKey() != null) {
                rb.setExplicitHashKeyIndex(ehks.computeIfAbsent(r.explicitHashKey(), k -> ehks.size()));
            }
            b.addRecords(rb);
        }
        b.addAllPartitionKeyTable(pks.keySet());
        b.addAllExplicitHashKeyTable(ehks.keySet());
        return b.build();
    }

    /** Parses the protobuf part with protobuf-java and resolves the tables. */
    static List<DecodedRecord> parseWithProtobufJava(byte[] aggregate) throws InvalidProtocolBufferException {
        Messages.AggregatedRecord m = Messages.AggregatedRecord.parseFrom(proto(aggregate));
        List<DecodedRecord> out = new ArrayList<>();
        for (Messages.Record r : m.getRecordsList()) {
            String ehk = r.hasExplicitHashKeyIndex()
                    ? m.getExplicitHashKeyTable((int) r.getExplicitHashKeyIndex())
                    : null;
            out.add(new DecodedRecord(
                    m.getPartitionKeyTable((int) r.getPartitionKeyIndex()), ehk, r.getData().toByteArray()));
        }
        return out;
    }

    /** Partition keys of 1..256 code points: mostly ASCII, some BMP, some supplementary (surrogate pairs). */
    static Arbitrary<String> partitionKeys() {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.integers().between(0x20, 0x7E)),
                Tuple.of(1, Arbitraries.integers().between(0x00, 0x1F)),
                Tuple.of(2, Arbitraries.integers().between(0x80, 0x7FF)),
                Tuple.of(2, Arbitraries.oneOf(
                        Arbitraries.integers().between(0x800, 0xD7FF),
                        Arbitraries.integers().between(0xE000, 0xFFFF))),
                Tuple.of(2, Arbitraries.integers().between(0x10000, 0x10FFFF)));
        Arbitrary<String> anyLength = codePoint.list().ofMinSize(1).ofMaxSize(256).map(Aggregates::fromCodePoints);
        Arbitrary<String> shortAscii = Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12);
        return Arbitraries.oneOf(anyLength, shortAscii);
    }

    /** Canonical decimal hash keys in 0..2^128-1. */
    static Arbitrary<String> explicitHashKeys() {
        return Arbitraries.bigIntegers()
                .between(BigInteger.ZERO, TWO_128.subtract(BigInteger.ONE))
                .map(BigInteger::toString);
    }

    /**
     * Random bytes of a length in [0, maxLength] (uniform, and maxLength itself one time in five),
     * filled from a seed so large arrays stay cheap to generate.
     */
    static Arbitrary<byte[]> data(int maxLength) {
        Arbitrary<Integer> lengths = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(maxLength)),
                Tuple.of(4, Arbitraries.integers().between(0, maxLength).withDistribution(
                        RandomDistribution.uniform())));
        return Combinators.combine(lengths, Arbitraries.longs())
                .as((length, seed) -> {
                    byte[] b = new byte[length];
                    new Random(seed).nextBytes(b);
                    return b;
                });
    }

    /**
     * Lists of records whose keys are drawn from a small per-list pool (so tables de-duplicate) or
     * fresh; explicit hash keys are null for about 40% of records.
     */
    static Arbitrary<List<DecodedRecord>> recordLists(int maxRecords, int maxDataLength) {
        Arbitrary<List<String>> pkPools = partitionKeys().list().ofMinSize(1).ofMaxSize(6);
        Arbitrary<List<String>> ehkPools = explicitHashKeys().list().ofMinSize(1).ofMaxSize(4);
        return Combinators.combine(pkPools, ehkPools).flatAs((pkPool, ehkPool) -> {
            Arbitrary<String> pk = Arbitraries.oneOf(Arbitraries.of(pkPool), partitionKeys());
            Arbitrary<String> ehk = Arbitraries.oneOf(Arbitraries.of(ehkPool), explicitHashKeys()).injectNull(0.4);
            return Combinators.combine(pk, ehk, data(maxDataLength))
                    .as(DecodedRecord::new)
                    .list().ofMinSize(1).ofMaxSize(maxRecords);
        });
    }

    static String fromCodePoints(List<Integer> codePoints) {
        StringBuilder sb = new StringBuilder();
        for (int cp : codePoints) {
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }
}
