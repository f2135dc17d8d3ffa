package dev.aiokpl.kafka.connect;

import dev.aiokpl.Config;
import dev.aiokpl.MetricsGranularity;
import dev.aiokpl.MetricsLevel;
import dev.aiokpl.sinks.cloudwatch.CloudWatchSink;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The connector's configuration: a {@link ConfigDef} with documentation and validators for every
 * key, and the typed values a task needs.
 *
 * <p>Keys keep the names of awslabs' {@code kinesis-kafka-connector} ({@code streamName},
 * {@code region}, {@code maxBufferedTime}, {@code rateLimit}, ...) so an existing connector
 * configuration mostly carries over; {@code docs/kafka-connect.md} lists every key with its meaning
 * and default, and what happens to the keys that have no meaning here.
 */
public final class AiokplSinkConfig extends AbstractConfig {

    // ---------------------------------------------------------------- the stream

    /** The Kinesis stream every record goes to, unless its topic is in {@link #STREAM_TOPIC_MAP}. */
    public static final String STREAM_NAME = "streamName";
    /** {@code topic:stream} pairs, comma-separated: the stream of each listed topic. */
    public static final String STREAM_TOPIC_MAP = "stream.topic.map";

    // ---------------------------------------------------------------- where and as whom

    /** The AWS region of the stream. */
    public static final String REGION = "region";
    /** A Kinesis endpoint other than the region's: a host name, or a URL such as {@code https://host:443}. */
    public static final String KINESIS_ENDPOINT = "kinesisEndpoint";
    /** The port of {@link #KINESIS_ENDPOINT} when it is a bare host name. */
    public static final String KINESIS_PORT = "kinesisPort";
    /** Whether TLS certificates of the endpoint are verified. */
    public static final String VERIFY_CERTIFICATE = "verifyCertificate";
    /** An IAM role to assume with STS; empty to use the SDK's default credentials chain. */
    public static final String ROLE_ARN = "roleARN";
    /** The session name of the assumed role. */
    public static final String ROLE_SESSION_NAME = "roleSessionName";
    /** The external id the role's trust policy asks for, if any. */
    public static final String ROLE_EXTERNAL_ID = "roleExternalID";
    /** How long each assumed-role session lasts, in seconds. */
    public static final String ROLE_DURATION_SECONDS = "roleDurationSeconds";

    // ---------------------------------------------------------------- the producer

    /** Whether user records are aggregated into Kinesis records (KPL aggregation format). */
    public static final String AGGREGATION = "aggregation";
    /** How long a record may wait to be aggregated and batched, in milliseconds. */
    public static final String MAX_BUFFERED_TIME = "maxBufferedTime";
    /** The most PutRecords requests in flight per task. */
    public static final String MAX_CONNECTIONS = "maxConnections";
    /** Per-shard rate limit, in percent of the shard's limits. */
    public static final String RATE_LIMIT = "rateLimit";
    /** How long a record may take from put to confirmation before it fails as Expired, in milliseconds. */
    public static final String TTL = "ttl";
    /** none, summary or detailed: whether and how finely the producer's metrics go to CloudWatch. */
    public static final String METRICS_LEVEL = "metricsLevel";
    /** global, stream or shard: the finest dimension of the metrics. */
    public static final String METRICS_GRANULARITY = "metricsGranularity";
    /** The CloudWatch namespace of the metrics. */
    public static final String METRICS_NAMESPACE = "metricsNameSpace";
    /** A CloudWatch endpoint other than the region's (a URL); for tests. */
    public static final String CLOUDWATCH_ENDPOINT = "cloudwatchEndpoint";

    // ---------------------------------------------------------------- delivery

