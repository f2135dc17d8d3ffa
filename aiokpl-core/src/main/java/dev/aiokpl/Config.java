package dev.aiokpl;

import dev.aiokpl.sinks.MetricsSink;
import dev.aiokpl.sinks.NullSink;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Executor;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The producer's configuration: immutable, built with {@link #builder()}, copied with
 * {@link #toBuilder()}.
 *
 * <p>{@link Builder#build()} validates every field and every combination; an invalid value throws
 * {@link IllegalArgumentException} whose message names the field and the value. Defaults follow the
 * KPL's where it has the same knob.
 *
 * <pre>{@code
 * Config config = Config.builder()
 *     .region("us-east-1")
 *     .recordMaxBufferedTime(Duration.ofMillis(100))
 *     .build();
 * }</pre>
 *
 * <p>Migrating from the KPL: {@link #fromProperties(Properties)} and
 * {@link #fromPropertiesFile(Path)} read the KPL's property names.
 *
 * <p>{@link #toString()} never shows credentials.
 */
public final class Config {

    /** Largest record the service accepts by default (partition key + data): 1 MiB. */
    public static final int DEFAULT_MAX_RECORD_SIZE = 1024 * 1024;
    /** Largest record a stream with large records enabled accepts: 10 MiB. */
    public static final int LARGE_MAX_RECORD_SIZE = 10 * 1024 * 1024;
    /** Largest PutRecords request the service accepts: 5 MiB. */
    public static final long MAX_COLLECTION_SIZE = 5L * 1024 * 1024;
    /** Most entries in one PutRecords request: 500. */
    public static final int MAX_COLLECTION_COUNT = 500;
    /** The default largest aggregate, as the KPL's: 51200 bytes. */
    public static final int DEFAULT_AGGREGATION_MAX_SIZE = 51_200;
    /** The largest aggregation count, as the KPL's (2^32 - 1). */
    public static final long MAX_AGGREGATION_COUNT = 4_294_967_295L;

    private final String region;
    private final URI endpointOverride;
    private final AwsCredentialsProvider credentialsProvider;
    private final boolean trustAllCertificates;
    private final boolean directPutRecords;
    private final boolean aggregationEnabled;
    private final long aggregationMaxCount;
    private final int aggregationMaxSize;
    private final Duration recordMaxBufferedTime;
    private final Duration recordTtl;
    private final int collectionMaxCount;
    private final long collectionMaxSize;
    private final long rateLimit;
    private final boolean failIfThrottled;
    private final long maxOutstandingRecords;
    private final long maxOutstandingBytes;
    private final Duration maxBlockTime;
    private final int maxConnections;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final boolean adaptiveSending;
    private final boolean orderedDelivery;
    private final int maxRecordSize;
    private final Duration shardMapRefreshInterval;
    private final Duration closeTimeout;
    private final Executor callbackExecutor;
    private final MetricsLevel metricsLevel;
    private final MetricsGranularity metricsGranularity;
    private final MetricsSink metricsSink;
    private final Duration metricsUploadInterval;

    private Config(Builder b) {
        this.region = b.region;
        this.endpointOverride = b.endpointOverride;
        this.credentialsProvider = b.credentialsProvider;
        this.trustAllCertificates = b.trustAllCertificates;
        this.directPutRecords = b.directPutRecords;
        this.aggregationEnabled = b.aggregationEnabled;
        this.aggregationMaxCount = b.aggregationMaxCount;
        this.aggregationMaxSize = b.effectiveAggregationMaxSize();
        this.recordMaxBufferedTime = b.recordMaxBufferedTime;
        this.recordTtl = b.recordTtl;
        this.collectionMaxCount = b.collectionMaxCount;
        this.collectionMaxSize = b.collectionMaxSize;
        this.rateLimit = b.rateLimit;
        this.failIfThrottled = b.failIfThrottled;
        this.maxOutstandingRecords = b.maxOutstandingRecords;
        this.maxOutstandingBytes = b.maxOutstandingBytes;
        this.maxBlockTime = b.maxBlockTime;
        this.maxConnections = b.maxConnections;
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.adaptiveSending = b.adaptiveSending;
        this.orderedDelivery = b.orderedDelivery;
        this.maxRecordSize = b.maxRecordSize;
        this.shardMapRefreshInterval = b.shardMapRefreshInterval;
        this.closeTimeout = b.closeTimeout;
        this.callbackExecutor = b.callbackExecutor;
        this.metricsLevel = b.metricsLevel;
        this.metricsGranularity = b.metricsGranularity;
        this.metricsSink = b.metricsSink;
        this.metricsUploadInterval = b.metricsUploadInterval;
    }

    /** Returns a new builder with every default set and no region. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Reads a configuration from the KPL's property names (see {@link KplProperties}). Keys with no
     * meaning here are logged as warnings and ignored; a bad value throws
     * {@link IllegalArgumentException} naming the key.
     *
     * @param properties KPL-style properties, for example {@code AggregationEnabled=true}
     * @return the validated configuration
     */
    public static Config fromProperties(Properties properties) {
        Objects.requireNonNull(properties, "properties");
        return KplProperties.build(properties);
    }

    /**
     * Reads a KPL-style {@code .properties} file; see {@link #fromProperties(Properties)}.
     *
     * @throws IllegalArgumentException if the file cannot be read or holds a bad value
     */
    public static Config fromPropertiesFile(Path path) {
        Objects.requireNonNull(path, "path");
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(path)) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read properties file " + path + ": " + e.getMessage(), e);
        }
        return fromProperties(properties);
    }

    /** The AWS region of the stream, for example {@code us-east-1}. Required. */
    public String region() {
        return region;
    }

    /** The Kinesis endpoint to use instead of the region's, or null. */
    public URI endpointOverride() {
        return endpointOverride;
    }

    /** Where credentials come from; null means the SDK's default provider chain. */
    public AwsCredentialsProvider credentialsProvider() {
        return credentialsProvider;
    }

    /** Whether TLS certificates are accepted without verification (tests only). Default false. */
    public boolean trustAllCertificates() {
        return trustAllCertificates;
    }

    /**
     * Whether a producer that builds its own Kinesis client writes and sends PutRecords requests itself
     * (signed with the SDK's SigV4 signer and credentials provider, on the SDK's Netty HTTP client, to
     * the endpoint the client resolved) instead of through the client's request pipeline. Default true.
     * Ignored by {@link Producer#create(Config, software.amazon.awssdk.services.kinesis.KinesisAsyncClient)},
     * whose given client sends everything.
     */
    public boolean directPutRecords() {
        return directPutRecords;
    }

    /** Whether user records are packed into aggregated Kinesis records. Default true. */
    public boolean aggregationEnabled() {
        return aggregationEnabled;
    }

    /** Most user records in one aggregate. Default 4294967295 (no limit but size). */
    public long aggregationMaxCount() {
        return aggregationMaxCount;
    }

    /** Largest encoded aggregate in bytes. Default 51200. */
    public int aggregationMaxSize() {
        return aggregationMaxSize;
    }

    /** How long a record may wait to be aggregated and collected. Default 100 ms. */
    public Duration recordMaxBufferedTime() {
        return recordMaxBufferedTime;
    }

    /** How long a record may stay in the producer, retries included, before it fails as Expired. Default 30 s. */
    public Duration recordTtl() {
        return recordTtl;
    }

    /** Most Kinesis records in one PutRecords request. Default 500. */
    public int collectionMaxCount() {
        return collectionMaxCount;
    }

    /** Largest PutRecords request in bytes (partition keys + data). Default 5 MiB. */
    public long collectionMaxSize() {
        return collectionMaxSize;
    }

    /** Per-shard rate limit, in percent of the shard's limits (1000 records/s, 1 MiB/s). Default 150. */
    public long rateLimit() {
        return rateLimit;
    }

    /** Whether a throttled record fails at once instead of being retried. Default false. */
    public boolean failIfThrottled() {
        return failIfThrottled;
    }

    /** Most user records accepted but not yet terminal. Default 100 000. */
    public long maxOutstandingRecords() {
        return maxOutstandingRecords;
    }

    /** Most bytes (partition keys + data) accepted but not yet terminal. Default 256 MiB. */
    public long maxOutstandingBytes() {
        return maxOutstandingBytes;
    }

    /** How long {@code putRecord} blocks while the outstanding limits are full. Default 10 s; zero never blocks. */
    public Duration maxBlockTime() {
        return maxBlockTime;
    }

    /** Most PutRecords requests in flight at once. Default 24. */
    public int maxConnections() {
        return maxConnections;
    }

    /** TCP connect timeout. Default 6 s. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Timeout of one PutRecords request. Default 6 s. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * Whether request size and requests in flight adapt to the endpoint, as TCP's congestion window
     * (SPEC §3 "Slow endpoints"): after a timeout the producer sends smaller requests and fewer at
     * once, and grows back to {@code collectionMaxSize}, {@code collectionMaxCount} and
     * {@code maxConnections} while answers come well within {@code requestTimeout}. Without it, every
     * request may use those maxima from the start: on a slow link they outlast {@code requestTimeout}
     * and are re-sent whole, each re-send adding load (and duplicates). Default true.
     */
    public boolean adaptiveSending() {
        return adaptiveSending;
    }

    /**
     * Whether records with the same partition key reach their shard in put order, retries and
     * reshards included (SPEC §3 "Ordering"): at most one Kinesis record of a shard is in flight at a
     * time, a record to retry goes out before any later record of its shard, and after a split or
     * merge a child shard's records wait until its parents' in-flight records are confirmed. Requests
     * still carry many shards each, and a shard's aggregate grows while its previous one is in flight,
     * so throughput stays near the shard's limit. Off, order holds only within one request and
     * retries may reorder, as with the KPL. Default false.
     */
    public boolean orderedDelivery() {
        return orderedDelivery;
    }

    /** Largest user record (partition key + data) in bytes. Default 1 MiB; up to 10 MiB. */
    public int maxRecordSize() {
        return maxRecordSize;
    }

    /** How often the shard map is refreshed even without evidence of a reshard. Default 5 min. */
    public Duration shardMapRefreshInterval() {
        return shardMapRefreshInterval;
    }

    /** How long {@code close()} waits for outstanding records before failing them. Default 30 s. */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /** Where record futures are completed; null means a small daemon pool owned by the producer. */
    public Executor callbackExecutor() {
        return callbackExecutor;
    }

    /** How much is measured. Default {@link MetricsLevel#NONE}. */
    public MetricsLevel metricsLevel() {
        return metricsLevel;
    }

    /** The finest dimension kept. Default {@link MetricsGranularity#SHARD}. */
    public MetricsGranularity metricsGranularity() {
        return metricsGranularity;
    }

    /** Where metrics go. Default a {@link NullSink}. */
    public MetricsSink metricsSink() {
        return metricsSink;
    }

    /** How often metrics are exported to the sink. Default 60 s. */
    public Duration metricsUploadInterval() {
        return metricsUploadInterval;
    }

    @Override
    public String toString() {
        return "Config{region=" + region
                + ", endpointOverride=" + endpointOverride
                + ", credentialsProvider=" + (credentialsProvider == null ? "default chain"
                        : credentialsProvider.getClass().getSimpleName())
                + ", trustAllCertificates=" + trustAllCertificates
                + ", directPutRecords=" + directPutRecords
                + ", aggregationEnabled=" + aggregationEnabled
                + ", aggregationMaxCount=" + aggregationMaxCount
                + ", aggregationMaxSize=" + aggregationMaxSize
                + ", recordMaxBufferedTime=" + recordMaxBufferedTime
                + ", recordTtl=" + recordTtl
                + ", collectionMaxCount=" + collectionMaxCount
                + ", collectionMaxSize=" + collectionMaxSize
                + ", rateLimit=" + rateLimit
                + ", failIfThrottled=" + failIfThrottled
                + ", maxOutstandingRecords=" + maxOutstandingRecords
                + ", maxOutstandingBytes=" + maxOutstandingBytes
                + ", maxBlockTime=" + maxBlockTime
                + ", maxConnections=" + maxConnections
                + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout
                + ", adaptiveSending=" + adaptiveSending
                + ", orderedDelivery=" + orderedDelivery
                + ", maxRecordSize=" + maxRecordSize
                + ", shardMapRefreshInterval=" + shardMapRefreshInterval
                + ", closeTimeout=" + closeTimeout
                + ", callbackExecutor=" + (callbackExecutor == null ? "default" : callbackExecutor.getClass().getSimpleName())
                + ", metricsLevel=" + metricsLevel
                + ", metricsGranularity=" + metricsGranularity
                + ", metricsSink=" + metricsSink.getClass().getSimpleName()
                + ", metricsUploadInterval=" + metricsUploadInterval
                + '}';
    }

    /**
     * Builds a {@link Config}. Setters take the value as is; {@link #build()} validates everything
     * and throws {@link IllegalArgumentException} naming the first bad field and its value.
     */
    public static final class Builder {
        private String region;
        private URI endpointOverride;
        private AwsCredentialsProvider credentialsProvider;
        private boolean trustAllCertificates = false;
        private boolean directPutRecords = true;
        private boolean aggregationEnabled = true;
        private long aggregationMaxCount = MAX_AGGREGATION_COUNT;
        /** Null until set: the default is 51200, or maxRecordSize if that is smaller. */
        private Integer aggregationMaxSize;
        private Duration recordMaxBufferedTime = Duration.ofMillis(100);
        private Duration recordTtl = Duration.ofSeconds(30);
        private int collectionMaxCount = MAX_COLLECTION_COUNT;
        private long collectionMaxSize = MAX_COLLECTION_SIZE;
        private long rateLimit = 150;
        private boolean failIfThrottled = false;
        private long maxOutstandingRecords = 100_000;
        private long maxOutstandingBytes = 256L * 1024 * 1024;
        private Duration maxBlockTime = Duration.ofSeconds(10);
        private int maxConnections = 24;
        private Duration connectTimeout = Duration.ofSeconds(6);
        private Duration requestTimeout = Duration.ofSeconds(6);
        private boolean adaptiveSending = true;
        private boolean orderedDelivery = false;
        private int maxRecordSize = DEFAULT_MAX_RECORD_SIZE;
        private Duration shardMapRefreshInterval = Duration.ofMinutes(5);
        private Duration closeTimeout = Duration.ofSeconds(30);
        private Executor callbackExecutor;
        private MetricsLevel metricsLevel = MetricsLevel.NONE;
        private MetricsGranularity metricsGranularity = MetricsGranularity.SHARD;
        private MetricsSink metricsSink = new NullSink();
        private Duration metricsUploadInterval = Duration.ofSeconds(60);

        private Builder() {
        }

        private Builder(Config c) {
            region = c.region;
            endpointOverride = c.endpointOverride;
            credentialsProvider = c.credentialsProvider;
            trustAllCertificates = c.trustAllCertificates;
            directPutRecords = c.directPutRecords;
            aggregationEnabled = c.aggregationEnabled;
            aggregationMaxCount = c.aggregationMaxCount;
            aggregationMaxSize = c.aggregationMaxSize;
            recordMaxBufferedTime = c.recordMaxBufferedTime;
            recordTtl = c.recordTtl;
            collectionMaxCount = c.collectionMaxCount;
            collectionMaxSize = c.collectionMaxSize;
            rateLimit = c.rateLimit;
            failIfThrottled = c.failIfThrottled;
            maxOutstandingRecords = c.maxOutstandingRecords;
            maxOutstandingBytes = c.maxOutstandingBytes;
            maxBlockTime = c.maxBlockTime;
            maxConnections = c.maxConnections;
            connectTimeout = c.connectTimeout;
            requestTimeout = c.requestTimeout;
            adaptiveSending = c.adaptiveSending;
            orderedDelivery = c.orderedDelivery;
            maxRecordSize = c.maxRecordSize;
            shardMapRefreshInterval = c.shardMapRefreshInterval;
            closeTimeout = c.closeTimeout;
            callbackExecutor = c.callbackExecutor;
            metricsLevel = c.metricsLevel;
            metricsGranularity = c.metricsGranularity;
            metricsSink = c.metricsSink;
            metricsUploadInterval = c.metricsUploadInterval;
        }

        /**
         * Sets the fields named by KPL properties (the names {@link Config#fromProperties} reads) on
         * this builder, leaving the others as they are: for a KPL {@code .properties} file plus settings
         * made in code, e.g. {@code Config.builder().credentialsProvider(p).applyProperties(props).build()}.
         * Keys with no meaning here are logged and ignored; a value that is not a number, boolean or
         * level throws {@link IllegalArgumentException} naming the key; ranges are checked by
         * {@link #build()}.
         *
         * @param properties KPL-style properties, for example {@code RecordMaxBufferedTime=100}
         * @return this builder
         */
        public Builder applyProperties(Properties properties) {
            Objects.requireNonNull(properties, "properties");
            KplProperties.apply(properties, this);
            return this;
        }

        /** The AWS region of the stream. Required. */
        public Builder region(String region) {
            this.region = region;
            return this;
        }

        /** A Kinesis endpoint to use instead of the region's (for example a local emulator). */
        public Builder endpointOverride(URI endpointOverride) {
            this.endpointOverride = endpointOverride;
            return this;
        }

        /** Where credentials come from; null (the default) means the SDK's default chain. */
        public Builder credentialsProvider(AwsCredentialsProvider credentialsProvider) {
            this.credentialsProvider = credentialsProvider;
            return this;
        }

        /** Accept any TLS certificate. Tests against local emulators only; logs a warning at start. */
        public Builder trustAllCertificates(boolean trustAllCertificates) {
            this.trustAllCertificates = trustAllCertificates;
            return this;
        }

        /**
         * Write, sign and send PutRecords requests in the producer (default true) rather than through the
         * {@code KinesisAsyncClient} the producer builds; both use the SDK's signer, credentials, HTTP
         * client and endpoint, the direct path skips the client's per-request pipeline and saves about a
         * microsecond of CPU per record (docs/benchmarks.md). Set false to send PutRecords through the
         * client like every other call. No effect when the producer is given a client.
         */
        public Builder directPutRecords(boolean directPutRecords) {
            this.directPutRecords = directPutRecords;
            return this;
        }

        /** Pack user records into aggregated Kinesis records (default true). */
        public Builder aggregationEnabled(boolean aggregationEnabled) {
            this.aggregationEnabled = aggregationEnabled;
            return this;
        }

        /** Most user records per aggregate, 1..4294967295 (default 4294967295). */
        public Builder aggregationMaxCount(long aggregationMaxCount) {
            this.aggregationMaxCount = aggregationMaxCount;
            return this;
        }

        /** Largest encoded aggregate in bytes, 64..maxRecordSize (default 51200, or maxRecordSize if smaller). */
        public Builder aggregationMaxSize(int aggregationMaxSize) {
            this.aggregationMaxSize = aggregationMaxSize;
            return this;
        }

        /** How long a record may be buffered for aggregation and collection, 0 ms..recordTtl (default 100 ms). */
        public Builder recordMaxBufferedTime(Duration recordMaxBufferedTime) {
            this.recordMaxBufferedTime = recordMaxBufferedTime;
            return this;
        }

        /** How long a record may stay in the producer, at least 100 ms (default 30 s). */
        public Builder recordTtl(Duration recordTtl) {
            this.recordTtl = recordTtl;
            return this;
        }

        /** Most Kinesis records per PutRecords request, 1..500 (default 500). */
        public Builder collectionMaxCount(int collectionMaxCount) {
            this.collectionMaxCount = collectionMaxCount;
            return this;
        }

        /** Largest PutRecords request in bytes, 52224..5 MiB (default 5 MiB). */
        public Builder collectionMaxSize(long collectionMaxSize) {
            this.collectionMaxSize = collectionMaxSize;
            return this;
        }

        /** Per-shard rate limit in percent of the shard's limits, 1..10000 (default 150). */
        public Builder rateLimit(long rateLimit) {
            this.rateLimit = rateLimit;
            return this;
        }

        /** Fail throttled records at once instead of retrying them (default false). */
        public Builder failIfThrottled(boolean failIfThrottled) {
            this.failIfThrottled = failIfThrottled;
            return this;
        }

        /** Most user records outstanding, at least 1 (default 100 000). */
        public Builder maxOutstandingRecords(long maxOutstandingRecords) {
            this.maxOutstandingRecords = maxOutstandingRecords;
            return this;
        }

        /** Most bytes outstanding, at least maxRecordSize (default 256 MiB). */
        public Builder maxOutstandingBytes(long maxOutstandingBytes) {
            this.maxOutstandingBytes = maxOutstandingBytes;
            return this;
        }

        /** How long putRecord blocks while full, zero or more (default 10 s; zero never blocks). */
        public Builder maxBlockTime(Duration maxBlockTime) {
            this.maxBlockTime = maxBlockTime;
            return this;
        }

        /** Most PutRecords requests in flight, 1..256 (default 24). */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /** TCP connect timeout, 100 ms..5 min (default 6 s). */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** Timeout of one PutRecords request, 100 ms..10 min (default 6 s). */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /**
         * Adapt request size and requests in flight to the endpoint (default true); false pins them at
         * {@code collectionMaxSize}/{@code collectionMaxCount} and {@code maxConnections}, as the KPL.
         * See {@link Config#adaptiveSending()}.
         */
        public Builder adaptiveSending(boolean adaptiveSending) {
            this.adaptiveSending = adaptiveSending;
            return this;
        }

        /**
         * Deliver each partition key's records to its shard in put order, retries and reshards
         * included (default false). See {@link Config#orderedDelivery()}.
         */
        public Builder orderedDelivery(boolean orderedDelivery) {
            this.orderedDelivery = orderedDelivery;
            return this;
        }

        /** Largest user record (partition key + data), 1 KiB..10 MiB (default 1 MiB). */
        public Builder maxRecordSize(int maxRecordSize) {
            this.maxRecordSize = maxRecordSize;
            return this;
        }

        /** How often the shard map is refreshed, 1 s..1 day (default 5 min). */
        public Builder shardMapRefreshInterval(Duration shardMapRefreshInterval) {
            this.shardMapRefreshInterval = shardMapRefreshInterval;
            return this;
        }

        /** How long close() waits for outstanding records, zero or more (default 30 s). */
        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = closeTimeout;
            return this;
        }

        /**
         * Where record futures are completed. Null (the default) means a small daemon pool owned
         * and shut down by the producer, which adds a thread while a callback waits in
         * {@code flush().join()} or {@code close()}; a supplied executor is never shut down by the
         * producer.
         *
         * <p>A supplied executor must run tasks on threads other than the caller's, and must be
         * able to run one more task while a callback waits for the producer: a callback that calls
         * {@code flush().join()} or {@code close()} hands the completions queued behind it to a new
         * task. If the executor rejects a task, the completions run on the producer's fallback
         * threads ({@code aiokpl-callback-fallback-*}, with a WARN), never on the pipeline thread.
         */
        public Builder callbackExecutor(Executor callbackExecutor) {
            this.callbackExecutor = callbackExecutor;
            return this;
        }

        /** How much is measured (default NONE). */
        public Builder metricsLevel(MetricsLevel metricsLevel) {
            this.metricsLevel = metricsLevel;
            return this;
        }

        /** The finest dimension kept (default SHARD). */
        public Builder metricsGranularity(MetricsGranularity metricsGranularity) {
            this.metricsGranularity = metricsGranularity;
            return this;
        }

        /** Where metrics go (default a NullSink). The producer starts and closes it. */
        public Builder metricsSink(MetricsSink metricsSink) {
            this.metricsSink = metricsSink;
            return this;
        }

        /** How often metrics are exported, 1 s..1 h (default 60 s). */
        public Builder metricsUploadInterval(Duration metricsUploadInterval) {
            this.metricsUploadInterval = metricsUploadInterval;
            return this;
        }

        /**
         * Validates every field and returns the configuration.
         *
         * @throws IllegalArgumentException naming the first invalid field and its value
         */
        public Config build() {
            if (region == null || region.isBlank()) {
                throw new IllegalArgumentException("region is required (got " + quote(region) + ")");
            }
            if (!region.matches("[a-z0-9-]{1,64}")) {
                throw new IllegalArgumentException("region must look like us-east-1 (got " + quote(region) + ")");
            }
            if (endpointOverride != null) {
                String scheme = endpointOverride.getScheme();
                if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || endpointOverride.getHost() == null) {
                    throw new IllegalArgumentException(
                            "endpointOverride must be an http(s) URI with a host (got " + endpointOverride + ")");
                }
            }
            range("aggregationMaxCount", aggregationMaxCount, 1, MAX_AGGREGATION_COUNT);
            range("maxRecordSize", maxRecordSize, 1024, LARGE_MAX_RECORD_SIZE);
            range("aggregationMaxSize", effectiveAggregationMaxSize(), 64, maxRecordSize);
            durationRange("recordTtl", recordTtl, Duration.ofMillis(100), Duration.ofDays(1));
            durationRange("recordMaxBufferedTime", recordMaxBufferedTime, Duration.ZERO, recordTtl);
            range("collectionMaxCount", collectionMaxCount, 1, MAX_COLLECTION_COUNT);
            range("collectionMaxSize", collectionMaxSize, 52_224, MAX_COLLECTION_SIZE);
            range("rateLimit", rateLimit, 1, 10_000);
            range("maxOutstandingRecords", maxOutstandingRecords, 1, 100_000_000);
            range("maxOutstandingBytes", maxOutstandingBytes, maxRecordSize, 64L * 1024 * 1024 * 1024);
            durationRange("maxBlockTime", maxBlockTime, Duration.ZERO, Duration.ofDays(1));
            range("maxConnections", maxConnections, 1, 256);
            durationRange("connectTimeout", connectTimeout, Duration.ofMillis(100), Duration.ofMinutes(5));
            durationRange("requestTimeout", requestTimeout, Duration.ofMillis(100), Duration.ofMinutes(10));
            durationRange("shardMapRefreshInterval", shardMapRefreshInterval, Duration.ofSeconds(1), Duration.ofDays(1));
            durationRange("closeTimeout", closeTimeout, Duration.ZERO, Duration.ofDays(1));
            if (metricsLevel == null) {
                throw new IllegalArgumentException("metricsLevel must not be null");
            }
            if (metricsGranularity == null) {
                throw new IllegalArgumentException("metricsGranularity must not be null");
            }
            if (metricsSink == null) {
                throw new IllegalArgumentException("metricsSink must not be null (use NullSink to discard metrics)");
            }
            durationRange("metricsUploadInterval", metricsUploadInterval, Duration.ofSeconds(1), Duration.ofHours(1));
            return new Config(this);
        }

        private int effectiveAggregationMaxSize() {
            return aggregationMaxSize != null ? aggregationMaxSize : Math.min(DEFAULT_AGGREGATION_MAX_SIZE, maxRecordSize);
        }

        private static void range(String field, long value, long min, long max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(
                        field + " must be in [" + min + ", " + max + "] (got " + value + ")");
            }
        }

        private static void durationRange(String field, Duration value, Duration min, Duration max) {
            if (value == null) {
                throw new IllegalArgumentException(field + " must not be null");
            }
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(
                        field + " must be in [" + min + ", " + max + "] (got " + value + ")");
            }
        }

        private static String quote(String s) {
            return s == null ? "null" : "\"" + s + "\"";
        }
    }
}
