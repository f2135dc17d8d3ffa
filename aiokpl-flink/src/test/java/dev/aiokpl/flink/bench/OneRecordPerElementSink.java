package dev.aiokpl.flink.bench;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.DequeRequestBuffer;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.SimpleBatchCreator;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.util.function.SerializableFunction;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * The benchmark's baseline: a sink on Flink's {@link AsyncSinkBase} that sends one Kinesis record per
 * element in PutRecords batches of up to 500 entries, as Flink's {@code KinesisStreamsSink} does (same
 * batching defaults: 500 entries or 5 MiB per request, 50 requests in flight, 10 000 buffered entries,
 * 5 s in the buffer). Entries that fail in a partial failure, or a whole request that fails with a
 * retryable error, go back to the writer's buffer ({@link ResultHandler#retryForEntries}); a missing
 * stream fails the job. Written for the benchmark only, against Flink 2.x (the 1.20 test module does not
 * compile this package).
 */
final class OneRecordPerElementSink extends AsyncSinkBase<String, PutRecordsRequestEntry> {

    private static final long serialVersionUID = 1L;

    private final String stream;
    private final String endpoint;
    private final String region;

    OneRecordPerElementSink(String stream, URI endpoint, String region,
                            SerializableFunction<String, String> partitionKey) {
        super(new Converter(partitionKey), 500, 50, 10_000, 5L * 1024 * 1024, 5_000, 1024L * 1024);
        this.stream = stream;
        this.endpoint = endpoint.toString();
        this.region = region;
    }

    @Override
    public StatefulSinkWriter<String, BufferedRequestState<PutRecordsRequestEntry>> createWriter(
            WriterInitContext context) {
        return restoreWriter(context, List.of());
    }

    @Override
    public StatefulSinkWriter<String, BufferedRequestState<PutRecordsRequestEntry>> restoreWriter(
            WriterInitContext context, Collection<BufferedRequestState<PutRecordsRequestEntry>> state) {
        AsyncSinkWriterConfiguration configuration = AsyncSinkWriterConfiguration.builder()
                .setMaxBatchSize(getMaxBatchSize())
                .setMaxBatchSizeInBytes(getMaxBatchSizeInBytes())
                .setMaxInFlightRequests(getMaxInFlightRequests())
                .setMaxBufferedRequests(getMaxBufferedRequests())
                .setMaxTimeInBufferMS(getMaxTimeInBufferMS())
                .setMaxRecordSizeInBytes(getMaxRecordSizeInBytes())
                .build();
        return new Writer(this, context, configuration, state);
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<PutRecordsRequestEntry>> getWriterStateSerializer() {
        return new StateSerializer();
    }

    /** Element to entry: the string's UTF-8 bytes, and its partition key. */
    private static final class Converter implements ElementConverter<String, PutRecordsRequestEntry> {

        private static final long serialVersionUID = 1L;

        private final SerializableFunction<String, String> partitionKey;

        Converter(SerializableFunction<String, String> partitionKey) {
            this.partitionKey = partitionKey;
        }

        @Override
        public PutRecordsRequestEntry apply(String element,
                                            org.apache.flink.api.connector.sink2.SinkWriter.Context context) {
            return PutRecordsRequestEntry.builder()
                    .data(SdkBytes.fromUtf8String(element))
                    .partitionKey(partitionKey.apply(element))
                    .build();
        }
    }

    /** One {@link KinesisAsyncClient} per subtask; one PutRecords call per batch. */
    private static final class Writer extends AsyncSinkWriter<String, PutRecordsRequestEntry> {

        private final String stream;
        private final KinesisAsyncClient client;

        Writer(OneRecordPerElementSink sink, WriterInitContext context, AsyncSinkWriterConfiguration configuration,
               Collection<BufferedRequestState<PutRecordsRequestEntry>> state) {
            super(sink.getElementConverter(), context, configuration, state,
                    new SimpleBatchCreator<>(sink.getMaxBatchSizeInBytes()), new DequeRequestBuffer<>());
            this.stream = sink.stream;
            this.client = KinesisAsyncClient.builder()
                    .endpointOverride(URI.create(sink.endpoint))
                    .region(Region.of(sink.region))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("fake", "fake")))
                    .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                            .protocol(Protocol.HTTP1_1)
                            .maxConcurrency(sink.getMaxInFlightRequests()))
                    .build();
        }

        @Override
        protected void submitRequestEntries(List<PutRecordsRequestEntry> entries,
                                            ResultHandler<PutRecordsRequestEntry> result) {
            client.putRecords(r -> r.streamName(stream).records(entries)).whenComplete((response, error) -> {
                if (error != null) {
                    onRequestFailed(error, entries, result);
                } else if (response.failedRecordCount() != null && response.failedRecordCount() > 0) {
                    result.retryForEntries(failedEntries(response, entries));
                } else {
                    result.complete();
                }
            });
        }

        private static void onRequestFailed(Throwable error, List<PutRecordsRequestEntry> entries,
                                            ResultHandler<PutRecordsRequestEntry> result) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (cause instanceof ResourceNotFoundException missing) {
                result.completeExceptionally(missing);
            } else {
                result.retryForEntries(entries);   // throttling, 5xx, timeouts: try the whole batch again
            }
        }

        private static List<PutRecordsRequestEntry> failedEntries(PutRecordsResponse response,
                                                                  List<PutRecordsRequestEntry> entries) {
            List<PutRecordsRequestEntry> failed = new ArrayList<>();
            List<PutRecordsResultEntry> results = response.records();
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i).errorCode() != null) {
                    failed.add(entries.get(i));
                }
            }
            return failed;
        }

        @Override
        protected long getSizeInBytes(PutRecordsRequestEntry entry) {
            return entry.data().asByteArrayUnsafe().length;
        }

        @Override
        public void close() {
            super.close();
            client.close();
        }
    }

    /** The writer's buffered entries in a checkpoint: partition key, then data. */
    private static final class StateSerializer extends AsyncSinkWriterStateSerializer<PutRecordsRequestEntry> {

        @Override
        protected void serializeRequestToStream(PutRecordsRequestEntry entry, DataOutputStream out)
                throws IOException {
            byte[] data = entry.data().asByteArrayUnsafe();
            out.writeUTF(entry.partitionKey());
            out.writeInt(data.length);
            out.write(data);
        }

        @Override
        protected PutRecordsRequestEntry deserializeRequestFromStream(long requestSize, DataInputStream in)
                throws IOException {
            String partitionKey = in.readUTF();
            byte[] data = new byte[in.readInt()];
            in.readFully(data);
            return PutRecordsRequestEntry.builder()
                    .partitionKey(partitionKey)
                    .data(SdkBytes.fromByteArrayUnsafe(data))
                    .build();
        }

        @Override
        public int getVersion() {
            return 1;
        }
    }
}
