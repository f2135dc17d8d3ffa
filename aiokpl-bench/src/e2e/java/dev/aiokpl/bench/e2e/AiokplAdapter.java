package dev.aiokpl.bench.e2e;

import dev.aiokpl.Config;
import dev.aiokpl.Producer;
import dev.aiokpl.RecordResult;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** This library, configured as a user would against a local HTTPS endpoint. */
final class AiokplAdapter implements ProducerRun.Adapter {

    private final Producer producer;
    private final String stream;
    private final ProducerRun.Completions completions;

    /**
     * @param direct {@code directPutRecords}: the default {@code true}, or {@code false} for PutRecords through the SDK client
     * @param ordered {@code orderedDelivery}: the default {@code false}, or {@code true} for per-shard put order
     */
    AiokplAdapter(int port, String stream, long rateLimit, boolean direct, boolean ordered,
            ProducerRun.Completions completions) {
        this.stream = stream;
        this.completions = completions;
        this.producer = Producer.create(Config.builder()
                .region("us-east-1")
                .endpointOverride(URI.create("https://127.0.0.1:" + port))
                .trustAllCertificates(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .recordMaxBufferedTime(Duration.ofMillis(100))
                .rateLimit(rateLimit)
                .directPutRecords(direct)
                .orderedDelivery(ordered)
                // The KPL never blocks (its queue is unbounded); here putRecord blocks at
                // maxOutstandingRecords (100 000) for as long as the run may take, instead of
                // failing after the default 10 s.
                .maxBlockTime(Duration.ofMinutes(5))
                .build());
    }

    @Override
    public void put(int i, String partitionKey, byte[] data) {
        producer.putRecord(stream, partitionKey, data).whenComplete((result, error) -> complete(i, result, error));
    }

    private void complete(int i, RecordResult result, Throwable error) {
        if (error != null) {
            completions.failed(i, String.valueOf(error));
        } else if (result.successful()) {
            completions.succeeded(i, result.shardId(), result.sequenceNumber(), result.attempts().size());
        } else {
            completions.failed(i, String.valueOf(result));
        }
    }

    @Override
    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
