package dev.aiokpl.internal.sender;

import dev.aiokpl.internal.Ticker;
import dev.aiokpl.internal.collector.PutBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * Sends PutRecords requests through a {@link PutRecordsTransport}, as many at once as the
 * {@link SendWindow} allows (at most {@code maxConnections}). It pulls: while a connection is free,
 * {@link #pump()} asks the {@link RequestSource} for the next request within the window's current
 * size and entry limits, so what waited while connections were busy goes out in as few requests as
 * the limits allow, and a retry after a timeout goes out in smaller ones. The limits live in the
 * window alone.
 *
 * <p>Each request carries the {@code requestTimeout} as its API call timeout. Outcomes are handed to
 * the {@link ResponseHandler} through the pipeline executor, so they are handled on the pipeline
 * thread; before that, each outcome adjusts the window (a timeout shrinks it, a timely answer grows
 * it). The pipeline pumps again once it has handled them.
 *
 * <p>Not thread-safe: owned by the pipeline thread.
 */
public final class Sender {

    /** Where the next request comes from. */
    @FunctionalInterface
    public interface RequestSource {
        /**
         * The next request to send, of at most {@code maxEntries} entries and {@code maxBytes} bytes
         * (a single entry may be larger), or null if nothing is ready to go.
         */
        PutBatch next(int maxEntries, long maxBytes);
    }

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

    private final PutRecordsTransport transport;
    private final SendWindow window;
    private final Duration requestTimeout;
    private final Ticker ticker;
    private final Executor pipelineExecutor;
    private final RequestSource source;
    private final ResponseHandler handler;
    private final Set<PutBatch> inFlight = Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * @param transport        how requests go out
     * @param window           the request and in-flight limits, adjusted by every outcome
     * @param requestTimeout   each request's time limit
     * @param ticker           the time source
     * @param pipelineExecutor runs outcomes on the pipeline thread
     * @param source           builds the next request when a connection is free
     * @param handler          receives every outcome
     */
    public Sender(PutRecordsTransport transport, SendWindow window, Duration requestTimeout, Ticker ticker,
            Executor pipelineExecutor, RequestSource source, ResponseHandler handler) {
        this.transport = transport;
        this.window = window;
        this.requestTimeout = requestTimeout;
        this.ticker = ticker;
        this.pipelineExecutor = pipelineExecutor;
        this.source = source;
        this.handler = handler;
    }

    /** The current limits (pipeline thread). */
    public SendWindow window() {
        return window;
    }

    /** Sends requests from the source while below the in-flight limit, each within the window's limits. */
    public void pump() {
        while (inFlight.size() < window.inFlight()) {
            PutBatch next = source.next(window.requestEntries(), window.requestBytes());
            if (next == null) {
                return;
            }
            send(next);
        }
    }

    /** Requests in flight. */
    public int inFlight() {
        return inFlight.size();
    }

    /** Returns every batch in flight (for abort): each may have been written; late responses are still delivered. */
    public List<PutBatch> drainInFlight() {
        return new ArrayList<>(inFlight);
    }

    private void send(PutBatch batch) {
        inFlight.add(batch);
        long start = ticker.read();
        CompletableFuture<PutRecordsResponse> future;
        try {
            future = transport.putRecords(batch, requestTimeout);
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        future.whenComplete((response, error) -> {
            long end = ticker.read();
            Throwable cause = ErrorClassifier.unwrap(error);
            pipelineExecutor.execute(() -> {
                inFlight.remove(batch);
                adjustWindow(start, end, batch.size(), response, cause);
                handler.onResponse(batch, start, end, response, cause);
            });
        });
    }

    /**
     * A timeout shrinks the window; any answer from the service (errors included) is a latency sample.
     * The window hears how many bytes the request held, so a decrease bites on what was sent.
     */
    private void adjustWindow(long start, long end, long bytes, PutRecordsResponse response, Throwable error) {
        if (response != null || error instanceof AwsServiceException) {
            window.onAnswer(start, end, bytes);
        } else if (ErrorClassifier.isTimeout(error)) {
            window.onTimeout(start, end, bytes);
        }
    }
}
