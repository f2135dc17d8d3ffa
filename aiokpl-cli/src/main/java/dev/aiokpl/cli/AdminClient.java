package dev.aiokpl.cli;

import dev.aiokpl.Config;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * A small Kinesis client beside the producer's, for what the CLI does itself: check that the
 * stream exists, create the demo's stream, read it back. Same endpoint, region, credentials and
 * TLS setting as the producer.
 */
final class AdminClient implements AutoCloseable {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ACTIVE_TIMEOUT = Duration.ofSeconds(120);

    private final KinesisAsyncClient client;
    private final SdkAsyncHttpClient http;
    private final Config config;

    AdminClient(Config config) {
        this.config = config;
        AttributeMap.Builder defaults = AttributeMap.builder();
        if (config.trustAllCertificates()) {
            defaults.put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE);
        }
        this.http = NettyNioAsyncHttpClient.builder()
                .protocol(Protocol.HTTP1_1)
                .maxConcurrency(16)
                .connectionTimeout(config.connectTimeout())
                .buildWithDefaults(defaults.build());
        KinesisAsyncClientBuilder builder = KinesisAsyncClient.builder()
                .region(Region.of(config.region()))
                .httpClient(http)
                .overrideConfiguration(o -> o.apiCallTimeout(CALL_TIMEOUT));
        if (config.endpointOverride() != null) {
            builder.endpointOverride(config.endpointOverride());
        }
        if (config.credentialsProvider() != null) {
            builder.credentialsProvider(config.credentialsProvider());
        }
        this.client = builder.build();
    }

    KinesisAsyncClient client() {
        return client;
    }

    /** Where the stream lives, for messages: the endpoint or the region. */
    String where() {
        return config.endpointOverride() != null
                ? config.endpointOverride() + " (region " + config.region() + ")"
                : "region " + config.region();
    }

    /**
     * Fails with a clear message if the stream does not exist or Kinesis cannot be reached. An
     * answer such as AccessDenied (a role allowed to put but not to describe) is not fatal: the
     * producer reports what the stream itself answers.
     *
     * @return the stream's open shard count, or -1 when it could not be described
     */
    int requireStream(String stream) {
        try {
            StreamDescriptionSummary summary = call(client.describeStreamSummary(r -> r.streamName(stream)))
                    .streamDescriptionSummary();
            return summary.openShardCount() == null ? -1 : summary.openShardCount();
        } catch (ResourceNotFoundException e) {
            throw new CliException("stream '" + stream + "' does not exist at " + where() + " ("
                    + e.awsErrorDetails().errorMessage() + ")");
        } catch (AwsServiceException e) {
            return -1;
        } catch (SdkException e) {
            throw new CliException("cannot reach Kinesis at " + where() + ": " + e.getMessage());
        }
    }

    /** Creates a provisioned stream and waits until it is ACTIVE. */
    void createStream(String stream, int shards) {
        try {
            call(client.createStream(r -> r.streamName(stream).shardCount(shards)));
            long deadline = System.nanoTime() + ACTIVE_TIMEOUT.toNanos();
            while (call(client.describeStreamSummary(r -> r.streamName(stream)))
                    .streamDescriptionSummary().streamStatus() != StreamStatus.ACTIVE) {
                if (System.nanoTime() - deadline > 0) {
                    throw new CliException("stream '" + stream + "' was not ACTIVE within " + ACTIVE_TIMEOUT.toSeconds()
                            + " s");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        } catch (SdkException e) {
            throw new CliException("cannot create stream '" + stream + "' at " + where() + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        client.close();
        http.close();
    }

    /** Joins an SDK future, rethrowing the SDK's own exception. */
    private static <T> T call(CompletableFuture<T> future) {
        try {
            return future.get(CALL_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new CliException(String.valueOf(e.getCause()));
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new CliException("Kinesis did not answer within " + CALL_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }
}
