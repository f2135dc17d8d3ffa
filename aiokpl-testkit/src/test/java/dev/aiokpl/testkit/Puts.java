package dev.aiokpl.testkit;

import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/** PutRecords with the plain SDK, failing the test on any failed entry. */
final class Puts {

    private Puts() {
    }

    static PutRecordsRequestEntry entry(String partitionKey, String explicitHashKey, byte[] data) {
        return PutRecordsRequestEntry.builder()
                .partitionKey(partitionKey)
                .explicitHashKey(explicitHashKey)
                .data(SdkBytes.fromByteArray(data))
                .build();
    }

    static PutRecordsRequestEntry entry(String partitionKey, String data) {
        return entry(partitionKey, null, data.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static List<PutRecordsResultEntry> putAll(KinesisAsyncClient client, String stream,
                                              List<PutRecordsRequestEntry> entries) throws Exception {
        PutRecordsResponse response = client.putRecords(r -> r.streamName(stream).records(entries))
                .get(30, TimeUnit.SECONDS);
        if (response.failedRecordCount() != null && response.failedRecordCount() > 0) {
            throw new AssertionError("PutRecords failed for some entries: " + response.records());
        }
        return response.records();
    }
}
