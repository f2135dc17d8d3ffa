package dev.aiokpl.internal.sender;

import dev.aiokpl.internal.collector.PutBatch;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * How the sender sends one PutRecords request: through a {@code KinesisAsyncClient}
 * ({@link SdkPutRecords}), or written, signed and sent by the producer itself
 * ({@link DirectPutRecords}). Either way the outcome is in the SDK's types, so the retrier reads both
 * alike.
 */
public interface PutRecordsTransport {

    /**
     * Sends the batch's entries as one PutRecords request, on the calling (pipeline) thread as far as
     * the request is written.
     *
     * @param timeout the whole call's limit ({@code requestTimeout}); past it the future fails with the
     *                SDK's {@code ApiCallTimeoutException}
     * @return completed with the response, or failed with the SDK's exceptions: an
     *         {@code AwsServiceException} for an error answer, an {@code SdkClientException} for anything
     *         else; never throws
     */
    CompletableFuture<PutRecordsResponse> putRecords(PutBatch batch, Duration timeout);
}
