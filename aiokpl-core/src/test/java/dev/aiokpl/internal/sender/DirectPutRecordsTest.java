package dev.aiokpl.internal.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aiokpl.Attempt;
import dev.aiokpl.Config;
import dev.aiokpl.RecordResult;
import dev.aiokpl.internal.TimeBase;
import dev.aiokpl.internal.collector.PutBatch;
import dev.aiokpl.internal.hash.HashKey;
import dev.aiokpl.internal.metrics.MetricsRecorder;
import dev.aiokpl.internal.pipeline.Engine;
import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.testing.ManualTicker;
import dev.aiokpl.internal.testing.ScriptedKinesisClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkGlobalTime;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.thirdparty.jackson.core.JsonGenerator;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORFactory;

/** {@link DirectPutRecords} against an HTTP client that records each request and answers as scripted. */
class DirectPutRecordsTest {

    private static final URI ENDPOINT = URI.create("https://127.0.0.1:4567");
    private static final String JSON = "application/x-amz-json-1.1";
    private static final String CBOR = "application/x-amz-cbor-1.1";
    private static final AwsSessionCredentials SESSION = AwsSessionCredentials.create("AKID", "SECRET", "TOKEN");

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "direct-test-timer");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void tearDown() {
        timer.shutdownNow();
        SdkGlobalTime.setGlobalTimeOffset(0);
    }

    private DirectPutRecords transport(RecordingHttpClient http, AwsCredentialsProvider credentials, boolean cbor,
            PutRecordsTransport fallback) {
        return new DirectPutRecords(http, credentials, "us-east-1", () -> ENDPOINT, cbor, fallback, timer);
    }

    private DirectPutRecords transport(RecordingHttpClient http, boolean cbor) {
        return transport(http, StaticCredentialsProvider.create(SESSION), cbor,
                (b, t) -> CompletableFuture.failedFuture(new AssertionError("no fallback expected")));
    }

    private static PutBatch batch(int entries, int dataBytes) {
        List<KinesisRecord> records = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            byte[] data = new byte[dataBytes];
            new java.util.Random(i).nextBytes(data);
            records.add(new KinesisRecord("s1", i % 2 == 0 ? "a" : "key-" + i, i % 2 == 0 ? "12345" + i : null, data,
                    List.of(), "shardId-000000000000", 0));
        }
        long size = records.stream().mapToLong(KinesisRecord::size).sum();
        return new PutBatch("s1", records, size);
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Throwable failure(CompletableFuture<PutRecordsResponse> f) {
        Throwable t = catchThrowable(() -> f.get(5, TimeUnit.SECONDS));
        assertThat(t).as("the call must fail").isNotNull();
        return ErrorClassifier.unwrap(t);
    }

    // ------------------------------------------------------------------ the request

    @Test
    void sendsTheSdkBodySignedWithSigV4ForKinesis() throws Exception {
        RecordingHttpClient http = new RecordingHttpClient(s -> RecordingHttpClient.Answer.of(200, JSON,
                json("{\"FailedRecordCount\":0,\"Records\":[]}")));
        PutBatch batch = batch(5, 40_000);
        transport(http, false).putRecords(batch, Duration.ofSeconds(5)).exceptionally(e -> null).get(5, TimeUnit.SECONDS);

        RecordingHttpClient.Sent sent = http.sent.get(0);
        byte[] expectedBody = new PutRecordsBody.Writer(false).write("s1", batch.records()).toByteArray();
        assertThat(sent.body()).isEqualTo(expectedBody);
        assertThat(sent.chunks()).as("a 270 KB body goes out in chunks").isGreaterThan(1);
        assertThat(sent.request().method().name()).isEqualTo("POST");
        assertThat(sent.request().getUri()).isEqualTo(URI.create("https://127.0.0.1:4567/"));
        assertThat(sent.header("Content-Type")).isEqualTo(JSON);
        assertThat(sent.header("X-Amz-Target")).isEqualTo("Kinesis_20131202.PutRecords");
        assertThat(sent.header("Content-Length")).isEqualTo(Integer.toString(expectedBody.length));
        assertThat(sent.header("X-Amz-Security-Token")).isEqualTo("TOKEN");
        assertThat(sent.header("Host")).as("the signed Host is the one sent").isEqualTo("127.0.0.1:4567");
        assertThat(sent.header("x-amz-content-sha256")).isEqualTo(sha256Hex(expectedBody));
        assertSignatureValid(sent, "AKID", "SECRET", "us-east-1", "kinesis");
    }

    @Test
    void speaksCborWhenTheClientDoes() throws Exception {
        RecordingHttpClient http = new RecordingHttpClient(s -> RecordingHttpClient.Answer.of(200, CBOR,
                cbor(List.<String[]>of(new String[] {"shardId-000000000001", "49"}))));
        PutBatch batch = batch(1, 10);
        PutRecordsResponse r = transport(http, true).putRecords(batch, Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);

        RecordingHttpClient.Sent sent = http.sent.get(0);
        assertThat(sent.header("Content-Type")).isEqualTo(CBOR);
        assertThat(sent.body()).isEqualTo(new PutRecordsBody.Writer(true).write("s1", batch.records()).toByteArray());
        assertSignatureValid(sent, "AKID", "SECRET", "us-east-1", "kinesis");
        assertThat(r.records()).hasSize(1);
        assertThat(r.records().get(0).shardId()).isEqualTo("shardId-000000000001");
        assertThat(r.records().get(0).sequenceNumber()).isEqualTo("49");
    }

    @Test
    void goesThroughTheFallbackUntilTheEndpointIsKnown() throws Exception {
        RecordingHttpClient http = new RecordingHttpClient(s -> RecordingHttpClient.Answer.of(200, JSON,
                json("{\"FailedRecordCount\":0,\"Records\":[{\"SequenceNumber\":\"1\",\"ShardId\":\"shardId-1\"}]}")));
        AtomicReference<URI> endpoint = new AtomicReference<>();
        List<PutBatch> viaFallback = new ArrayList<>();
        PutRecordsResponse canned = PutRecordsResponse.builder().failedRecordCount(0).records(List.of()).build();
        DirectPutRecords t = new DirectPutRecords(http, StaticCredentialsProvider.create(SESSION), "us-east-1",
                endpoint::get, false, (b, timeout) -> {
                    viaFallback.add(b);
                    return CompletableFuture.completedFuture(canned);
                }, timer);

        assertThat(t.putRecords(batch(1, 5), Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS)).isSameAs(canned);
        assertThat(viaFallback).hasSize(1);
        assertThat(http.sent).isEmpty();

        endpoint.set(ENDPOINT);
        assertThat(t.putRecords(batch(1, 5), Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS).records()).hasSize(1);
        assertThat(viaFallback).hasSize(1);
        assertThat(http.sent).hasSize(1);
    }

    // ------------------------------------------------------------------ the answer

    @Test
    void readsPerRecordResults() throws Exception {
        RecordingHttpClient http = new RecordingHttpClient(s -> RecordingHttpClient.Answer.of(200, JSON, json(
                "{\"EncryptionType\":\"NONE\",\"FailedRecordCount\":1,\"Records\":["
                        + "{\"SequenceNumber\":\"4961\",\"ShardId\":\"shardId-000000000003\",\"Extra\":{\"a\":[1]}},"
                        + "{\"ErrorCode\":\"ProvisionedThroughputExceededException\",\"ErrorMessage\":\"Rate exceeded\"}]}")));
        PutRecordsResponse r = transport(http, false).putRecords(batch(2, 5), Duration.ofSeconds(5))
                .get(5, TimeUnit.SECONDS);
        assertThat(r.failedRecordCount()).isEqualTo(1);
        assertThat(r.records()).hasSize(2);
        assertThat(r.records().get(0).sequenceNumber()).isEqualTo("4961");
        assertThat(r.records().get(0).shardId()).isEqualTo("shardId-000000000003");
        assertThat(r.records().get(0).errorCode()).isNull();
        assertThat(r.records().get(1).errorCode()).isEqualTo("ProvisionedThroughputExceededException");
        assertThat(r.records().get(1).errorMessage()).isEqualTo("Rate exceeded");
    }

    @Test
    void aServiceErrorCarriesTheServiceCodeAndMessage() {
        RecordingHttpClient http = new RecordingHttpClient(s -> RecordingHttpClient.Answer.of(400, JSON, json(
                "{\"__type\":\"com.amazonaws.kinesis.v20131202#ResourceNotFoundException\","
                        + "\"message\":\"Stream s1 under account 1 not found.\"}")));
        Throwable t = failure(transport(http, false).putRecords(batch(1, 5), Duration.ofSeconds(5)));
        assertThat(t).isInstanceOf(AwsServiceException.class);
        assertThat(ErrorClassifier.code(t)).isEqualTo("ResourceNotFoundException");
        assertThat(ErrorClassifier.classify(ErrorClassifier.code(t))).isEqualTo(ErrorClassifier.Kind.NON_RETRYABLE);
        assertThat(ErrorClassifier.message(t)).isEqualTo("Stream s1 under account 1 not found. (HTTP 400)");
    }

    @Test
    void theErrorTypeHeaderNamesTheCodeAndCborErrorsAreRead() throws Exception {
        RecordingHttpClient http = new RecordingHttpClient(s -> new RecordingHttpClient.Answer(
                SdkHttpResponse.builder().statusCode(400).putHeader("Content-Type", CBOR)
                        .putHeader("X-Amzn-ErrorType", "ProvisionedThroughputExceededException:http://internal/").build(),
                cborError("SomethingElse", "Rate exceeded for stream s1"), null));
        Throwable t = failure(transport(http, true).putRecords(batch(1, 5), Duration.ofSeconds(5)));
        assertThat(ErrorClassifier.code(t)).isEqualTo(ErrorClassifier.THROTTLED_CODE);
        assertThat(ErrorClassifier.message(t)).startsWith("Rate exceeded for stream s1");
    }

    @Test
    void aServerErrorWithoutBodyIsRetryable() {
        RecordingHttpClient http = new RecordingHttpClient(s -> RecordingHttpClient.Answer.of(503, JSON, new byte[0]));
        Throwable t = failure(transport(http, false).putRecords(batch(1, 5), Duration.ofSeconds(5)));
        assertThat(t).isInstanceOf(AwsServiceException.class);
        assertThat(((AwsServiceException) t).statusCode()).isEqualTo(503);
        assertThat(ErrorClassifier.code(t)).isEqualTo("ServiceUnavailable");
        assertThat(ErrorClassifier.classify(ErrorClassifier.code(t))).isEqualTo(ErrorClassifier.Kind.RETRYABLE);
    }

    @Test
    void anUnreadableSuccessIsAClientError() {
        RecordingHttpClient http = new RecordingHttpClient(s -> RecordingHttpClient.Answer.of(200, JSON,
                json("<html>proxy</html>")));
        Throwable t = failure(transport(http, false).putRecords(batch(1, 5), Duration.ofSeconds(5)));
        assertThat(t).isInstanceOf(SdkClientException.class).hasMessageContaining("Unable to unmarshall");
        assertThat(ErrorClassifier.classify(ErrorClassifier.code(t))).isEqualTo(ErrorClassifier.Kind.RETRYABLE);
    }

    @Test
    void aTransportErrorIsAClientErrorWithItsCause() {
        IOException reset = new IOException("Connection reset by peer");
        RecordingHttpClient http = new RecordingHttpClient(s -> RecordingHttpClient.Answer.failing(reset));
        Throwable t = failure(transport(http, false).putRecords(batch(1, 5), Duration.ofSeconds(5)));
        assertThat(t).isInstanceOf(SdkClientException.class).hasCause(reset);
        assertThat(ErrorClassifier.classify(ErrorClassifier.code(t))).isEqualTo(ErrorClassifier.Kind.RETRYABLE);
    }

    @Test
    void anUnansweredRequestTimesOutAndIsCancelled() {
        RecordingHttpClient http = new RecordingHttpClient(s -> null);
        Throwable t = failure(transport(http, false).putRecords(batch(1, 5), Duration.ofMillis(200)));
        assertThat(t).isInstanceOf(ApiCallTimeoutException.class);
        assertThat(http.exchanges).hasSize(1);
        assertThat(http.exchanges.get(0)).isCancelled();
    }

    @Test
    void missingCredentialsFailTheCallAsACredentialsError() {
        RecordingHttpClient http = new RecordingHttpClient(s -> RecordingHttpClient.Answer.of(200, JSON, json("{}")));
        AwsCredentialsProvider none = () -> {
            throw SdkClientException.create("Unable to load credentials from any of the providers in the chain");
        };
        Throwable t = failure(transport(http, none, false, (b, timeout) -> null)
                .putRecords(batch(1, 5), Duration.ofSeconds(5)));
        assertThat(ErrorClassifier.code(t)).isEqualTo("CredentialsError");
        assertThat(http.sent).isEmpty();
    }

    @Test
    void aClockSkewAnswerMovesTheSigningClock() throws Exception {
        Instant serverNow = Instant.now().plus(Duration.ofHours(1));
        String serverDate = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(serverNow, ZoneOffset.UTC));
        RecordingHttpClient http = new RecordingHttpClient(s -> new RecordingHttpClient.Answer(
                SdkHttpResponse.builder().statusCode(400).putHeader("Content-Type", JSON).putHeader("Date", serverDate)
                        .build(),
                json("{\"__type\":\"InvalidSignatureException\",\"message\":\"Signature not yet current\"}"), null));
        DirectPutRecords t = transport(http, false);
        Throwable first = failure(t.putRecords(batch(1, 5), Duration.ofSeconds(5)));
        assertThat(ErrorClassifier.code(first)).isEqualTo("InvalidSignatureException");
        assertThat(SdkGlobalTime.getGlobalTimeOffset()).isBetween(-3605, -3595);

        failure(t.putRecords(batch(1, 5), Duration.ofSeconds(5)));
        Instant signedAt = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                .parse(http.sent.get(1).header("X-Amz-Date"), Instant::from);
        assertThat(Duration.between(signedAt, serverNow).abs()).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aRecordWhoseRequestWasRejectedForClockSkewSucceedsOnItsRetrySignedWithTheCorrectedClock() {
        // Kinesis' clock is an hour ahead of ours: it refuses what we sign until we sign on its time.
        Instant serverNow = Instant.now().plus(Duration.ofHours(1));
        String serverDate = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(serverNow, ZoneOffset.UTC));
        DateTimeFormatter amzDate = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
        RecordingHttpClient http = new RecordingHttpClient(s -> {
            Instant signedAt = amzDate.parse(s.header("X-Amz-Date"), Instant::from);
            if (Duration.between(signedAt, serverNow).abs().compareTo(Duration.ofMinutes(5)) > 0) {
                return new RecordingHttpClient.Answer(SdkHttpResponse.builder().statusCode(400)
                        .putHeader("Content-Type", JSON).putHeader("Date", serverDate).build(),
                        json("{\"__type\":\"InvalidSignatureException\",\"message\":\"Signature expired: "
                                + s.header("X-Amz-Date") + " is now earlier than " + amzDate.format(serverNow)
                                + " (" + amzDate.format(serverNow.minus(Duration.ofMinutes(5))) + " - 5 min.)\"}"),
                        null);
            }
            return RecordingHttpClient.Answer.of(200, JSON, json("{\"FailedRecordCount\":0,\"Records\":["
                    + "{\"SequenceNumber\":\"4961\",\"ShardId\":\"shardId-000000000000\"}]}"));
        });
        ManualTicker ticker = new ManualTicker();
        Engine engine = new Engine(Config.builder().region("us-east-1").build(), new ScriptedKinesisClient(),
                transport(http, false), new TimeBase(ticker, java.time.Clock.systemUTC()), Runnable::run, () -> 0.5,
                MetricsRecorder.NOOP);
        byte[] data = "skewed".getBytes(StandardCharsets.UTF_8);
        CompletableFuture<RecordResult> f = engine.put("s1", "k", null, HashKey.ofPartitionKey("k"), data,
                1 + data.length);
        for (int i = 0; i < 100 && !f.isDone(); i++) {
            engine.runOnce();
            ticker.advance(Duration.ofMillis(10));
        }

        RecordResult r = f.getNow(null);
        assertThat(r).as("decided").isNotNull();
        assertThat(r.successful()).isTrue();
        assertThat(r.attempts()).extracting(Attempt::errorCode).containsExactly("InvalidSignatureException", null);
        assertThat(http.sent).hasSize(2);
        assertThat(SdkGlobalTime.getGlobalTimeOffset()).isBetween(-3605, -3595);
    }

    // ------------------------------------------------------------------ helpers

    /** Recomputes the SigV4 signature from the request as sent (AWS's published algorithm, independent of the SDK). */
    static void assertSignatureValid(RecordingHttpClient.Sent sent, String accessKey, String secret, String region,
            String service) throws Exception {
        String auth = sent.header("Authorization");
        assertThat(auth).startsWith("AWS4-HMAC-SHA256 ");
        Map<String, String> parts = new TreeMap<>();
        for (String p : auth.substring("AWS4-HMAC-SHA256 ".length()).split(",\\s*")) {
            int eq = p.indexOf('=');
            parts.put(p.substring(0, eq), p.substring(eq + 1));
        }
        String amzDate = sent.header("X-Amz-Date");
        String day = amzDate.substring(0, 8);
        String scope = day + "/" + region + "/" + service + "/aws4_request";
        assertThat(parts.get("Credential")).isEqualTo(accessKey + "/" + scope);
        List<String> signed = List.of(parts.get("SignedHeaders").split(";"));
        assertThat(signed).contains("host", "x-amz-date", "x-amz-target", "content-type", "content-length");
        if (sent.header("X-Amz-Security-Token") != null) {
            assertThat(signed).contains("x-amz-security-token");
        }
        StringBuilder canonical = new StringBuilder();
        canonical.append(sent.request().method().name()).append('\n')
                .append(sent.request().encodedPath().isEmpty() ? "/" : sent.request().encodedPath()).append('\n')
                .append('\n');
        for (String h : signed) {
            String value = h.equals("host") ? hostHeader(sent) : sent.header(h);
            assertThat(value).as("signed header " + h).isNotNull();
            canonical.append(h).append(':').append(value.trim()).append('\n');
        }
        canonical.append('\n').append(parts.get("SignedHeaders")).append('\n').append(sha256Hex(sent.body()));
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + sha256Hex(canonical.toString().getBytes(StandardCharsets.UTF_8));
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), day);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        String signature = HexFormat.of().formatHex(hmac(key, stringToSign));
        assertThat(parts.get("Signature")).isEqualTo(signature);
    }

    private static String hostHeader(RecordingHttpClient.Sent sent) {
        String host = sent.header("Host");
        if (host != null) {
            return host;
        }
        int port = sent.request().port();
        boolean standard = port == 443 || port == 80;
        return sent.request().host().toLowerCase(Locale.ROOT) + (standard ? "" : ":" + port);
    }

    private static byte[] hmac(byte[] key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256Hex(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** A CBOR PutRecords answer with the given (shard, sequence) entries. */
    private static byte[] cbor(List<String[]> entries) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (JsonGenerator g = new CBORFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("FailedRecordCount", 0);
            g.writeArrayFieldStart("Records");
            for (String[] e : entries) {
                g.writeStartObject();
                g.writeStringField("ShardId", e[0]);
                g.writeStringField("SequenceNumber", e[1]);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new CompletionException(e);
        }
        return out.toByteArray();
    }

    private static byte[] cborError(String type, String message) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (JsonGenerator g = new CBORFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("__type", type);
            g.writeStringField("message", message);
            g.writeEndObject();
        } catch (IOException e) {
            throw new CompletionException(e);
        }
        return out.toByteArray();
    }
}
