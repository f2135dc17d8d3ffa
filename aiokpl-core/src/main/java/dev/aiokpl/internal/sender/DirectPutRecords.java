package dev.aiokpl.internal.sender;

import dev.aiokpl.internal.collector.PutBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkGlobalTime;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.ClockSkew;
import software.amazon.awssdk.core.util.VersionInfo;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpResponseHandler;
import software.amazon.awssdk.http.async.SdkHttpContentPublisher;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * PutRecords written, signed and sent by the producer itself, on the pieces of the AWS SDK a
 * {@code KinesisAsyncClient} would use — its credentials provider, its SigV4 signer
 * ({@link AwsV4HttpSigner}, signing name {@code kinesis}), its Netty HTTP client and the endpoint it
 * resolved — but without the client's request pipeline (interceptors, marshalling through the model,
 * execution attributes, metrics): on the hot path that pipeline cost about as much CPU as everything
 * else the producer does per record.
 *
 * <p>The body is {@link PutRecordsBody}'s (the same bytes the SDK writes); the answer is read by
 * {@link PutRecordsResponses} into the SDK's own {@link PutRecordsResponse} and exceptions, so the
 * retrier classifies both paths alike. The signing clock follows the SDK's global clock-skew offset,
 * which this class also corrects when Kinesis answers with a clock-skew error, as the SDK does.
 *
 * <p>Until the client has made its first call (ListShards, before any PutRecords) the endpoint is not
 * known and requests go through {@code fallback}.
 *
 * <p>{@link #putRecords} must be called from one thread at a time (the pipeline thread): the body
 * writer reuses a buffer. Completions happen on the HTTP client's threads or the timer.
 */
public final class DirectPutRecords implements PutRecordsTransport {

    private static final Logger LOG = LoggerFactory.getLogger(DirectPutRecords.class);
    static final String TARGET = "Kinesis_20131202.PutRecords";
    static final String SIGNING_NAME = "kinesis";

    private final SdkAsyncHttpClient http;
    private final IdentityProvider<? extends AwsCredentialsIdentity> credentials;
    private final String region;
    private final Supplier<URI> endpoint;
    private final PutRecordsTransport fallback;
    private final ScheduledExecutorService timer;
    private final boolean cbor;
    private final PutRecordsBody.Writer writer;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final String contentType;
    private final String userAgent;

    /**
     * @param http        the HTTP client the SDK client uses (the caller closes it)
     * @param credentials the SDK client's credentials provider
     * @param region      the signing region
     * @param endpoint    the endpoint the SDK client resolved, or null while unknown
     * @param cbor        the SDK's CBOR protocol rather than awsJson1.1 (as the SDK client chose)
     * @param fallback    where requests go while the endpoint is unknown
     * @param timer       runs request timeouts
     */
    public DirectPutRecords(SdkAsyncHttpClient http, IdentityProvider<? extends AwsCredentialsIdentity> credentials,
            String region, Supplier<URI> endpoint, boolean cbor, PutRecordsTransport fallback,
            ScheduledExecutorService timer) {
        this.http = http;
        this.credentials = credentials;
        this.region = region;
        this.endpoint = endpoint;
        this.fallback = fallback;
        this.timer = timer;
        this.cbor = cbor;
        this.writer = new PutRecordsBody.Writer(cbor);
        this.contentType = cbor ? "application/x-amz-cbor-1.1" : "application/x-amz-json-1.1";
        this.userAgent = "aiokpl aws-sdk-java/" + VersionInfo.SDK_VERSION + " lang/java#"
                + System.getProperty("java.version", "unknown");
    }

    /** Whether the endpoint is known, i.e. requests go out directly rather than through the fallback. */
    public boolean endpointKnown() {
        return endpoint.get() != null;
    }

    @Override
    public CompletableFuture<PutRecordsResponse> putRecords(PutBatch batch, Duration timeout) {
        URI uri = endpoint.get();
        if (uri == null) {
            return fallback.putRecords(batch, timeout);
        }
        PutRecordsBody body;
        SdkHttpFullRequest unsigned;
        try {
            body = writer.write(batch.stream(), batch.records());
            unsigned = request(uri, body.length());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(clientError("could not write the PutRecords request", e));
        }
        Call call = new Call(body);
        long timeoutMillis = Math.max(1, timeout.toMillis());
        ScheduledFuture<?> timeoutTask = timer.schedule(() -> call.timeOut(timeoutMillis), timeoutMillis,
                TimeUnit.MILLISECONDS);
        call.result.whenComplete((r, e) -> timeoutTask.cancel(false));
        CompletableFuture<? extends AwsCredentialsIdentity> identity;
        try {
            identity = credentials.resolveIdentity();
        } catch (RuntimeException e) {
            identity = CompletableFuture.failedFuture(e);
        }
        identity.whenComplete((id, error) -> {
            if (error != null) {
                call.fail(ErrorClassifier.unwrap(error));
            } else if (!call.result.isDone()) {
                call.send(unsigned, id);
            }
        });
        return call.result;
    }

    private SdkHttpFullRequest request(URI uri, long contentLength) {
        SdkHttpFullRequest.Builder b = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(uri)
                .putHeader("Content-Type", contentType)
                .putHeader("X-Amz-Target", TARGET)
                .putHeader("Content-Length", Long.toString(contentLength))
                .putHeader("User-Agent", userAgent);
        if (b.encodedPath() == null || b.encodedPath().isEmpty()) {
            b.encodedPath("/");
        }
        return b.build();
    }

    private static SdkClientException clientError(String message, Throwable cause) {
        return SdkClientException.builder().message(message + ": " + cause).cause(cause).build();
    }

    /** One request: signing, sending, reading the answer; completes {@link #result} once. */
    private final class Call implements SdkAsyncHttpResponseHandler {
        final CompletableFuture<PutRecordsResponse> result = new CompletableFuture<>();
        private final PutRecordsBody body;
        private volatile CompletableFuture<Void> exchange;
        private volatile SdkHttpResponse headers;
        private volatile int timeOffsetSeconds;
        /** Set when the call timed out: the cancelled exchange's own failure must not replace it. */
        private volatile ApiCallTimeoutException timeout;

        Call(PutRecordsBody body) {
            this.body = body;
        }

        void send(SdkHttpFullRequest unsigned, AwsCredentialsIdentity identity) {
            try {
                int offset = SdkGlobalTime.getGlobalTimeOffset();
                timeOffsetSeconds = offset;
                Instant now = Instant.now().minusSeconds(offset);
                SdkHttpRequest signed = signer.sign(r -> r
                        .identity(identity)
                        .request(unsigned)
                        .payload(body.contentStreamProvider())
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SIGNING_NAME)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(now, ZoneOffset.UTC))).request();
                CompletableFuture<Void> f = http.execute(AsyncExecuteRequest.builder()
                        .request(signed)
                        .requestContentPublisher(new BodyPublisher(body))
                        .responseHandler(this)
                        .build());
                exchange = f;
                f.whenComplete((v, error) -> {
                    if (error != null) {
                        fail(ErrorClassifier.unwrap(error));
                    }
                });
                if (result.isDone()) {
                    f.cancel(true); // timed out while being signed
                }
            } catch (RuntimeException e) {
                fail(e);
            }
        }

        void timeOut(long timeoutMillis) {
            if (result.isDone()) {
                return;
            }
            timeout = ApiCallTimeoutException.create(timeoutMillis);
            CompletableFuture<Void> f = exchange;
            if (f != null) {
                f.cancel(true); // aborts the request and frees its connection
            }
            result.completeExceptionally(timeout);
        }

        void fail(Throwable error) {
            ApiCallTimeoutException t = timeout;
            result.completeExceptionally(t != null ? t : error instanceof SdkException ? error
                    : clientError("Unable to execute HTTP request", error));
        }

        @Override
        public void onHeaders(SdkHttpResponse response) {
            headers = response;
        }

        @Override
        public void onStream(Publisher<ByteBuffer> stream) {
            stream.subscribe(new Subscriber<>() {
                private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);

                @Override
                public void onSubscribe(Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(ByteBuffer b) {
                    if (b.hasArray()) {
                        bytes.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
                    } else {
                        byte[] copy = new byte[b.remaining()];
                        b.duplicate().get(copy);
                        bytes.write(copy, 0, copy.length);
                    }
                }

                @Override
                public void onError(Throwable t) {
                    fail(t);
                }

                @Override
                public void onComplete() {
                    answer(bytes.toByteArray());
                }
            });
        }

        @Override
        public void onError(Throwable error) {
            fail(error);
        }

        private void answer(byte[] bytes) {
            SdkHttpResponse response = headers;
            if (response == null) {
                fail(new IOException("response body without a status line"));
                return;
            }
            if (response.isSuccessful()) {
                try {
                    result.complete(PutRecordsResponses.success(bytes, cbor));
                } catch (IOException | RuntimeException e) {
                    result.completeExceptionally(clientError("Unable to unmarshall the PutRecords response (HTTP "
                            + response.statusCode() + ")", e));
                }
                return;
            }
            KinesisException error = PutRecordsResponses.error(response, bytes, cbor, timeOffsetSeconds);
            if (error.isClockSkewException()) {
                adjustClock(error);
            }
            result.completeExceptionally(error);
        }

        private void adjustClock(KinesisException error) {
            Optional<Instant> server = ClockSkew.getServerTime(headers);
            if (server.isPresent()) {
                Duration skew = ClockSkew.getClockSkew(Instant.now(), server.get());
                int offset = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, skew.getSeconds()));
                LOG.warn("Kinesis reports a clock skew ({}: {}); signing with a clock offset of {} s from now on",
                        error.awsErrorDetails().errorCode(), error.awsErrorDetails().errorMessage(), offset);
                SdkGlobalTime.setGlobalTimeOffset(offset);
            }
        }
    }

    /** The body for the HTTP client: its chunks, fresh buffers for every subscription. */
    private static final class BodyPublisher implements SdkHttpContentPublisher {
        private final PutRecordsBody body;

        BodyPublisher(PutRecordsBody body) {
            this.body = body;
        }

        @Override
        public Optional<Long> contentLength() {
            return Optional.of(body.length());
        }

        @Override
        public void subscribe(Subscriber<? super ByteBuffer> subscriber) {
            AsyncRequestBody.fromByteBuffersUnsafe(body.buffers().toArray(new ByteBuffer[0])).subscribe(subscriber);
        }
    }
}
