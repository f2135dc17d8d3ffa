package dev.aiokpl;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the KPL's property names into a {@link Config.Builder}, so a {@code kpl.properties} file
 * can be reused as is.
 *
 * <p>Understood keys (KPL units: milliseconds for times): {@code Region}, {@code KinesisEndpoint},
 * {@code KinesisPort}, {@code VerifyCertificate}, {@code AggregationEnabled},
 * {@code AggregationMaxCount}, {@code AggregationMaxSize}, {@code CollectionMaxCount},
 * {@code CollectionMaxSize}, {@code RecordMaxBufferedTime}, {@code RecordTtl}, {@code RateLimit},
 * {@code FailIfThrottled}, {@code MaxConnections}, {@code ConnectTimeout}, {@code RequestTimeout},
 * {@code MetricsLevel}, {@code MetricsGranularity}, {@code MetricsUploadDelay}; and this library's
 * own {@code MaxOutstandingRecords}, {@code MaxOutstandingBytes}, {@code MaxBlockTime},
 * {@code MaxRecordSize}, {@code ShardMapRefreshInterval}, {@code CloseTimeout}, {@code AdaptiveSending}, {@code OrderedDelivery}. Keys the KPL has but
 * that mean nothing here (native process, CloudWatch endpoint, threading...) are logged as warnings.
 */
final class KplProperties {

    private static final Logger LOG = LoggerFactory.getLogger(Config.class);

    private static final Set<String> IGNORED = Set.of(
            "CloudwatchEndpoint", "CloudwatchPort", "StsEndpoint", "StsPort", "LogLevel", "NativeExecutable",
            "TempDirectory", "ThreadingModel", "ThreadPoolSize", "MinConnections", "EnableCoreDumps",
            "MetricsNamespace", "CredentialsRefreshDelay", "UserRecordTimeoutInMillis", "ProxyHost",
            "ProxyPort", "ProxyUserName", "ProxyPassword", "EnableOldStyleCompression");

    private KplProperties() {
    }

    /** Builds a validated Config; an error from validation is prefixed with the KPL key that set the field. */
    static Config build(Properties p) {
        Config.Builder b = apply(p, Config.builder());
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            String field = e.getMessage().split(" ", 2)[0];
            for (String key : p.stringPropertyNames()) {
                if (key.equalsIgnoreCase(field) || field.equals(FIELD_OF.get(key))) {
                    throw new IllegalArgumentException("property " + key + ": " + e.getMessage(), e);
                }
            }
            throw e;
        }
    }

    private static final java.util.Map<String, String> FIELD_OF = java.util.Map.of(
            "MetricsUploadDelay", "metricsUploadInterval",
            "KinesisEndpoint", "endpointOverride",
            "VerifyCertificate", "trustAllCertificates");

    static Config.Builder apply(Properties p, Config.Builder b) {
        String endpoint = null;
        Long port = null;
        boolean verifyCertificate = true;
        for (String key : p.stringPropertyNames()) {
            String value = p.getProperty(key).trim();
            switch (key) {
                case "Region" -> b.region(value);
                case "KinesisEndpoint" -> endpoint = value;
                case "KinesisPort" -> port = longValue(key, value);
                case "VerifyCertificate" -> verifyCertificate = bool(key, value);
                case "AggregationEnabled" -> b.aggregationEnabled(bool(key, value));
                case "AggregationMaxCount" -> b.aggregationMaxCount(longValue(key, value));
                case "AggregationMaxSize" -> b.aggregationMaxSize(intValue(key, value));
                case "CollectionMaxCount" -> b.collectionMaxCount(intValue(key, value));
                case "CollectionMaxSize" -> b.collectionMaxSize(longValue(key, value));
                case "RecordMaxBufferedTime" -> b.recordMaxBufferedTime(millis(key, value));
                case "RecordTtl" -> b.recordTtl(millis(key, value));
                case "RateLimit" -> b.rateLimit(longValue(key, value));
                case "FailIfThrottled" -> b.failIfThrottled(bool(key, value));
                case "MaxConnections" -> b.maxConnections(intValue(key, value));
                case "ConnectTimeout" -> b.connectTimeout(millis(key, value));
                case "RequestTimeout" -> b.requestTimeout(millis(key, value));
                case "AdaptiveSending" -> b.adaptiveSending(bool(key, value));
                case "OrderedDelivery" -> b.orderedDelivery(bool(key, value));
                case "MetricsLevel" -> b.metricsLevel(enumValue(MetricsLevel.class, key, value));
                case "MetricsGranularity" -> b.metricsGranularity(enumValue(MetricsGranularity.class, key, value));
                case "MetricsUploadDelay" -> b.metricsUploadInterval(millis(key, value));
                case "MaxOutstandingRecords" -> b.maxOutstandingRecords(longValue(key, value));
                case "MaxOutstandingBytes" -> b.maxOutstandingBytes(longValue(key, value));
                case "MaxBlockTime" -> b.maxBlockTime(millis(key, value));
                case "MaxRecordSize" -> b.maxRecordSize(intValue(key, value));
                case "ShardMapRefreshInterval" -> b.shardMapRefreshInterval(millis(key, value));
                case "CloseTimeout" -> b.closeTimeout(millis(key, value));
                default -> {
                    if (IGNORED.contains(key)) {
                        LOG.warn("KPL property {} has no meaning in aiokpl and is ignored", key);
                    } else {
                        LOG.warn("Unknown property {} is ignored", key);
                    }
                }
            }
        }
        if (endpoint != null) {
            b.endpointOverride(endpointUri(endpoint, port));
        } else if (port != null) {
            throw new IllegalArgumentException("KinesisPort is set (" + port + ") but KinesisEndpoint is not");
        }
        if (!verifyCertificate) {
            b.trustAllCertificates(true);
        }
        return b;
    }

    private static URI endpointUri(String endpoint, Long port) {
        String withScheme = endpoint.contains("://") ? endpoint : "https://" + endpoint;
        URI uri;
        try {
            uri = URI.create(withScheme);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("KinesisEndpoint is not a valid host or URI (got \"" + endpoint + "\")", e);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("KinesisEndpoint is not a valid host or URI (got \"" + endpoint + "\")");
        }
        if (port != null) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("KinesisPort must be in [1, 65535] (got " + port + ")");
            }
            uri = URI.create(uri.getScheme() + "://" + uri.getHost() + ":" + port);
        }
        return uri;
    }

    private static boolean bool(String key, String value) {
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(key + " must be true or false (got \"" + value + "\")");
    }

    private static long longValue(String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer (got \"" + value + "\")", e);
        }
    }

    private static int intValue(String key, String value) {
        long v = longValue(key, value);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + " is out of range (got \"" + value + "\")");
        }
        return (int) v;
    }

    private static Duration millis(String key, String value) {
        long ms = longValue(key, value);
        if (ms < 0) {
            throw new IllegalArgumentException(key + " must not be negative (got \"" + value + "\")");
        }
        return Duration.ofMillis(ms);
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String key, String value) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " must be one of "
                    + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT)
                    + " (got \"" + value + "\")", e);
        }
    }
}
