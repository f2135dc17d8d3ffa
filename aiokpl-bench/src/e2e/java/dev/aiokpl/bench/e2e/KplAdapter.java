package dev.aiokpl.bench.e2e;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import java.nio.ByteBuffer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.kinesis.producer.Attempt;
import software.amazon.kinesis.producer.KinesisProducer;
import software.amazon.kinesis.producer.KinesisProducerConfiguration;
import software.amazon.kinesis.producer.UserRecordFailedException;
import software.amazon.kinesis.producer.UserRecordResult;

/**
 * The official KPL 1.1.1: its Java front end plus the native {@code kinesis_producer} child it
 * extracts from the jar and starts. The process running this must have
 * {@code AWS_EC2_METADATA_DISABLED=true} in its environment (the child inherits it) so the child
 * never waits for an EC2 metadata service.
 */
final class KplAdapter implements ProducerRun.Adapter {

    private final KinesisProducer kpl;
    private final String stream;
    private final ProducerRun.Completions completions;

    KplAdapter(int port, int cloudwatchPort, String tempDir, String stream, long rateLimit,
               ProducerRun.Completions completions) {
        this.stream = stream;
        this.completions = completions;
        KinesisProducerConfiguration config = new KinesisProducerConfiguration()
                .setRegion("us-east-1")
                .setKinesisEndpoint("127.0.0.1")
                .setKinesisPort(port)
                .setVerifyCertificate(false)
                .setCloudwatchEndpoint("127.0.0.1")
                .setCloudwatchPort(cloudwatchPort)
                .setStsEndpoint("127.0.0.1")
                .setStsPort(cloudwatchPort)
                .setMetricsLevel("none")
                .setLogLevel("warning")
                .setRecordMaxBufferedTime(100)
                .setRateLimit(rateLimit)
                .setCredentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")));
        if (tempDir != null) {
            config.setTempDirectory(tempDir);
        }
        kpl = new KinesisProducer(config);
    }

    @Override
    public void put(int i, String partitionKey, byte[] data) {
        Futures.addCallback(kpl.addUserRecord(stream, partitionKey, ByteBuffer.wrap(data)),
                new FutureCallback<UserRecordResult>() {
                    @Override
                    public void onSuccess(UserRecordResult result) {
                        if (result.isSuccessful()) {
                            completions.succeeded(i, result.getShardId(), result.getSequenceNumber(),
                                    result.getAttempts().size());
                        } else {
                            completions.failed(i, describe(result));
                        }
                    }

                    @Override
                    public void onFailure(Throwable t) {
                        completions.failed(i, t instanceof UserRecordFailedException u
                                ? describe(u.getResult()) : String.valueOf(t));
                    }
                }, MoreExecutors.directExecutor());
    }

    private static String describe(UserRecordResult result) {
        StringBuilder b = new StringBuilder("attempts:");
        for (Attempt a : result.getAttempts()) {
            b.append(' ').append(a.getErrorCode()).append(':').append(a.getErrorMessage());
        }
        return b.toString();
    }

    @Override
    public void flush() {
        kpl.flush();
    }

    @Override
    public void close() {
        kpl.destroy();
    }
}
