package dev.aiokpl.internal.sender;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/** Holds every PutRecords until the test answers it. */
final class HeldClient implements KinesisAsyncClient {
    final List<PutRecordsRequest> requests = new ArrayList<>();
    final List<CompletableFuture<PutRecordsResponse>> answers = new ArrayList<>();

    @Override
    public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
        CompletableFuture<PutRecordsResponse> f = new CompletableFuture<>();
        requests.add(request);
        answers.add(f);
        return f;
    }

    void answer(int i) {
        List<PutRecordsResultEntry> entries = new ArrayList<>();
        for (int k = 0; k < requests.get(i).records().size(); k++) {
            entries.add(PutRecordsResultEntry.builder().shardId("shardId-0").sequenceNumber("" + k).build());
        }
        answers.get(i).complete(PutRecordsResponse.builder().failedRecordCount(0).records(entries).build());
    }

    List<String> keys(int i) {
        return requests.get(i).records().stream().map(PutRecordsRequestEntry::partitionKey).toList();
    }

    @Override
    public String serviceName() {
        return "kinesis";
    }

    @Override
    public void close() {
    }
}