    /** Whether the Kafka partition, rather than the record key, picks the shard. */
    public static final String USE_PARTITION_AS_HASH_KEY = "usePartitionAsHashKey";
    /** The most records a task holds unconfirmed; beyond it the task applies backpressure. */
    public static final String OUTSTANDING_RECORDS_THRESHOLD = "outstandingRecordsThreshold";
    /** The most bytes a task holds unconfirmed. */
    public static final String OUTSTANDING_BYTES_THRESHOLD = "outstandingBytesThreshold";
    /** Whether the task pauses its partitions while the producer is nearly full. */
    public static final String PAUSE_CONSUMPTION = "pauseConsumption";
    /** How long a put waits for room in a full producer before Connect redelivers the batch, in milliseconds. */
    public static final String SLEEP_PERIOD = "sleepPeriod";
    /** How long closing partitions or stopping the task waits for records in flight, in milliseconds. */
    public static final String CLOSE_TIMEOUT = "closeTimeout";

    /**
     * Keys of awslabs' connector that have no meaning here; accepted and ignored with a warning.
     * {@code metricsGranuality} (sic) is not among them: it is read as {@link #METRICS_GRANULARITY}.
     */
    public static final List<String> IGNORED_LEGACY_KEYS =
            List.of("flushSync", "singleKinesisProducerPerPartition", "sleepCycles");
    /** awslabs' spelling of {@link #METRICS_GRANULARITY}, read when that key is absent. */
    public static final String LEGACY_METRICS_GRANULARITY = "metricsGranuality";

    /** The definition of every key, with documentation, defaults and validators. */
    public static final ConfigDef CONFIG_DEF = define();

    private static final Pattern STREAM = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");
    private static final String GROUP_STREAM = "Stream";
    private static final String GROUP_AWS = "AWS";
    private static final String GROUP_PRODUCER = "Producer";
    private static final String GROUP_DELIVERY = "Delivery";

    private final Map<String, String> topicStreams;

