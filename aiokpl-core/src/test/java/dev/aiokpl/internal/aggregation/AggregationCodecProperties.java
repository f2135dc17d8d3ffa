package dev.aiokpl.internal.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class AggregationCodecProperties {

    private static final Duration DECODE_BOUND = Duration.ofSeconds(5);

    /** Decodes off the test thread so a decoder that never returns fails the test instead of hanging it. */
    private static final ExecutorService DECODER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "decode-under-test");
        t.setDaemon(true);
        return t;
    });

    @Provide
    Arbitrary<List<DecodedRecord>> records() {
        return Aggregates.recordLists(40, 2_000);
    }

    @Provide
    Arbitrary<List<DecodedRecord>> largeRecords() {
        // Few records of up to 1 MiB each, and always one of exactly 1 MiB among the edge cases.
        return Aggregates.recordLists(3, 1 << 20);
    }

    @Property(tries = 300)
    void encodeThenDecodeReturnsTheSameRecords(@ForAll("records") List<DecodedRecord> records) {
        assertThat(AggregationCodec.decode(AggregationCodec.encode(records))).containsExactlyElementsOf(records);
    }

    @Property(tries = 8)
    void largeRecordsRoundTrip(@ForAll("largeRecords") List<DecodedRecord> records) {
        byte[] aggregate = AggregationCodec.encode(records);
        assertThat(AggregationCodec.decode(aggregate)).containsExactlyElementsOf(records);
    }

    @Property(tries = 300)
    void encodingIsWhatProtobufJavaWrites(@ForAll("records") List<DecodedRecord> records) throws Exception {
        byte[] aggregate = AggregationCodec.encode(records);
        assertThat(Aggregates.proto(aggregate)).isEqualTo(Aggregates.toMessage(records).toByteArray());
        assertThat(Aggregates.parseWithProtobufJava(aggregate)).containsExactlyElementsOf(records);
    }

    @Property(tries = 300)
    void sizeWithPredictsEncodedSizeAndBuildLength(@ForAll("records") List<DecodedRecord> records) {
        AggregateBuilder builder = new AggregateBuilder();
        assertThat(builder.build()).hasSize(builder.encodedSize());
        for (DecodedRecord r : records) {
            int predicted = builder.sizeWith(r.partitionKey(), r.explicitHashKey(), r.data().length);
            builder.add(r.partitionKey(), r.explicitHashKey(), r.data());
            assertThat(builder.encodedSize()).isEqualTo(predicted);
        }
        assertThat(builder.build()).hasSize(builder.encodedSize());
        assertThat(builder.count()).isEqualTo(records.size());
    }

    @Property(tries = 100)
    void aReusedBuilderEncodesLikeAFreshOne(
            @ForAll("records") List<DecodedRecord> first, @ForAll("records") List<DecodedRecord> second) {
        AggregateBuilder reused = new AggregateBuilder();
        first.forEach(r -> reused.add(r.partitionKey(), r.explicitHashKey(), r.data()));
        reused.build();
        reused.reset();
        assertThat(reused.count()).isZero();
        assertThat(reused.encodedSize()).isEqualTo(20);
        second.forEach(r -> reused.add(r.partitionKey(), r.explicitHashKey(), r.data()));
        assertThat(reused.build()).isEqualTo(AggregationCodec.encode(second));
    }

    @Property(tries = 500)
    void utf8LengthMatchesStringGetBytes(@ForAll @Size(max = 300) List<Character> chars) {
        // Arbitrary chars include unpaired surrogates, which getBytes writes as '?'.
        StringBuilder sb = new StringBuilder();
        chars.forEach(sb::append);
        String s = sb.toString();
        assertThat(AggregateBuilder.utf8Length(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
    }

    @Property(tries = 1000)
    void randomBytesAreRejectedCleanly(@ForAll @Size(max = 4096) byte[] input, @ForAll boolean withMagic) {
        if (withMagic && input.length >= 4) {
            System.arraycopy(AggregationCodec.MAGIC_BYTES, 0, input, 0, 4);
        }
        assertDecodesOrRejects(input);
    }

    @Property(tries = 1000)
    void randomProtobufBodiesAreDecodedLikeProtobufJavaOrRejected(@ForAll @Size(max = 512) byte[] body) {
        // A correct frame around random bytes takes the parser past the magic and MD5 checks.
        assertDecodesOrRejects(Aggregates.frame(body));
    }

    @Property(tries = 300)
    void truncatedAggregatesAreRejected(
            @ForAll("records") List<DecodedRecord> records, @ForAll @IntRange(min = 1, max = 100) int percentKept) {
        byte[] aggregate = AggregationCodec.encode(records);
        int keep = (int) ((long) aggregate.length * percentKept / 100);
        byte[] truncated = Arrays.copyOf(aggregate, Math.min(keep, aggregate.length - 1));
        Throwable thrown = catchThrowable(() -> AggregationCodec.decode(truncated));
        assertThat(thrown).isInstanceOf(InvalidAggregateException.class);
    }

    @Property(tries = 500)
    void truncatedOrMutatedProtobufWithAFreshMd5IsDecodedLikeProtobufJavaOrRejected(
            @ForAll("records") List<DecodedRecord> records, @ForAll long seed) {
        byte[] proto = Aggregates.proto(AggregationCodec.encode(records));
        Random random = new Random(seed);
        byte[] mutated;
        if (random.nextBoolean()) {
            mutated = Arrays.copyOf(proto, random.nextInt(proto.length + 1));
        } else {
            mutated = proto.clone();
            int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips && mutated.length > 0; i++) {
                mutated[random.nextInt(mutated.length)] ^= (byte) (1 << random.nextInt(8));
            }
        }
        assertDecodesOrRejects(Aggregates.frame(mutated));
    }

    /**
     * Decoding ends in bounded time with either InvalidAggregateException or records that
     * protobuf-java reads the same way (it is more lenient than us, never stricter).
     */
    private static void assertDecodesOrRejects(byte[] input) {
        Future<List<DecodedRecord>> decoding = DECODER.submit(() -> AggregationCodec.decode(input));
        List<DecodedRecord> decoded;
        try {
            decoded = decoding.get(DECODE_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(InvalidAggregateException.class);
            return;
        } catch (TimeoutException | InterruptedException e) {
            decoding.cancel(true);
            throw new AssertionError("decode did not finish within " + DECODE_BOUND, e);
        }
        try {
            assertThat(Aggregates.parseWithProtobufJava(input)).containsExactlyElementsOf(decoded);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("we decoded what protobuf-java rejects: " + decoded, e);
        }
    }

    @Property
    void hugeDeclaredLengthsAreRejectedWithoutAllocating(@ForAll @IntRange(min = 1, max = 3) int field) {
        // field N, length-delimited, declared length 2^62: must be rejected before any allocation.
        byte[] body = {(byte) ((field << 3) | 2), (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
            (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x40};
        assertThat(catchThrowable(() -> AggregationCodec.decode(Aggregates.frame(body))))
                .isInstanceOf(InvalidAggregateException.class)
                .hasMessageContaining("runs past the end");
    }
}
