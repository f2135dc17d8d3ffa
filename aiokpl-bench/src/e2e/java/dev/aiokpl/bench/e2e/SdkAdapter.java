package dev.aiokpl.bench.e2e;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * The baseline without a producer library: a plain AWS SDK v2 {@code KinesisAsyncClient} loop,
 * 500 records per PutRecords, no aggregation, at most {@code inFlight} requests outstanding; the
 * entries a response reports failed are sent again (up to 10 times). A record's latency starts
 * when the loop adds it to a batch.
 */
final class SdkAdapter implements ProducerRun.Adapter {

    static final int BATCH = 500;
    static final int MAX_ATTEMPTS = 10;

    private final KinesisAsyncClient client;
    private final String stream;
    private final ProducerRun.Completions completions;
    private final Semaphore inFlight;
    private List<PutRecordsRequestEntry> entries = new ArrayList<>(BATCH);
    private int[] indexes = new int[BATCH];

    SdkAdapter(int port, String stream, int inFlight, ProducerRun.Completions completions) {
        this.stream = stream;
        this.completions = completions;
        this.inFlight = new Semaphore(inFlight);
        this.client = KinesisAsyncClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create("https://127.0.0.1:" + port))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .httpClient(NettyNioAsyncHttpClient.builder()
                        .maxConcurrency(inFlight)
                        .protocol(Protocol.HTTP1_1)
                        .buildWithDefaults(AttributeMap.builder()
                                .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE).build()))
                .build();
    }

    @Override
    public void put(int i, String partitionKey, byte[] data) throws InterruptedException {
        indexes[entries.size()] = i;
        entries.add(PutRecordsRequestEntry.builder()
                .partitionKey(partitionKey)
                .data(SdkBytes.fromByteArrayUnsafe(data))
                .build());
        if (entries.size() == BATCH) {
            send();
        }
    }

    @Override
    public void flush() {
        if (!entries.isEmpty()) {
            try {
                send();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private void send() throws InterruptedException {
        inFlight.acquire();
        attempt(entries, indexes, entries.size(), 1);
        entries = new ArrayList<>(BATCH);
        indexes = new int[BATCH];
    }

    private void attempt(List<PutRecordsRequestEntry> batch, int[] idx, int n, int attempt) {
        client.putRecords(PutRecordsRequest.builder().streamName(stream).records(batch).build())
                .whenComplete((response, error) -> {
                    if (error != null) {
                        if (attempt < MAX_ATTEMPTS) {
                            attempt(batch, idx, n, attempt + 1);
                        } else {
                            for (int k = 0; k < n; k++) {
                                completions.failed(idx[k], String.valueOf(error));
                            }
                            inFlight.release();
                        }
                        return;
                    }
                    handle(batch, idx, n, attempt, response);
                });
    }

    private void handle(List<PutRecordsRequestEntry> batch, int[] idx, int n, int attempt, PutRecordsResponse response) {
        List<PutRecordsRequestEntry> again = new ArrayList<>();
        int[] againIdx = new int[n];
        List<PutRecordsResultEntry> results = response.records();
        for (int k = 0; k < n; k++) {
            PutRecordsResultEntry r = k < results.size() ? results.get(k) : null;
            if (r != null && r.errorCode() == null) {
                completions.succeeded(idx[k], r.shardId(), r.sequenceNumber(), attempt);
            } else if (attempt < MAX_ATTEMPTS) {
                againIdx[again.size()] = idx[k];
                again.add(batch.get(k));
            } else {
                completions.failed(idx[k], r == null ? "missing result entry" : r.errorCode() + ": " + r.errorMessage());
            }
        }
        if (again.isEmpty()) {
            inFlight.release();
        } else {
            attempt(again, againIdx, again.size(), attempt + 1);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