    /**
     * Parses and validates a connector or task configuration.
     *
     * @param props the properties as Connect passes them
     * @throws ConfigException naming the key and the bad value
     */
    public AiokplSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, withLegacyAliases(props));
        this.topicStreams = parseTopicMap(getList(STREAM_TOPIC_MAP));
    }

    private static Map<String, String> withLegacyAliases(Map<String, String> props) {
        if (props.containsKey(LEGACY_METRICS_GRANULARITY) && !props.containsKey(METRICS_GRANULARITY)) {
            Map<String, String> copy = new LinkedHashMap<>(props);
            copy.put(METRICS_GRANULARITY, props.get(LEGACY_METRICS_GRANULARITY));
            return copy;
        }
        return props;
    }

    private static ConfigDef define() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(STREAM_NAME, Type.STRING, "", optional(AiokplSinkConfig::checkStream), Importance.HIGH,
                "The Kinesis stream every record goes to, unless its topic is listed in " + STREAM_TOPIC_MAP
                        + ". Empty: each record goes to the stream named as its topic.",
                GROUP_STREAM, ++order, Width.MEDIUM, "Stream");
        def.define(STREAM_TOPIC_MAP, Type.LIST, "", (name, value) -> parseTopicMap(asList(value)), Importance.MEDIUM,
                "Comma-separated topic:stream pairs choosing the stream per topic (e.g. orders:orders-stream,"
                        + "clicks:clicks-stream). Topics not listed go to " + STREAM_NAME + ", or to the stream"
                        + " named as the topic when that is empty.",
                GROUP_STREAM, ++order, Width.LONG, "Stream per topic");

        order = 0;
        def.define(REGION, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, AiokplSinkConfig::checkRegion, Importance.HIGH,
                "The AWS region of the stream, e.g. us-east-1. Required.", GROUP_AWS, ++order, Width.SHORT, "Region");
        def.define(KINESIS_ENDPOINT, Type.STRING, "", optional(AiokplSinkConfig::checkEndpoint), Importance.LOW,
                "A Kinesis endpoint other than the region's: a host name (HTTPS on " + KINESIS_PORT
                        + "), or a URL such as http://127.0.0.1:4567 for an emulator or a VPC endpoint. Empty: the"
                        + " region's endpoint.",
                GROUP_AWS, ++order, Width.LONG, "Kinesis endpoint");
        def.define(KINESIS_PORT, Type.INT, 443, ConfigDef.Range.between(1, 65535), Importance.LOW,
                "The port of " + KINESIS_ENDPOINT + " when it is a bare host name.",
                GROUP_AWS, ++order, Width.SHORT, "Kinesis port");
        def.define(VERIFY_CERTIFICATE, Type.BOOLEAN, true, Importance.LOW,
                "Whether the endpoint's TLS certificate is verified. Turn off only against a local emulator"
                        + " with a self-signed certificate; the task logs a warning.",
                GROUP_AWS, ++order, Width.SHORT, "Verify certificate");
        def.define(ROLE_ARN, Type.STRING, "", optional(AiokplSinkConfig::checkRoleArn), Importance.MEDIUM,
                "An IAM role to assume with STS for the Kinesis (and CloudWatch) calls. Empty: the AWS SDK's"
                        + " default credentials chain (environment, system properties, profile, container or"
                        + " instance role).",
                GROUP_AWS, ++order, Width.LONG, "Role ARN");
        def.define(ROLE_SESSION_NAME, Type.STRING, "aiokpl-kafka-connect",
                optional((name, value) -> checkPattern(name, value, "[\\w+=,.@-]{2,64}")), Importance.LOW,
                "The session name of the assumed role (2-64 characters of [\\w+=,.@-]).",
                GROUP_AWS, ++order, Width.MEDIUM, "Role session name");
        def.define(ROLE_EXTERNAL_ID, Type.STRING, "", Importance.LOW,
                "The external id the role's trust policy requires, if any.",
                GROUP_AWS, ++order, Width.MEDIUM, "Role external id");
        def.define(ROLE_DURATION_SECONDS, Type.INT, 3600, ConfigDef.Range.between(900, 43_200), Importance.LOW,
                "How long each assumed-role session lasts, in seconds; the SDK renews it before it ends.",
                GROUP_AWS, ++order, Width.SHORT, "Role session duration");

        order = 0;
        def.define(AGGREGATION, Type.BOOLEAN, true, Importance.MEDIUM,
                "Whether user records are packed into Kinesis records in the KPL aggregation format (consumers"
                        + " de-aggregate with KCL). Off: one Kinesis record per Kafka record.",
                GROUP_PRODUCER, ++order, Width.SHORT, "Aggregation");
        def.define(MAX_BUFFERED_TIME, Type.LONG, 100L, ConfigDef.Range.between(0, 86_400_000L), Importance.MEDIUM,
                "How long a record may wait to be aggregated and batched, in milliseconds. Longer: fewer, fuller"
                        + " requests; shorter: lower latency. At most " + TTL + ".",
                GROUP_PRODUCER, ++order, Width.SHORT, "Max buffered time (ms)");
        def.define(MAX_CONNECTIONS, Type.INT, 24, ConfigDef.Range.between(1, 256), Importance.LOW,
                "The most PutRecords requests in flight at once per task.",
                GROUP_PRODUCER, ++order, Width.SHORT, "Max connections");
        def.define(RATE_LIMIT, Type.LONG, 150L, ConfigDef.Range.between(1, 10_000), Importance.LOW,
                "Per-shard rate limit in percent of the shard's limits (1000 records/s, 1 MiB/s), per task. 150"
                        + " lets a shard absorb bursts and relies on throttling answers past that; lower it when"
                        + " several tasks or producers share a stream.",
                GROUP_PRODUCER, ++order, Width.SHORT, "Rate limit (%)");
        def.define(TTL, Type.LONG, 30_000L, ConfigDef.Range.between(100, 86_400_000L), Importance.MEDIUM,
                "How long a record may take from put to confirmation, retries included, in milliseconds; past it"
                        + " the record fails with error code Expired (then goes to the dead-letter queue, or fails"
                        + " the task).",
                GROUP_PRODUCER, ++order, Width.SHORT, "Record TTL (ms)");
        def.define(METRICS_LEVEL, Type.STRING, "none",
                ConfigDef.CaseInsensitiveValidString.in("none", "summary", "detailed"), Importance.LOW,
                "none: no metrics, no CloudWatch calls. summary or detailed: the producer's metrics (KPL names)"
                        + " go to CloudWatch, with the stream dimension, or stream, shard and error code.",
                GROUP_PRODUCER, ++order, Width.SHORT, "Metrics level");
        def.define(METRICS_GRANULARITY, Type.STRING, "shard",
                ConfigDef.CaseInsensitiveValidString.in("global", "stream", "shard"), Importance.LOW,
                "The finest dimension kept: global, stream or shard. awslabs' misspelt "
                        + LEGACY_METRICS_GRANULARITY + " is read when this key is absent.",
                GROUP_PRODUCER, ++order, Width.SHORT, "Metrics granularity");
        def.define(METRICS_NAMESPACE, Type.STRING, CloudWatchSink.DEFAULT_NAMESPACE, new ConfigDef.NonEmptyString(),
                Importance.LOW, "The CloudWatch namespace of the metrics.",
                GROUP_PRODUCER, ++order, Width.MEDIUM, "Metrics namespace");
        def.define(CLOUDWATCH_ENDPOINT, Type.STRING, "", optional(AiokplSinkConfig::checkUrl), Importance.LOW,
                "A CloudWatch endpoint URL other than the region's. Empty: the region's.",
                GROUP_PRODUCER, ++order, Width.LONG, "CloudWatch endpoint");

        order = 0;
        def.define(USE_PARTITION_AS_HASH_KEY, Type.BOOLEAN, false, Importance.MEDIUM,
                "false: the shard follows the record key (MD5 of the key, as Kinesis does). true: the Kafka"
                        + " partition picks an explicit hash key, partitions spread evenly over the stream's hash"
                        + " range whatever their number (0, 1/2, 1/4, 3/4, ... of the range), so each partition"
                        + " stays on one shard.",
                GROUP_DELIVERY, ++order, Width.SHORT, "Partition as hash key");
        def.define(OUTSTANDING_RECORDS_THRESHOLD, Type.LONG, 100_000L, ConfigDef.Range.between(1, 100_000_000L),
                Importance.MEDIUM,
                "The most records a task holds unconfirmed. Near it the task pauses its partitions (with "
                        + PAUSE_CONSUMPTION + "); at it a put waits up to " + SLEEP_PERIOD
                        + " and then lets Connect redeliver the batch. Memory stays bounded.",
                GROUP_DELIVERY, ++order, Width.SHORT, "Outstanding records threshold");
        def.define(OUTSTANDING_BYTES_THRESHOLD, Type.LONG, 256L * 1024 * 1024,
                ConfigDef.Range.between(10L * 1024 * 1024, 64L * 1024 * 1024 * 1024), Importance.LOW,
                "The most bytes (keys and values) a task holds unconfirmed; as " + OUTSTANDING_RECORDS_THRESHOLD
                        + ".",
                GROUP_DELIVERY, ++order, Width.SHORT, "Outstanding bytes threshold");
        def.define(PAUSE_CONSUMPTION, Type.BOOLEAN, true, Importance.LOW,
                "Whether the task pauses its partitions once 80% of " + OUTSTANDING_RECORDS_THRESHOLD
                        + " is unconfirmed, and resumes them below 50%. Off: only the wait-and-redeliver of "
                        + SLEEP_PERIOD + " applies.",
                GROUP_DELIVERY, ++order, Width.SHORT, "Pause consumption");
        def.define(SLEEP_PERIOD, Type.LONG, 1_000L, ConfigDef.Range.between(0, 600_000L), Importance.LOW,
                "How long a put waits for room in a full producer, in milliseconds, before it throws a"
                        + " RetriableException: Connect then redelivers the batch after this long again (records"
                        + " already accepted are not sent twice).",
                GROUP_DELIVERY, ++order, Width.SHORT, "Sleep period (ms)");
        def.define(CLOSE_TIMEOUT, Type.LONG, 5_000L, ConfigDef.Range.between(0, 600_000L), Importance.LOW,
                "How long closing partitions (rebalance) or stopping the task waits for the records in flight to"
                        + " be confirmed, in milliseconds. What is unconfirmed by then is not committed, and is"
                        + " redelivered to the partition's next owner. Keep it below the worker's"
                        + " task.shutdown.graceful.timeout.ms.",
                GROUP_DELIVERY, ++order, Width.SHORT, "Close timeout (ms)");
        return def;
    }

    // ---------------------------------------------------------------- typed values

    /**
     * The stream a record of {@code topic} goes to.
     *
     * @param topic the record's topic
     * @return the stream from {@link #STREAM_TOPIC_MAP}, else {@link #STREAM_NAME}, else the topic
     */
    public String streamFor(String topic) {
        String mapped = topicStreams.get(topic);
        if (mapped != null) {
            return mapped;
        }
        String name = getString(STREAM_NAME);
        return name.isEmpty() ? topic : name;
    }

    /** Whether the Kafka partition picks the explicit hash key ({@link #USE_PARTITION_AS_HASH_KEY}). */
    public boolean usePartitionAsHashKey() {
        return getBoolean(USE_PARTITION_AS_HASH_KEY);
    }

    /** {@link #PAUSE_CONSUMPTION}. */
    public boolean pauseConsumption() {
        return getBoolean(PAUSE_CONSUMPTION);
    }

    /** {@link #OUTSTANDING_RECORDS_THRESHOLD}. */
    public long outstandingRecordsThreshold() {
        return getLong(OUTSTANDING_RECORDS_THRESHOLD);
    }

    /** {@link #SLEEP_PERIOD} as a duration. */
    public Duration sleepPeriod() {
        return Duration.ofMillis(getLong(SLEEP_PERIOD));
    }

    /** {@link #CLOSE_TIMEOUT} as a duration. */
    public Duration closeTimeout() {
        return Duration.ofMillis(getLong(CLOSE_TIMEOUT));
    }

    /** The Kinesis endpoint to use instead of the region's, or null. */
    public URI kinesisEndpoint() {
        String endpoint = getString(KINESIS_ENDPOINT).trim();
        if (endpoint.isEmpty()) {
            return null;
        }
        return endpoint.contains("://") ? URI.create(endpoint)
                : URI.create("https://" + endpoint + ":" + getInt(KINESIS_PORT));
    }

    /**
     * The producer's configuration: the region and endpoint, the credentials (assumed role or the
     * default chain), the producer keys, and the CloudWatch sink when metrics are on. The producer
     * waits {@link #SLEEP_PERIOD} for room and closes within {@link #CLOSE_TIMEOUT}.
     *
     * @return a validated configuration
     * @throws ConfigException when the producer rejects a combination (named by its field)
     */
    public Config producerConfig() {
        AwsCredentialsProvider credentials = credentialsProvider();
        MetricsLevel metricsLevel = MetricsLevel.valueOf(getString(METRICS_LEVEL).toUpperCase(Locale.ROOT));
        Config.Builder b = Config.builder()
                .region(getString(REGION))
                .endpointOverride(kinesisEndpoint())
                .credentialsProvider(credentials)
                .trustAllCertificates(!getBoolean(VERIFY_CERTIFICATE))
                .aggregationEnabled(getBoolean(AGGREGATION))
                .recordMaxBufferedTime(Duration.ofMillis(getLong(MAX_BUFFERED_TIME)))
                .maxConnections(getInt(MAX_CONNECTIONS))
                .rateLimit(getLong(RATE_LIMIT))
                .recordTtl(Duration.ofMillis(getLong(TTL)))
                .maxOutstandingRecords(outstandingRecordsThreshold())
                .maxOutstandingBytes(getLong(OUTSTANDING_BYTES_THRESHOLD))
                .maxBlockTime(sleepPeriod())
                .closeTimeout(closeTimeout())
                .metricsLevel(metricsLevel)
                .metricsGranularity(MetricsGranularity.valueOf(
                        getString(METRICS_GRANULARITY).toUpperCase(Locale.ROOT)));
        if (metricsLevel != MetricsLevel.NONE) {
            CloudWatchSink.Builder sink = CloudWatchSink.builder()
                    .region(Region.of(getString(REGION)))
                    .namespace(getString(METRICS_NAMESPACE));
            if (credentials != null) {
                sink.credentialsProvider(credentials);
            }
            String cloudwatch = getString(CLOUDWATCH_ENDPOINT).trim();
            if (!cloudwatch.isEmpty()) {
                sink.endpointOverride(URI.create(cloudwatch));
            }
            b.metricsSink(sink.build());
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid producer configuration: " + e.getMessage());
        }
    }

    /** The assumed-role provider of {@link #ROLE_ARN} (the caller closes it), or null for the default chain. */
    private AwsCredentialsProvider credentialsProvider() {
        String roleArn = getString(ROLE_ARN).trim();
        if (roleArn.isEmpty()) {
            return null; // the producer's (and the CloudWatch client's) default chain
        }
        StsClient sts = StsClient.builder().region(Region.of(getString(REGION))).build();
        String externalId = getString(ROLE_EXTERNAL_ID).trim();
        StsAssumeRoleCredentialsProvider provider = StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts)
                .refreshRequest(r -> {
                    r.roleArn(roleArn)
                            .roleSessionName(getString(ROLE_SESSION_NAME))
                            .durationSeconds(getInt(ROLE_DURATION_SECONDS));
                    if (!externalId.isEmpty()) {
                        r.externalId(externalId);
                    }
                })
                .asyncCredentialUpdateEnabled(true)
                .build();
        return new AssumedRole(sts, provider);
    }

    /** The assumed-role provider with the STS client it owns: closing it closes both. */
    record AssumedRole(StsClient sts, StsAssumeRoleCredentialsProvider provider)
            implements AwsCredentialsProvider, AutoCloseable {

        @Override
        public AwsCredentials resolveCredentials() {
            return provider.resolveCredentials();
        }

        @Override
        public void close() {
            provider.close();
            sts.close();
        }

        @Override
        public String toString() {
            return "AssumedRole[" + provider + "]";
        }
    }

    // ---------------------------------------------------------------- validators

    private static ConfigDef.Validator optional(ConfigDef.Validator check) {
        return (name, value) -> {
            if (value != null && !value.toString().isEmpty()) {
                check.ensureValid(name, value);
            }
        };
    }

    private static void checkStream(String name, Object value) {
        if (!STREAM.matcher(value.toString()).matches()) {
            throw new ConfigException(name, value, "a stream name is 1-128 characters of [a-zA-Z0-9_.-]");
        }
    }

    private static void checkRegion(String name, Object value) {
        checkPattern(name, value, "[a-z0-9-]{1,64}");
    }

    private static void checkRoleArn(String name, Object value) {
        checkPattern(name, value, "arn:[a-z-]+:iam::\\d{12}:role/.+");
    }

    private static void checkPattern(String name, Object value, String regex) {
        if (value == null || !value.toString().matches(regex)) {
            throw new ConfigException(name, value, "must match " + regex);
        }
    }

    private static void checkEndpoint(String name, Object value) {
        String s = value.toString().trim();
        if (s.contains("://")) {
            checkUrl(name, s);
        } else if (!s.matches("[A-Za-z0-9.-]+")) {
            throw new ConfigException(name, value, "a host name, or a URL such as https://host:443");
        }
    }

    private static void checkUrl(String name, Object value) {
        try {
            URI uri = URI.create(value.toString().trim());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new ConfigException(name, value, "an http or https URL with a host");
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, "an http or https URL with a host: " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> asList(Object value) {
        return value == null ? List.of() : (List<String>) value;
    }

    private static Map<String, String> parseTopicMap(List<String> entries) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String entry : entries) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int colon = e.lastIndexOf(':');
            if (colon <= 0 || colon == e.length() - 1) {
                throw new ConfigException(STREAM_TOPIC_MAP, entry, "each entry is topic:stream");
            }
            String topic = e.substring(0, colon).trim();
            String stream = e.substring(colon + 1).trim();
            checkStream(STREAM_TOPIC_MAP, stream);
            if (map.put(topic, stream) != null) {
                throw new ConfigException(STREAM_TOPIC_MAP, entry, "topic " + topic + " is listed twice");
            }
        }
        return map;
    }
}
