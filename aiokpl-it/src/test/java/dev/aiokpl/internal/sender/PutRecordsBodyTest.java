package dev.aiokpl.internal.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.testkit.KinesisEmulator;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * The direct path's request body is byte for byte what the SDK's own marshaller writes for the same
 * PutRecords request, in JSON and in CBOR: the SDK client's request is captured by an HTTP client that
 * answers nothing useful.
 */
class PutRecordsBodyTest {

    private static KinesisAsyncClient jsonClient;
    private static KinesisAsyncClient cborClient;
    private static RecordingHttpClient jsonHttp;
    private static RecordingHttpClient cborHttp;

    @BeforeContainer
    static void clients() {
        jsonHttp = new RecordingHttpClient(s -> RecordingHttpClient.Answer.failing(new IllegalStateException("x")));
        cborHttp = new RecordingHttpClient(s -> RecordingHttpClient.Answer.failing(new IllegalStateException("x")));
        jsonClient = KinesisEmulator.buildWithCborDisabled(() -> client(jsonHttp));
        cborClient = client(cborHttp);
    }

    @AfterContainer
    static void close() {
        jsonClient.close();
        cborClient.close();
    }

    private static KinesisAsyncClient client(RecordingHttpClient http) {
        return KinesisAsyncClient.builder().region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .httpClient(http).build();
    }

    /** What the SDK client sends for these entries. */
    private static byte[] sdkBody(KinesisAsyncClient client, RecordingHttpClient http, String stream,
            List<KinesisRecord> records) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (KinesisRecord kr : records) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey(kr.partitionKey())
                    .explicitHashKey(kr.explicitHashKey()).data(SdkBytes.fromByteArray(kr.data())).build());
        }
        int before = http.sent.size();
        client.putRecords(PutRecordsRequest.builder().streamName(stream).records(entries).build())
                .exceptionally(e -> null).join();
        return http.sent.get(before).body();
    }

    @Property(tries = 200)
    void jsonIsWhatTheSdkWrites(@ForAll("streams") String stream, @ForAll("batches") List<KinesisRecord> records) {
        PutRecordsBody body = new PutRecordsBody.Writer(false).write(stream, records);
        assertThat(body.toByteArray()).isEqualTo(sdkBody(jsonClient, jsonHttp, stream, records));
        assertChunks(body);
    }

    @Property(tries = 200)
    void cborIsWhatTheSdkWrites(@ForAll("streams") String stream, @ForAll("batches") List<KinesisRecord> records) {
        PutRecordsBody body = new PutRecordsBody.Writer(true).write(stream, records);
        assertThat(body.toByteArray()).isEqualTo(sdkBody(cborClient, cborHttp, stream, records));
        assertChunks(body);
    }

    @Property(tries = 30)
    void oneWriterWritesManyBodies(@ForAll("batches") List<KinesisRecord> first,
            @ForAll("batches") List<KinesisRecord> second) {
        PutRecordsBody.Writer writer = new PutRecordsBody.Writer(false);
        PutRecordsBody a = writer.write("s", first);
        PutRecordsBody b = writer.write("s", second);
        assertThat(a.toByteArray()).isEqualTo(new PutRecordsBody.Writer(false).write("s", first).toByteArray());
        assertThat(b.toByteArray()).isEqualTo(new PutRecordsBody.Writer(false).write("s", second).toByteArray());
    }

    /** The chunks are no larger than CHUNK, together make the body, and can be read again. */
    private static void assertChunks(PutRecordsBody body) {
        for (int round = 0; round < 2; round++) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (ByteBuffer b : body.buffers()) {
                assertThat(b.remaining()).isLessThanOrEqualTo(PutRecordsBody.CHUNK);
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                all.write(bytes, 0, bytes.length);
            }
            assertThat(all.toByteArray()).isEqualTo(body.toByteArray());
            assertThat((long) all.size()).isEqualTo(body.length());
        }
    }

    @Provide
    Arbitrary<String> streams() {
        return Arbitraries.strings().withChars("abcXYZ019_.-").ofMinLength(1).ofMaxLength(128);
    }

    @Provide
    Arbitrary<List<KinesisRecord>> batches() {
        Arbitrary<String> keys = Arbitraries.oneOf(
                Arbitraries.strings().ascii().ofMinLength(1).ofMaxLength(256),
                // controls, quotes, backslashes, Latin-1, CJK, emoji (surrogate pairs)
                Arbitraries.strings().withChars("\u0000\u0001\b\t\n\f\r\u001f\"\\/\u007f\u00e9\u00ff\u4e2d\u20ac")
                        .withCharRange('\u0080', '\u07ff').ofMinLength(1).ofMaxLength(256),
                Arbitraries.of("a", "user-123", "\ud83d\ude00", "k\ud83d\ude00\u00e9\"x"));
        Arbitrary<String> hashKeys = Arbitraries.bigIntegers().between(java.math.BigInteger.ZERO,
                java.math.BigInteger.ONE.shiftLeft(128).subtract(java.math.BigInteger.ONE)).map(Object::toString)
                .injectNull(0.5);
        Arbitrary<byte[]> data = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
                Arbitraries.integers().between(0, 3 * PutRecordsBody.CHUNK + 7).map(n -> {
                    byte[] b = new byte[n];
                    new java.util.Random(n).nextBytes(b);
                    return b;
                }));
        Arbitrary<KinesisRecord> record = Combinators.combine(keys, hashKeys, data)
                .as((k, h, d) -> new KinesisRecord("s", k, h, d, List.of(), null, 0));
        return record.list().ofMinSize(1).ofMaxSize(12);
    }
}
