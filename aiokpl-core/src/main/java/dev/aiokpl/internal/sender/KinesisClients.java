package dev.aiokpl.internal.sender;

import dev.aiokpl.Config;
import dev.aiokpl.internal.DaemonThreadFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * Builds the Kinesis client a producer owns: Netty HTTP/1.1 with {@code maxConnections} (+2 for
 * ListShards) connections, the SDK's retries off (the retrier decides), every thread a daemon named
 * {@code aiokpl-*}, futures completed on the I/O thread (the pipeline only enqueues there); and, unless
 * {@code directPutRecords} is off, the {@link DirectPutRecords} transport over the same HTTP client,
 * credentials and endpoint.
 */
public final class KinesisClients {

    private static final Logger LOG = LoggerFactory.getLogger(KinesisClients.class);

    /** A client and everything it runs on, closed together. */
    public static final class Owned implements AutoCloseable {
        private final KinesisAsyncClient client;
        private final SdkAsyncHttpClient http;
        private final SdkEventLoopGroup eventLoopGroup;
        private final ScheduledExecutorService scheduler;
        private final List<DaemonThreadFactory> threads;
        private final PutRecordsTransport transport;

        Owned(KinesisAsyncClient client, SdkAsyncHttpClient http, SdkEventLoopGroup eventLoopGroup,
                ScheduledExecutorService scheduler, List<DaemonThreadFactory> threads, PutRecordsTransport transport) {
            this.client = client;
            this.transport = transport;
            this.http = http;
            this.eventLoopGroup = eventLoopGroup;
            this.scheduler = scheduler;
            this.threads = threads;
        }

        public KinesisAsyncClient client() {
            return client;
        }

        /** How PutRecords requests go out: {@link DirectPutRecords}, or the client when directPutRecords is off. */
        public PutRecordsTransport transport() {
            return transport;
        }

        /** Closes the client, then waits (up to 5 s each) until its I/O and timer threads have ended. */
        @Override
        public void close() {
            client.close();
            http.close();
            eventLoopGroup.eventLoopGroup().shutdownGracefully(0, 2, TimeUnit.SECONDS);
            scheduler.shutdownNow();
            // Wait for the threads themselves, so that no aiokpl- thread outlives close().
            try {
                for (DaemonThreadFactory f : threads) {
                    if (!f.awaitThreadsEnded(Duration.ofSeconds(5))) {
                        LOG.warn("threads of the Kinesis client ({}) did not end within 5 s of close()", f);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private KinesisClients() {
    }

    /** Builds the client described by the configuration. */
    public static Owned create(Config config) {
        if (config.trustAllCertificates()) {
            LOG.warn("trustAllCertificates is set: TLS certificates of {} are NOT verified. Use this against local "
                    + "emulators only.", config.endpointOverride() == null ? "Kinesis" : config.endpointOverride());
        }
        DaemonThreadFactory nettyThreads = new DaemonThreadFactory("netty");
        DaemonThreadFactory timerThreads = new DaemonThreadFactory("sdk-timer");
        SdkEventLoopGroup group = SdkEventLoopGroup.builder()
                .numberOfThreads(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())))
                .threadFactory(nettyThreads)
                .build();
        AttributeMap.Builder defaults = AttributeMap.builder();
        if (config.trustAllCertificates()) {
            defaults.put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE);
        }
        SdkAsyncHttpClient http = NettyNioAsyncHttpClient.builder()
                .eventLoopGroup(group)
                .maxConcurrency(config.maxConnections() + 2)
                .connectionTimeout(config.connectTimeout())
                .protocol(Protocol.HTTP1_1)
                .buildWithDefaults(defaults.build());
        ScheduledExecutorService scheduler =
                Executors.newSingleThreadScheduledExecutor(timerThreads);
        // Read as the SDK client reads it when built: the direct path speaks the protocol the client speaks.
        boolean cbor = SdkSystemSetting.CBOR_ENABLED.getBooleanValueOrThrow();
        EndpointRecorder endpoints = new EndpointRecorder();
        KinesisAsyncClientBuilder builder = KinesisAsyncClient.builder()
                .region(Region.of(config.region()))
                .httpClient(http)
                .overrideConfiguration(o -> o
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .addExecutionInterceptor(endpoints)
                        .scheduledExecutorService(scheduler))
                .asyncConfiguration(a -> a.advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR,
                        Runnable::run));
        if (config.endpointOverride() != null) {
            builder.endpointOverride(config.endpointOverride());
        }
        if (config.credentialsProvider() != null) {
            builder.credentialsProvider(config.credentialsProvider());
        }
        KinesisAsyncClient client = builder.build();
        PutRecordsTransport sdk = new SdkPutRecords(client);
        PutRecordsTransport transport = !config.directPutRecords() ? sdk
                : new DirectPutRecords(http, client.serviceClientConfiguration().credentialsProvider(),
                        client.serviceClientConfiguration().region().id(), endpoints, cbor, sdk, scheduler);
        return new Owned(client, http, group, scheduler, List.of(nettyThreads, timerThreads), transport);
    }
}
