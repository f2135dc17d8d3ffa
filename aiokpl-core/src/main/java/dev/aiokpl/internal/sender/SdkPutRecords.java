package dev.aiokpl.internal.sender;

import dev.aiokpl.internal.collector.PutBatch;
import dev.aiokpl.internal.record.KinesisRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/** PutRecords through a {@link KinesisAsyncClient}: the path for a client the user supplies. */
public final class SdkPutRecords implements PutRecordsTransport {

    private final KinesisAsyncClient client;

    public SdkPutRecords(KinesisAsyncClient client) {
        this.client = client;
    }

    @Override
    public CompletableFuture<PutRecordsResponse> putRecords(PutBatch batch, Duration timeout) {
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
                .overrideConfiguration(o -> o.apiCallTimeout(timeout))
                .build();
        try {
            return client.putRecords(request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
