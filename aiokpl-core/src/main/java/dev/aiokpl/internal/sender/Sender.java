package dev.aiokpl.internal.sender;

import dev.aiokpl.internal.Ticker;
import dev.aiokpl.internal.collector.PutBatch;
import dev.aiokpl.internal.record.KinesisRecord;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * Sends PutRecords requests with the SDK's async client, at most {@code maxInFlight} at once
 * (the {@code maxConnections} knob); further batches wait in FIFO order. Each request carries the
 * {@code requestTimeout} as its API call timeout. Responses are handed to the {@link ResponseHandler}
 * through the pipeline executor, so they are handled on the pipeline thread.
 *
 * <p>Not thread-safe: owned by the pipeline thread.
 */
public final class Sender {

    /** Receives every request's outcome on the pipeline thread. */
    public interface ResponseHandler {
        /**
         * @param batch     the batch sent
         * @param startNanos when the request was sent
         * @param endNanos   when its outcome arrived
         * @param response  the response, or null on error
         * @param error     the error (unwrapped from CompletionException), or null
         */
        void onResponse(PutBatch batch, long startNanos, long endNanos, PutRecordsResponse response, Throwable error);
    }

    private final KinesisAsyncClient client;
    private final int maxInFlight;
    private final Duration requestTimeout;
    private final Ticker ticker;
    private final Executor pipelineExecutor;
    private final ResponseHandler handler;
    private final ArrayDeque<PutBatch> waiting = new ArrayDeque<>();
    private final Set<PutBatch> inFlight = Collections.newSetFromMap(new IdentityHashMap<>());

    public Sender(KinesisAsyncClient client, int maxInFlight, Duration requestTimeout, Ticker ticker,
            Executor pipelineExecutor, ResponseHandler handler) {
        this.client = client;
        this.maxInFlight = maxInFlight;
        this.requestTimeout = requestTimeout;
        this.ticker = ticker;
        this.pipelineExecutor = pipelineExecutor;
        this.handler = handler;
    }

    /** Queues a batch and sends what the in-flight limit allows. */
    public void submit(PutBatch batch) {
        waiting.add(batch);
        pump();
    }

    /** Sends waiting batches while below the in-flight limit. */
    public void pump() {
        while (inFlight.size() < maxInFlight && !waiting.isEmpty()) {
            send(waiting.poll());
        }
    }

    /** Requests in flight. */
    public int inFlight() {
        return inFlight.size();
    }

    /** Batches waiting for a free slot. */
    public int waiting() {
        return waiting.size();
    }

    /** Removes and returns every waiting and in-flight batch (for abort); late responses are still delivered. */
    public List<PutBatch> drainAll() {
        List<PutBatch> all = new ArrayList<>(waiting);
        waiting.clear();
        all.addAll(inFlight);
        return all;
    }

    private void send(PutBatch batch) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>(batch.records().size());
        for (KinesisRecord kr : batch.records()) {
            PutRecordsRequestEntry.Builder e = PutRecordsRequestEntry.builder()
                    .partitionKey(kr.partitionKey())
                    .data(SdkBytes.fromByteArrayUnsafe(kr.data()));
            if (kr.explicitHashKey() != null) {
                e.explicitHashKey(kr.explicitHashKey());
            }
            entries.add(e.build());
        }
        PutRecordsRequest request = PutRecordsRequest.builder()
                .streamName(batch.stream())
                .records(entries)
                .overrideConfiguration(o -> o.apiCallTimeout(requestTimeout))
                .build();
        inFlight.add(batch);
        long start = ticker.read();
        CompletableFuture<PutRecordsResponse> future;
        try {
            future = client.putRecords(request);
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        future.whenComplete((response, error) -> {
            long end = ticker.read();
            Throwable cause = ErrorClassifier.unwrap(error);
            pipelineExecutor.execute(() -> {
                inFlight.remove(batch);
                handler.onResponse(batch, start, end, response, cause);
                pump();
            });
        });
    }
}
