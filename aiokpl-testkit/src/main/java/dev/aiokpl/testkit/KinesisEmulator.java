package dev.aiokpl.testkit;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A local Kinesis emulator on 127.0.0.1, one shared instance per {@link Kind} per JVM.
 *
 * <p>{@link #kinesisLocal()} and {@link #kinesalite()} reuse the emulator named by the environment
 * variable of its kind ({@link Kind#endpointVariable()}, set by {@code .ci/run} and
 * {@code scripts/emulators.sh env}); without it they install the pinned npm package into
 * {@code <repository root>/.emulators} (or {@code $AIOKPL_EMULATORS_DIR}), start it on free
 * 127.0.0.1 ports with the preloads in {@code scripts/}, and stop it in a JVM shutdown hook. Node.js
 * and npm must then be on the PATH.
 *
 * <p>Every wait here is bounded: stream operations give up after {@link #OPERATION_TIMEOUT} with an
 * {@link IllegalStateException}.
 */
public final class KinesisEmulator {

    /** The region every emulator client uses. */
    public static final String REGION = "us-east-1";

    /** How long {@link #createStream}, {@link #splitShard} and the like wait for the stream. */
    public static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(60);

    /** Timeout of one whole API call (retries included) for clients from {@link #newClient()}. */
    public static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(30);

    private static final AwsCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("aiokpl-test", "aiokpl-test-secret"));
    private static final Duration POLL_INTERVAL = Duration.ofMillis(25);
    private static final AtomicLong STREAM_COUNTER = new AtomicLong();
    private static final Object CBOR_PROPERTY_LOCK = new Object();
    private static final Map<Kind, KinesisEmulator> INSTANCES = new EnumMap<>(Kind.class);

    /** The two emulators this project tests against. */
    public enum Kind {
        /**
         * The npm package kinesis-local 0.6.2 (a build of kinesis-mock): faithful resharding and
         * ListShards filters, CBOR and JSON, slow (hundreds of records/s). For functional tests.
         */
        KINESIS_LOCAL("kinesis-local", "AIOKPL_KINESIS_LOCAL_ENDPOINT", true),
        /**
         * The npm package kinesalite 3.3.3: JSON only, ignores ShardFilter and ListShards paging, fast
         * (about 10 000 records/s). For volume tests; not for resharding.
         */
        KINESALITE("kinesalite", "AIOKPL_KINESALITE_ENDPOINT", false);

        private final String packageName;
        private final String endpointVariable;
        private final boolean supportsCbor;

        Kind(String packageName, String endpointVariable, boolean supportsCbor) {
            this.packageName = packageName;
            this.endpointVariable = endpointVariable;
            this.supportsCbor = supportsCbor;
        }

        /** The npm package name. */
        public String packageName() {
            return packageName;
        }

        /** The environment variable that points the test kit at an already running instance. */
        public String endpointVariable() {
            return endpointVariable;
        }

        /** Whether the emulator understands the SDK's default CBOR protocol (kinesalite does not). */
        public boolean supportsCbor() {
            return supportsCbor;
        }
    }

    private final Kind kind;
    private final URI endpoint;
    private final EmulatorLauncher.Started started;
    private final KinesisAsyncClient admin;

    private KinesisEmulator(Kind kind, URI endpoint, EmulatorLauncher.Started started) {
        this.kind = kind;
        this.endpoint = endpoint;
        this.started = started;
        this.admin = newClient();
    }

    /** The shared kinesis-local: {@code $AIOKPL_KINESIS_LOCAL_ENDPOINT}, or one started for this JVM. */
    public static KinesisEmulator kinesisLocal() {
        return get(Kind.KINESIS_LOCAL);
    }

    /** The shared kinesalite: {@code $AIOKPL_KINESALITE_ENDPOINT}, or one started for this JVM. */
    public static KinesisEmulator kinesalite() {
        return get(Kind.KINESALITE);
    }

    /** The shared emulator of the given kind (see {@link #kinesisLocal()}). */
    public static synchronized KinesisEmulator get(Kind kind) {
        KinesisEmulator emulator = INSTANCES.get(kind);
        if (emulator == null) {
            emulator = create(kind);
            INSTANCES.put(kind, emulator);
        }
        return emulator;
    }

    private static KinesisEmulator create(Kind kind) {
        String configured = System.getenv(kind.endpointVariable());
        if (configured != null && !configured.isBlank()) {
            return new KinesisEmulator(kind, URI.create(configured.trim()), null);
        }
        EmulatorLauncher.Started started = EmulatorLauncher.start(kind);
        KinesisEmulator emulator =
                new KinesisEmulator(kind, URI.create("http://127.0.0.1:" + started.port()), started);
        Runtime.getRuntime().addShutdownHook(new Thread(emulator::shutdown, "aiokpl-stop-" + kind.packageName()));
        return emulator;
    }

    private void shutdown() {
        admin.close();
        if (started != null) {
            started.stop();
        }
    }

    /** Plain-HTTP endpoint on 127.0.0.1. */
    public URI endpoint() {
        return endpoint;
    }

    /** Always {@value #REGION}. */
    public String region() {
        return REGION;
    }

    /** Which emulator this is. */
    public Kind kind() {
        return kind;
    }

    /** Whether this JVM started the emulator (false when it came from the environment variable). */
    public boolean startedByThisJvm() {
        return started != null;
    }

    /** Static fake credentials; the emulators accept any. */
    public AwsCredentialsProvider credentialsProvider() {
        return CREDENTIALS;
    }

    /**
     * A new async client for this emulator (the caller closes it): plain HTTP/1.1 over Netty, the
     * fake credentials, region {@value #REGION}, whole-call timeout {@link #API_CALL_TIMEOUT}.
     * For kinesalite the client speaks JSON instead of CBOR (see {@link #buildWithCborDisabled}).
     */
    public KinesisAsyncClient newClient() {
        KinesisAsyncClientBuilder builder = configure(KinesisAsyncClient.builder())
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .protocol(Protocol.HTTP1_1)
                        .maxConcurrency(64)
                        .connectionTimeout(Duration.ofSeconds(5)))
                .overrideConfiguration(c -> c.apiCallTimeout(API_CALL_TIMEOUT));
        return kind.supportsCbor() ? builder.build() : buildWithCborDisabled(builder::build);
    }

    /**
     * Points a builder at this emulator (endpoint, region, fake credentials) and leaves the rest,
     * HTTP client included, to the caller. For kinesalite build it inside {@link #buildWithCborDisabled}.
     */
    public KinesisAsyncClientBuilder configure(KinesisAsyncClientBuilder builder) {
        return builder.endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(CREDENTIALS);
    }

    /**
     * Runs {@code build} with the system property {@code aws.cborEnabled=false}, then restores it.
     *
     * <p>The SDK (2.57) has no per-client protocol switch: each Kinesis client reads
     * {@code aws.cborEnabled} (then {@code AWS_CBOR_ENABLED}) once, while it is built, and keeps
     * CBOR or JSON for life. So a client built inside this call speaks JSON, which kinesalite needs
     * (its CBOR PutRecords/GetRecords answers break the SDK's parser). Use it for any client that
     * must talk to kinesalite, e.g. {@code buildWithCborDisabled(() -> Producer.create(config))} when
     * the producer builds its client in {@code create}. A client built on another thread during
     * these few milliseconds would also get JSON, which every emulator and AWS accept.
     */
    public static <T> T buildWithCborDisabled(Supplier<T> build) {
        String property = SdkSystemSetting.CBOR_ENABLED.property();
        synchronized (CBOR_PROPERTY_LOCK) {
            String previous = System.getProperty(property);
            System.setProperty(property, "false");
            try {
                return build.get();
            } finally {
                if (previous == null) {
                    System.clearProperty(property);
                } else {
                    System.setProperty(property, previous);
                }
            }
        }
    }

    /** A stream name unique in this JVM and across runs against a long-lived emulator. */
    public String uniqueStreamName(String prefix) {
        String base = prefix == null || prefix.isBlank() ? "test" : prefix.replaceAll("[^a-zA-Z0-9_.-]", "-");
        String suffix = "-" + STREAM_COUNTER.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
        return base.substring(0, Math.min(base.length(), 128 - suffix.length())) + suffix;
    }

    /** Creates a provisioned stream and waits until it is ACTIVE. */
    public void createStream(String name, int shards) {
        call("CreateStream " + name, admin.createStream(r -> r.streamName(name).shardCount(shards)));
        awaitActive(name);
    }

    /** Deletes a stream and waits until it is gone. */
    public void deleteStream(String name) {
        call("DeleteStream " + name, admin.deleteStream(r -> r.streamName(name).enforceConsumerDeletion(true)));
        long deadline = deadline();
        while (true) {
            try {
                call("DescribeStreamSummary " + name, admin.describeStreamSummary(r -> r.streamName(name)));
            } catch (ResourceNotFoundException gone) {
                return;
            }
            pauseOrFail(deadline, "stream " + name + " still exists after DeleteStream");
        }
    }

    /**
     * Splits a shard at {@code newStartingHashKey} (decimal) and waits until the stream is ACTIVE
     * and both children are listed. Returns the two child shard ids.
     */
    public List<String> splitShard(String stream, String shardId, String newStartingHashKey) {
        call("SplitShard " + stream + "/" + shardId, admin.splitShard(
                r -> r.streamName(stream).shardToSplit(shardId).newStartingHashKey(newStartingHashKey)));
        long deadline = deadline();
        while (true) {
            awaitActive(stream);
            List<String> children = listShards(stream).stream()
                    .filter(s -> shardId.equals(s.parentShardId()) && s.adjacentParentShardId() == null)
                    .map(Shard::shardId)
                    .toList();
            if (children.size() == 2) {
                return children;
            }
            pauseOrFail(deadline, "SplitShard of " + stream + "/" + shardId + " did not produce two children");
        }
    }

    /** Merges two adjacent shards and waits until the stream is ACTIVE and the child is listed; returns its id. */
    public String mergeShards(String stream, String shardId, String adjacentShardId) {
        call("MergeShards " + stream + "/" + shardId + "+" + adjacentShardId, admin.mergeShards(
                r -> r.streamName(stream).shardToMerge(shardId).adjacentShardToMerge(adjacentShardId)));
        long deadline = deadline();
        while (true) {
            awaitActive(stream);
            for (Shard s : listShards(stream)) {
                if (shardId.equals(s.parentShardId()) && adjacentShardId.equals(s.adjacentParentShardId())) {
                    return s.shardId();
                }
            }
            pauseOrFail(deadline, "MergeShards of " + stream + "/" + shardId + " produced no child");
        }
    }

    /**
     * Every shard of the stream, open and closed, in the emulator's order (by shard id). Pages
     * with NextToken alone after the first call, as the API requires.
     */
    public List<Shard> listShards(String stream) {
        List<Shard> shards = new ArrayList<>();
        ListShardsRequest request = ListShardsRequest.builder().streamName(stream).build();
        for (int page = 0; page < 10_000; page++) {
            ListShardsResponse response = call("ListShards " + stream, admin.listShards(request));
            shards.addAll(response.shards());
            if (response.nextToken() == null) {
                return shards;
            }
            request = ListShardsRequest.builder().nextToken(response.nextToken()).build();
        }
        throw new IllegalStateException("ListShards of " + stream + " returned more than 10 000 pages");
    }

    /** Waits until the stream's status is ACTIVE. */
    public void awaitActive(String stream) {
        long deadline = deadline();
        while (true) {
            StreamStatus status = call("DescribeStreamSummary " + stream,
                    admin.describeStreamSummary(r -> r.streamName(stream)))
                    .streamDescriptionSummary().streamStatus();
            if (status == StreamStatus.ACTIVE) {
                return;
            }
            pauseOrFail(deadline, "stream " + stream + " is " + status + ", not ACTIVE");
        }
    }

    @Override
    public String toString() {
        return kind.packageName() + "@" + endpoint;
    }

    private static long deadline() {
        return System.nanoTime() + OPERATION_TIMEOUT.toNanos();
    }

    private static void pauseOrFail(long deadline, String what) {
        if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException(what + " after " + OPERATION_TIMEOUT);
        }
        EmulatorLauncher.pause(POLL_INTERVAL);
    }

    /** Joins an SDK future with a bound; rethrows the service exception itself (unwrapped). */
    static <T> T call(String what, CompletableFuture<T> future) {
        Objects.requireNonNull(future);
        try {
            return future.get(API_CALL_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(what + " failed", cause);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new IllegalStateException(what + " did not answer within " + API_CALL_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + what, e);
        }
    }
}
