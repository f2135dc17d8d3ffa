package dev.aiokpl.sinks.cloudwatch;

import dev.aiokpl.sinks.MetricSnapshot;
import dev.aiokpl.sinks.MetricsSink;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClientBuilder;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;

/**
 * Publishes the producer's metrics to Amazon CloudWatch, as the KPL does.
 *
 * <p>Every exported {@link MetricSnapshot} with at least one observation becomes one
 * {@code MetricDatum} carrying {@code StatisticValues} ({@code SampleCount}, {@code Sum},
 * {@code Minimum}, {@code Maximum}), stamped with the window's end, in the unit of the metric
 * ({@code Count}, {@code Bytes} for {@code UserRecordsDataPut} and {@code KinesisRecordsDataPut},
 * {@code Milliseconds} for {@code BufferingTime} and {@code RequestTime}, {@code None} for names
 * the sink does not know). Dimension keys are renamed through a lookup table ({@code stream} to
 * {@code StreamName}, {@code shard} to {@code ShardId}, {@code error_code} to {@code ErrorCode});
 * other keys are forwarded verbatim.
 *
 * <p>Requests stay within PutMetricData's limits: at most 1000 datums and 1 MB of payload per
 * request (sized for the most verbose wire protocol), at most 30 dimensions per datum, dimension
 * values cut to 1024 characters; non-finite values are skipped.
 *
 * <p>Failures never reach the pipeline: {@link #export(List)} does not block, and its future
 * always completes normally once every request has settled. A request that fails is logged and
 * its datums are sent again with the next window, from a bounded buffer
 * ({@link Builder#maxBufferedDatums(int)}) that drops the oldest datums, with a warning, when full.
 * Datums that CloudWatch rejects as invalid ({@code InvalidParameter*}, {@code MissingParameter})
 * are dropped instead, since sending them again would fail again.
 *
 * <pre>{@code
 * CloudWatchSink sink = CloudWatchSink.builder().region(Region.US_EAST_1).build();
 * }</pre>
 *
 * <p>The sink closes its {@link CloudWatchAsyncClient} in {@link #close()} only when it built it;
 * a client passed to {@link Builder#client(CloudWatchAsyncClient)} stays the caller's to close.
 */
public final class CloudWatchSink implements MetricsSink {

    /** The namespace the KPL publishes to, used unless {@link Builder#namespace(String)} says otherwise. */
    public static final String DEFAULT_NAMESPACE = "KinesisProducerLibrary";
    /** How many datums of failed uploads are kept for the next window unless configured otherwise. */
    public static final int DEFAULT_MAX_BUFFERED_DATUMS = 20_000;

    private static final Logger LOG = LoggerFactory.getLogger(CloudWatchSink.class);

    private final CloudWatchAsyncClient client;
    private final boolean ownsClient;
    private final String namespace;
    private final RetryBuffer retryBuffer;
    private final AtomicBoolean closed = new AtomicBoolean();

