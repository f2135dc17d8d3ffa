package dev.aiokpl.bench;

import dev.aiokpl.internal.collector.PutBatch;
import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.sender.DirectPutRecords;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.thirdparty.jackson.core.JsonGenerator;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORFactory;

/**
 * What the AWS SDK's own request path costs per user record, with no network and no TLS: one
 * {@code putRecords} of {@code aggregates} aggregated Kinesis records of about 50 KB (the size the
 * aggregator closes at), i.e. about 1 MiB of record data, through a real {@link KinesisAsyncClient}
 * (marshalling, SigV4 signing with the payload hash, the body publisher, response parsing) whose HTTP
 * client drains the body and answers a canned success at once.
 *
 * <p>One JMH operation is one user record of 200 bytes: the score divides a request's cost by the
 * {@value #USER_RECORDS_PER_REQUEST} user records it carries. It shows how much of aiokpl's end-to-end
 * CPU per record (docs/benchmarks.md) is the SDK's request path rather than the pipeline. Run as
 * {@code java -jar aiokpl-bench/target/benchmarks.jar SdkRequestPath -f 1 -wi 3 -w 3s -i 5 -r 3s -prof gc}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class SdkRequestPathBenchmark {

    /** Aggregates per request: 4 shards × 256 KiB per shard per request, as the collector packs them. */
    static final int AGGREGATES = 20;
    /** 200-byte records with their framing in a 51 200-byte aggregate. */
    static final int USER_RECORDS_PER_AGGREGATE = 238;
    static final int USER_RECORDS_PER_REQUEST = AGGREGATES * USER_RECORDS_PER_AGGREGATE;
    static final int AGGREGATE_BYTES = 51_000;
    static final Duration TIMEOUT = Duration.ofSeconds(6);

    /** {@code json}: awsJson1.1 (base64 data), as against kinesalite; {@code cbor}: the SDK's default for Kinesis. */
    @Param({"json", "cbor"})
    public String protocol;

    /**
     * {@code sdk}: {@code KinesisAsyncClient.putRecords}, as for a client given to the producer;
     * {@code direct}: {@link DirectPutRecords}, the producer's own path for a client it builds (the same
     * signer, credentials and HTTP client, without the client's request pipeline).
     */
    @Param({"sdk", "direct"})
    public String path;

    private KinesisAsyncClient client;
    private PutRecordsRequest request;
    private DirectPutRecords direct;
    private PutBatch batch;
    private ScheduledExecutorService timer;

    @Setup
    public void setUp() {
        boolean cbor = "cbor".equals(protocol);
        // Read when the client is built; each parameter runs in its own fork.
        System.setProperty("aws.cborEnabled", Boolean.toString(cbor));
        client = KinesisAsyncClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create("https://127.0.0.1:1"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .httpClient(new CannedHttpClient(response(cbor, AGGREGATES),
                        cbor ? "application/x-amz-cbor-1.1" : "application/x-amz-json-1.1"))
                .build();
        Random random = new Random(7);
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < AGGREGATES; i++) {
            byte[] data = new byte[AGGREGATE_BYTES];
            random.nextBytes(data);
            entries.add(PutRecordsRequestEntry.builder().partitionKey("a")
                    .explicitHashKey(Long.toUnsignedString(random.nextLong()))
                    .data(SdkBytes.fromByteArrayUnsafe(data)).build());
        }
        request = PutRecordsRequest.builder().streamName("bench").records(entries).build();
        List<KinesisRecord> records = new ArrayList<>();
        for (PutRecordsRequestEntry e : entries) {
            records.add(new KinesisRecord("bench", e.partitionKey(), e.explicitHashKey(), e.data().asByteArrayUnsafe(),
                    List.of(), null, 0));
        }
        batch = new PutBatch("bench", records, records.stream().mapToLong(KinesisRecord::size).sum());
        timer = Executors.newSingleThreadScheduledExecutor();
        URI endpoint = URI.create("https://127.0.0.1:1/");
        direct = new DirectPutRecords(new CannedHttpClient(response(cbor, AGGREGATES),
                cbor ? "application/x-amz-cbor-1.1" : "application/x-amz-json-1.1"),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")), "us-east-1",
                () -> endpoint, cbor, (b, t) -> {
                    throw new IllegalStateException("the endpoint is known");
                }, timer);
        PutRecordsResponse check = putRecordsPerUserRecord();
        if (check.records().size() != AGGREGATES || check.failedRecordCount() != 0) {
            throw new IllegalStateException("canned response not understood: " + check);
        }
    }

    @Benchmark
    @OperationsPerInvocation(USER_RECORDS_PER_REQUEST)
    public PutRecordsResponse putRecordsPerUserRecord() {
        return "direct".equals(path) ? direct.putRecords(batch, TIMEOUT).join() : client.putRecords(request).join();
    }

    @TearDown
    public void tearDown() {
        client.close();
        timer.shutdownNow();
    }

    /** A PutRecords answer with {@code n} successful entries, in the protocol's encoding. */
    static byte[] response(boolean cbor, int n) {
        if (!cbor) {
            StringBuilder b = new StringBuilder("{\"FailedRecordCount\":0,\"Records\":[");
            for (int i = 0; i < n; i++) {
                b.append(i == 0 ? "" : ",").append("{\"SequenceNumber\":\"").append(1000 + i)
                        .append("\",\"ShardId\":\"shardId-000000000000\"}");
            }
            return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = new CBORFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("FailedRecordCount", 0);
            g.writeArrayFieldStart("Records");
            for (int i = 0; i < n; i++) {
                g.writeStartObject();
                g.writeStringField("SequenceNumber", Integer.toString(1000 + i));
                g.writeStringField("ShardId", "shardId-000000000000");
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Drains each request body, as a real client sends it, then answers the canned body with status 200. */
    static final class CannedHttpClient implements SdkAsyncHttpClient {
        private final byte[] body;
        private final String contentType;

        CannedHttpClient(byte[] body, String contentType) {
            this.body = body;
            this.contentType = contentType;
        }

        @Override
        public CompletableFuture<Void> execute(AsyncExecuteRequest request) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            request.requestContentPublisher().subscribe(new Subscriber<ByteBuffer>() {
                @Override
                public void onSubscribe(Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(ByteBuffer b) {
                    b.position(b.limit());
                }

                @Override
                public void onError(Throwable t) {
                    request.responseHandler().onError(t);
                    done.completeExceptionally(t);
                }

                @Override
                public void onComplete() {
                    request.responseHandler().onHeaders(SdkHttpResponse.builder().statusCode(200)
                            .putHeader("Content-Type", contentType)
                            .putHeader("Content-Length", Integer.toString(body.length))
                            .putHeader("x-amzn-RequestId", "bench").build());
                    request.responseHandler().onStream(subscriber -> subscriber.onSubscribe(new Subscription() {
                        private final AtomicBoolean sent = new AtomicBoolean();

                        @Override
                        public void request(long n) {
                            if (n > 0 && sent.compareAndSet(false, true)) {
                                subscriber.onNext(ByteBuffer.wrap(body));
                                subscriber.onComplete();
                            }
                        }

                        @Override
                        public void cancel() {
                        }
                    }));
                    done.complete(null);
                }
            });
            return done;
        }

        @Override
        public String clientName() {
            return "canned";
        }

        @Override
        public void close() {
        }
    }
}
