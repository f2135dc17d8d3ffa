package dev.aiokpl.testkit;

import static dev.aiokpl.testkit.Puts.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

@IntegrationTest
class FaultProxyTest {

    private static final long ONE_MB_PER_SECOND = 1_000_000;
    /** 1.2 MB as base64: about 1.2 s at 1 MB/s. */
    private static final int BIG_DATA = 900_000;

    private static KinesisEmulator emulator;
    private static FaultProxy proxy;
    private static KinesisAsyncClient client;
    private static KinesisAsyncClient direct;
    private String stream;

    @BeforeAll
    static void startProxy() {
        emulator = KinesisEmulator.kinesalite();
        proxy = FaultProxy.start(emulator, 7);
        client = KinesisEmulator.buildWithCborDisabled(() -> emulator.configure(KinesisAsyncClient.builder())
                .endpointOverride(proxy.endpoint())
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(Duration.ofSeconds(10)))
                .build());
        direct = emulator.newClient();
    }

    @AfterAll
    static void stopProxy() {
        client.close();
        direct.close();
        proxy.close();
    }

    @BeforeEach
    void newStream() {
        proxy.release();
        proxy.clearFaults().resetStats();
        stream = emulator.uniqueStreamName("proxy");
        emulator.createStream(stream, 2);
    }

    @Test
    void withoutFaultsEverythingPassesThrough() throws Exception {
        PutRecordsResponse response = put(entries("plain", 20));

        assertThat(response.failedRecordCount()).isZero();
        assertThat(response.records()).hasSize(20).allSatisfy(e -> assertThat(e.sequenceNumber()).isNotNull());
        assertThat(dataRead()).hasSize(20);
        assertThat(proxy.stats().entriesAccepted()).isEqualTo(20);
        assertThat(proxy.stats().putRecordsRequests()).isEqualTo(1);
    }

    @Test
    void throttledEntriesAreAnsweredInPlaceAndNeverStored() throws Exception {
        proxy.throttleRecords(0.5);

        PutRecordsResponse response = put(entries("throttled", 200));

        List<String> accepted = new ArrayList<>();
        int throttled = 0;
        for (int i = 0; i < 200; i++) {
            PutRecordsResultEntry e = response.records().get(i);
            if (e.errorCode() == null) {
                accepted.add("throttled-" + i);
            } else {
                assertThat(e.errorCode()).isEqualTo(FaultProxy.THROTTLED);
                assertThat(e.errorMessage()).startsWith("Rate exceeded for stream " + stream);
                throttled++;
            }
        }
        assertThat(response.failedRecordCount()).isEqualTo(throttled);
        assertThat(throttled).isBetween(60, 140);
        assertThat(dataRead()).containsExactlyInAnyOrderElementsOf(accepted);
        assertThat(proxy.stats().entriesRejected()).containsEntry(FaultProxy.THROTTLED, (long) throttled);
    }

    @Test
    void requestErrorsAnswerAsTheServiceWouldAndStoreNothing() {
        for (RequestFault fault : List.of(RequestFault.THROTTLE_REQUEST, RequestFault.INTERNAL_FAILURE,
                RequestFault.SERVICE_UNAVAILABLE, RequestFault.ACCESS_DENIED, RequestFault.KMS_THROTTLING,
                RequestFault.VALIDATION)) {
            proxy.injectNext(fault, 1);
            Throwable thrown = catchThrowable(() -> put(entries(fault.name(), 3)));
            assertThat(thrown).as(fault.name()).isInstanceOf(AwsServiceException.class);
            AwsServiceException e = (AwsServiceException) thrown;
            assertThat(e.statusCode()).as(fault.name()).isEqualTo(fault.status());
            assertThat(e.awsErrorDetails().errorCode()).as(fault.name()).isEqualTo(fault.errorCode());
        }
        assertThat(dataRead()).isEmpty();
        assertThat(proxy.stats().requestFaultsTotal()).isEqualTo(6);
    }

    @Test
    void resetsAndLateAnswersLeaveTheOutcomeUnknownOnlyWhenForwarded() throws Exception {
        proxy.injectNext(RequestFault.RESET_BEFORE_FORWARD, 1);
        assertThat(catchThrowable(() -> put(entries("before", 2)))).isInstanceOf(SdkClientException.class);
        assertThat(dataRead()).isEmpty();

        proxy.injectNext(RequestFault.RESET_AFTER_FORWARD, 1);
        assertThat(catchThrowable(() -> put(entries("after", 2)))).isInstanceOf(SdkClientException.class);
        assertThat(dataRead()).containsExactlyInAnyOrder("after-0", "after-1");

        proxy.responseDelay(Duration.ofMillis(1500)).injectNext(RequestFault.DELAY_RESPONSE, 1);
        CompletableFuture<PutRecordsResponse> late = client.putRecords(r -> r.streamName(stream)
                .records(entries("late", 2)).overrideConfiguration(o -> o.apiCallTimeout(Duration.ofMillis(300))));
        assertThat(catchThrowable(late::join)).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(ApiCallTimeoutException.class);
        assertThat(dataRead()).contains("late-0", "late-1");

        proxy.injectNext(RequestFault.WRONG_RECORD_COUNT, 1);
        assertThat(put(entries("count", 3)).records()).hasSize(2);
        assertThat(dataRead()).contains("count-0", "count-1", "count-2");
        assertThat(proxy.stats().unknownOutcome()).isEqualTo(7);
    }

    @Test
    void shardLimitsThrottleWhatExceedsOneSecondOfAShard() throws Exception {
        proxy.enforceShardLimits(true);
        String hot = emulator.listShards(stream).get(0).hashKeyRange().startingHashKey();
        byte[] big = new byte[300 * 1024];
        List<PutRecordsRequestEntry> four = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            four.add(entry("k", hot, big));
        }
        long start = System.nanoTime();
        PutRecordsResponse response = put(four);
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        // 1 MiB of tokens holds three 300 KiB entries, not four (unless ~200 ms passed in between).
        assertThat(response.records().subList(0, 3)).allSatisfy(e -> assertThat(e.errorCode()).isNull());
        if (elapsedMillis < 150) {
            assertThat(response.records().get(3).errorCode()).isEqualTo(FaultProxy.THROTTLED);
            assertThat(response.records().get(3).errorMessage()).contains("for shard " + response.records().get(0).shardId());
        }
        assertThat(proxy.entryLog()).hasSize(4).allSatisfy(e -> assertThat(e.shardId()).isNotNull());
    }

    @Test
    void heldRequestsWaitUntilReleased() throws Exception {
        proxy.hold();
        CompletableFuture<PutRecordsResponse> first = client.putRecords(r -> r.streamName(stream).records(entries("held", 2)));
        awaitHeld(1);
        assertThat(first).isNotDone();
        assertThat(proxy.heldBytes()).isPositive();

        proxy.release();
        assertThat(first.get(10, TimeUnit.SECONDS).failedRecordCount()).isZero();

        proxy.hold();
        CompletableFuture<PutRecordsResponse> second = client.putRecords(r -> r.streamName(stream).records(entries("dropped", 2)));
        awaitHeld(1);
        proxy.releaseByReset();
        assertThat(catchThrowable(() -> second.get(10, TimeUnit.SECONDS))).hasCauseInstanceOf(SdkClientException.class);
        assertThat(dataRead()).containsExactlyInAnyOrder("held-0", "held-1");
    }

    @Test
    void aBandwidthCapPacesARequestAtItsRate() throws Exception {
        proxy.bandwidthLimit(ONE_MB_PER_SECOND);

        long start = System.nanoTime();
        PutRecordsResponse response = put(List.of(entry("big", null, new byte[BIG_DATA])));
        double seconds = (System.nanoTime() - start) / 1e9;

        assertThat(response.failedRecordCount()).isZero();
        long linkBytes = proxy.stats().linkBytes();
        assertThat(linkBytes).as("the data crossed as base64, with its JSON and headers")
                .isGreaterThan(BIG_DATA * 4L / 3);
        double linkSeconds = (double) linkBytes / ONE_MB_PER_SECOND;
        // About 1.2 s; generous bounds for a busy machine (the burst allowance is 50 ms).
        assertThat(seconds).as("%d bytes at 1 MB/s", linkBytes).isBetween(linkSeconds * 0.8, linkSeconds * 2 + 1);
    }

    @Test
    void concurrentRequestsShareTheCappedLinkFairly() throws Exception {
        proxy.bandwidthLimit(ONE_MB_PER_SECOND);

        long start = System.nanoTime();
        List<CompletableFuture<Double>> done = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            done.add(client.putRecords(r -> r.streamName(stream).records(entry("big", null, new byte[BIG_DATA])))
                    .thenApply(r -> (System.nanoTime() - start) / 1e9));
        }
        double first = done.get(0).get(15, TimeUnit.SECONDS);
        double second = done.get(1).get(15, TimeUnit.SECONDS);

        double linkSeconds = (double) proxy.stats().linkBytes() / ONE_MB_PER_SECOND;
        // Sharing, both end near the time the link needs for the two; one after the other, the first
        // would end halfway.
        assertThat(Math.min(first, second)).as("the first to finish").isGreaterThan(linkSeconds * 0.75);
        assertThat(Math.max(first, second)).as("the last to finish").isLessThan(linkSeconds * 2 + 1);
        assertThat(dataRead()).hasSize(2);
    }

    private void awaitHeld(int n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.heldRequests() >= n);
    }

    private PutRecordsResponse put(List<PutRecordsRequestEntry> entries) throws Exception {
        try {
            return client.putRecords(r -> r.streamName(stream).records(entries)).get(15, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    private static List<PutRecordsRequestEntry> entries(String prefix, int n) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            entries.add(entry(prefix + "-key-" + i, null, (prefix + "-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        return entries;
    }

    private List<String> dataRead() {
        return StreamReader.readAll(direct, stream).stream().map(ReadRecord::dataAsString).toList();
    }
}