    private CloudWatchSink(CloudWatchAsyncClient client, boolean ownsClient, String namespace, int maxBufferedDatums) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.namespace = namespace;
        this.retryBuffer = new RetryBuffer(maxBufferedDatums);
    }

    /** Starts a builder; see {@link Builder} for the settings and their defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The CloudWatch namespace the metrics are published to. */
    public String namespace() {
        return namespace;
    }

    /**
     * Sends the window's snapshots, preceded by the datums of earlier failed uploads, in as many
     * PutMetricData requests as the limits require, all in flight at once.
     *
     * @param snapshots the window's snapshots; those with a count of 0 are skipped
     * @return a future that completes normally when every request has succeeded or failed
     */
    @Override
    public CompletableFuture<Void> export(List<MetricSnapshot> snapshots) {
        if (closed.get()) {
            LOG.debug("CloudWatchSink is closed; {} snapshots not exported", snapshots.size());
            return CompletableFuture.completedFuture(null);
        }
        try {
            List<MetricDatum> datums = retryBuffer.drain();
            for (MetricSnapshot snapshot : snapshots) {
                MetricDatum datum = DatumMapper.toDatum(snapshot);
                if (datum != null) {
                    datums.add(datum);
                }
            }
            if (datums.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            List<List<MetricDatum>> batches = RequestSplitter.split(
                    datums, RequestSplitter.MAX_DATUMS_PER_REQUEST, RequestSplitter.MAX_REQUEST_BYTES);
            List<CompletableFuture<Void>> uploads = new ArrayList<>(batches.size());
            for (List<MetricDatum> batch : batches) {
                uploads.add(upload(batch));
            }
            return CompletableFuture.allOf(uploads.toArray(new CompletableFuture<?>[0]));
        } catch (RuntimeException e) {
            LOG.warn("CloudWatchSink failed to prepare an export; the window is lost", e);
            return CompletableFuture.completedFuture(null);
        }
    }

    private CompletableFuture<Void> upload(List<MetricDatum> batch) {
        PutMetricDataRequest request = PutMetricDataRequest.builder()
                .namespace(namespace)
                .metricData(batch)
                .build();
        CompletableFuture<?> call;
        try {
            call = client.putMetricData(request);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        return call.handle((response, error) -> {
            if (error != null) {
                onFailure(batch, unwrap(error));
            }
            return null;
        });
    }

    private void onFailure(List<MetricDatum> batch, Throwable error) {
        if (isRejectedAsInvalid(error)) {
            LOG.warn("CloudWatch rejected {} datums in namespace {} as invalid; dropping them: {}",
                    batch.size(), namespace, error.toString());
            return;
        }
        int dropped = retryBuffer.addAll(batch);
        LOG.warn("PutMetricData of {} datums to namespace {} failed; retrying them with the next window: {}",
                batch.size(), namespace, error.toString());
        if (dropped > 0) {
            LOG.warn("CloudWatchSink retry buffer is full ({} datums); dropped the {} oldest",
                    retryBuffer.size(), dropped);
        }
    }

    private static boolean isRejectedAsInvalid(Throwable error) {
        if (!(error instanceof AwsServiceException)) {
            return false;
        }
        AwsServiceException ase = (AwsServiceException) error;
        String code = ase.awsErrorDetails() == null ? null : ase.awsErrorDetails().errorCode();
        return ase.statusCode() == 400
                && code != null
                && (code.startsWith("InvalidParameter") || code.startsWith("MissingParameter"));
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** How many datums of failed uploads wait for the next window (for tests and diagnostics). */
    int bufferedDatums() {
        return retryBuffer.size();
    }

    /**
     * Closes the CloudWatch client if this sink built it; a user-supplied client is left open.
     * Datums still waiting for a retry are discarded. Idempotent; never throws.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        int pending = retryBuffer.drain().size();
        if (pending > 0) {
            LOG.warn("CloudWatchSink closed with {} datums of failed uploads not sent", pending);
        }
        if (ownsClient) {
            try {
                client.close();
            } catch (RuntimeException e) {
                LOG.warn("Failed to close the CloudWatch client", e);
            }
        }
    }

    /**
     * Configures a {@link CloudWatchSink}. Either pass a {@link #client(CloudWatchAsyncClient)} you
     * own, or let the sink build one from {@link #region(Region)}, {@link #endpointOverride(URI)}
     * and {@link #credentialsProvider(AwsCredentialsProvider)} (each optional, falling back to the
     * SDK's default chains); the two ways cannot be mixed.
     */
    public static final class Builder {
        private CloudWatchAsyncClient client;
        private Region region;
        private URI endpointOverride;
        private AwsCredentialsProvider credentialsProvider;
        private String namespace = DEFAULT_NAMESPACE;
        private int maxBufferedDatums = DEFAULT_MAX_BUFFERED_DATUMS;

        private Builder() {
        }

        /**
         * Uses this client, which the caller keeps and closes. Default: none, the sink builds its own.
         *
         * @param client the client to send PutMetricData with
         * @return this builder
         */
        public Builder client(CloudWatchAsyncClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * The region of the client the sink builds. Default: the SDK's region provider chain
         * ({@code AWS_REGION}, profile, instance metadata).
         *
         * @param region the region to publish metrics in
         * @return this builder
         */
        public Builder region(Region region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        /**
         * The endpoint of the client the sink builds, for VPC endpoints or a local CloudWatch
         * emulator. Default: the region's public endpoint.
         *
         * @param endpointOverride the endpoint URI, for example {@code https://monitoring.us-east-1.amazonaws.com}
         * @return this builder
         */
        public Builder endpointOverride(URI endpointOverride) {
            this.endpointOverride = Objects.requireNonNull(endpointOverride, "endpointOverride");
            return this;
        }

        /**
         * The credentials of the client the sink builds. Default: the SDK's default credentials chain.
         *
         * @param credentialsProvider where the client gets its credentials
         * @return this builder
         */
        public Builder credentialsProvider(AwsCredentialsProvider credentialsProvider) {
            this.credentialsProvider = Objects.requireNonNull(credentialsProvider, "credentialsProvider");
            return this;
        }

        /**
         * The CloudWatch namespace to publish to; change it to keep several applications apart.
         * Default {@value CloudWatchSink#DEFAULT_NAMESPACE}, the KPL's.
         *
         * @param namespace 1 to 255 characters, not starting with {@code AWS/} (reserved by AWS)
         * @return this builder
         */
        public Builder namespace(String namespace) {
            this.namespace = Objects.requireNonNull(namespace, "namespace");
            return this;
        }

        /**
         * How many datums of failed uploads are kept to be sent with the next window; when more
         * fail, the oldest are dropped with a warning. 0 disables retries. Default
         * {@value CloudWatchSink#DEFAULT_MAX_BUFFERED_DATUMS}.
         *
         * @param maxBufferedDatums zero or more
         * @return this builder
         */
        public Builder maxBufferedDatums(int maxBufferedDatums) {
            this.maxBufferedDatums = maxBufferedDatums;
            return this;
        }

        /**
         * Validates the settings and builds the sink, building its client when none was given.
         *
         * @return the sink
         * @throws IllegalArgumentException if the namespace or {@code maxBufferedDatums} is invalid
         * @throws IllegalStateException if a client was given together with region, endpoint or credentials
         * @throws software.amazon.awssdk.core.exception.SdkClientException if the SDK cannot build
         *         a client (for example when no region can be found)
         */
        public CloudWatchSink build() {
            if (namespace.isEmpty() || namespace.length() > 255) {
                throw new IllegalArgumentException(
                        "namespace must be 1 to 255 characters long, was " + namespace.length() + ": '" + namespace + "'");
            }
            if (namespace.startsWith("AWS/")) {
                throw new IllegalArgumentException("namespace must not start with 'AWS/' (reserved by AWS): '" + namespace + "'");
            }
            if (maxBufferedDatums < 0) {
                throw new IllegalArgumentException("maxBufferedDatums must be >= 0, was " + maxBufferedDatums);
            }
            if (client != null) {
                if (region != null || endpointOverride != null || credentialsProvider != null) {
                    throw new IllegalStateException("client cannot be combined with region, endpointOverride or "
                            + "credentialsProvider; configure the client itself instead");
                }
                return new CloudWatchSink(client, false, namespace, maxBufferedDatums);
            }
            CloudWatchAsyncClientBuilder b = CloudWatchAsyncClient.builder();
            if (region != null) {
                b.region(region);
            }
            if (endpointOverride != null) {
                b.endpointOverride(endpointOverride);
            }
            if (credentialsProvider != null) {
                b.credentialsProvider(credentialsProvider);
            }
            return new CloudWatchSink(b.build(), true, namespace, maxBufferedDatums);
        }
    }
}
