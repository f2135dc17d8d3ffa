package dev.aiokpl.cli;

import dev.aiokpl.Config;
import dev.aiokpl.MetricsGranularity;
import dev.aiokpl.MetricsLevel;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;

/**
 * Turns the command line into the producer's {@link Config}: defaults, then {@code --config}
 * (KPL property names), then the options. Also decides the credentials: the SDK's default chain,
 * or fixed fake ones for an endpoint on this machine when no AWS credentials are in the environment
 * (local emulators accept any).
 */
final class Settings {

    /** The fake credentials used for a local endpoint. */
    static final AwsCredentialsProvider LOCAL_CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("aiokpl-local", "aiokpl-local-secret"));

    private Settings() {
    }

    /**
     * The validated configuration.
     *
     * @param cmd      the command, for usage errors
     * @param local    the endpoint of an emulator this run started, or null to use {@code conn}
     * @param sink     receives the producer's metrics (the run's totals)
     * @throws ParameterException (exit code 2) for a bad value, naming the option or property
     */
    static Config config(CommandLine cmd, ConnectionOptions conn, ProducerOptions options, URI local,
                         TotalsSink sink) {
        Properties properties = load(cmd, options);
        URI endpoint = local != null ? local : conn.endpoint;
        if (endpoint != null && (endpoint.getScheme() == null || endpoint.getHost() == null)) {
            throw new ParameterException(cmd, "--endpoint must be a URL with a scheme and a host, like"
                    + " http://127.0.0.1:4568 (got '" + endpoint + "')");
        }
        String region = local != null ? LocalKinesis.REGION : conn.region;
        if (region == null && !properties.containsKey("Region")) {
            region = regionFromEnvironment();
            if (region == null && isLocal(endpoint != null ? endpoint : fileEndpoint(properties))) {
                region = LocalKinesis.REGION;
            }
            if (region == null) {
                throw new ParameterException(cmd, "no AWS region: give --region, set AWS_REGION, or put Region in"
                        + " the --config file");
            }
        }
        if (region != null) {
            properties.setProperty("Region", region);
        }
        try {
            Config base = Config.fromProperties(properties);
            Config.Builder b = base.toBuilder();
            if (endpoint != null) {
                b.endpointOverride(endpoint);
            }
            if (conn.trustAllCertificates != null) {
                b.trustAllCertificates(conn.trustAllCertificates);
            }
            options.applyTo(b);
            URI effective = endpoint != null ? endpoint : base.endpointOverride();
            if (isLocal(effective) && !environmentHasCredentials()) {
                b.credentialsProvider(LOCAL_CREDENTIALS);
            }
            return b.metricsLevel(MetricsLevel.SUMMARY)
                    .metricsGranularity(MetricsGranularity.GLOBAL)
                    .metricsSink(sink)
                    .metricsUploadInterval(Duration.ofSeconds(1))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cmd, e.getMessage(), e);
        }
    }

    private static Properties load(CommandLine cmd, ProducerOptions options) {
        Properties properties = new Properties();
        if (options.config == null) {
            return properties;
        }
        try (InputStream in = Files.newInputStream(options.config)) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new ParameterException(cmd, "cannot read --config " + options.config + ": " + e.getMessage());
        }
        return properties;
    }

    private static URI fileEndpoint(Properties properties) {
        String host = properties.getProperty("KinesisEndpoint");
        if (host == null || host.isBlank()) {
            return null;
        }
        try {
            return URI.create(host.contains("://") ? host.trim() : "https://" + host.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** AWS_REGION / aws.region, then the profile's region; never the EC2 metadata service (slow off EC2). */
    private static String regionFromEnvironment() {
        for (AwsRegionProvider provider : new AwsRegionProvider[] {
                new SystemSettingsRegionProvider(), new AwsProfileRegionProvider()}) {
            try {
                Region region = provider.getRegion();
                if (region != null) {
                    return region.id();
                }
            } catch (SdkClientException | IllegalStateException e) {
                // Not set there; try the next.
            }
        }
        return null;
    }

    /** Whether the endpoint is on this machine (127.0.0.0/8, localhost, ::1). */
    static boolean isLocal(URI endpoint) {
        if (endpoint == null || endpoint.getHost() == null) {
            return false;
        }
        String host = endpoint.getHost().toLowerCase(Locale.ROOT);
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }

    private static boolean environmentHasCredentials() {
        String env = System.getenv("AWS_ACCESS_KEY_ID");
        String property = System.getProperty("aws.accessKeyId");
        return (env != null && !env.isBlank()) || (property != null && !property.isBlank());
    }
}
