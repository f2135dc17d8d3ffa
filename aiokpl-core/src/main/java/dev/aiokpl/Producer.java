package dev.aiokpl;

import dev.aiokpl.internal.DefaultProducer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * A Kinesis Data Streams producer: aggregates user records per predicted shard, rate-limits each
 * shard, batches PutRecords requests, retries what can be retried, and reports every record's
 * outcome with its full attempt history. Pure Java, in process, thread-safe.
 *
 * <pre>{@code
 * try (Producer producer = Producer.create(Config.builder().region("us-east-1").build())) {
 *     RecordResult r = producer.putRecord("my-stream", "user-123", bytes).join();   // blocking
 *     producer.putRecord("my-stream", "user-123", bytes)                               // callback
 *             .thenAccept(result -> { if (!result.successful()) log(result); });
 * }
 * }</pre>
 *
 * <p>{@code Producer} is an interface, as the AWS SDK's clients are, so code that sends records
 * can be unit-tested against a fake: {@code dev.aiokpl.testkit.MockProducer} (module
 * {@code aiokpl-testkit}) validates and answers like the real one, in memory. {@link #create(Config)}
 * returns the real producer; its implementation is internal.
 *
 * <p><b>Outcomes.</b> {@code putRecord} either throws without accepting the record
 * ({@link IllegalArgumentException} for invalid input, {@link IllegalStateException} after close,
 * {@link ProducerFullException} when full for longer than {@code maxBlockTime}), or returns a future
 * that will complete with a {@link RecordResult} — success or failure, never exceptionally for a
 * service error, never left hanging (a record still outstanding when {@code close()} gives up fails
 * with error code {@code Closed}).
 *
 * <p><b>Threads.</b> Futures complete on {@link Config#callbackExecutor()} (by default a small pool
 * of daemon threads {@code aiokpl-callback-*}), never on the pipeline thread. A callback may call the
 * producer back: {@code putRecord}, {@code flush().join()} and {@code close()} from inside a callback
 * neither deadlock nor wait out a timeout (the default pool adds a thread while one of its threads
 * waits; a user executor must be able to run one more task while a callback waits). All threads the producer starts are daemon threads named
 * {@code aiokpl-*}; none survives {@link #close()}. No JVM shutdown hook is installed: call
 * {@code close()} (or {@code flush().join()}) before exiting, or buffered records are lost with the JVM.
 *
 * <p><b>Ordering.</b> Records with the same partition key are sent in order within an attempt; a
 * retry may reorder them, as with the KPL.
 */
public interface Producer extends AutoCloseable {

    /**
     * Creates a producer with its own Kinesis client, built from the configuration (region,
     * endpoint, credentials, connections, timeouts); {@link #close()} closes that client.
     *
     * @param config the configuration, see {@link Config#builder()}
     * @return a started producer
     */
    static Producer create(Config config) {
        return DefaultProducer.create(config);
    }

    /**
     * Creates a producer that sends with the given client, which it never closes. The client's own
     * retry policy applies on top of the producer's retries: configure it with no retries
     * (for example {@code AwsRetryStrategy.doNotRetry()}) for the producer to decide alone.
     *
     * @param config the configuration; its client settings (region, endpoint, credentials,
     *               connections, timeouts) are not used
     * @param client the client that carries every request
     * @return a started producer
     */
    static Producer create(Config config, KinesisAsyncClient client) {
        return DefaultProducer.create(config, client);
    }

    /**
     * Puts a record whose shard is chosen by the MD5 of its partition key.
     *
     * @param stream       the stream name
     * @param partitionKey 1..256 Unicode code points
     * @param data         the data; not copied, so do not modify it until the future completes
     * @return a future completed with the record's result on the callback executor
     * @throws IllegalArgumentException naming the bad field, for invalid input
     * @throws IllegalStateException    after {@link #close()}
     * @throws ProducerFullException    when the outstanding limits stay full longer than {@code maxBlockTime}
     */
    CompletableFuture<RecordResult> putRecord(String stream, String partitionKey, byte[] data);

    /**
     * As {@link #putRecord(String, String, byte[])}; the buffer's remaining bytes are copied.
     *
     * @param stream       the stream name
     * @param partitionKey 1..256 Unicode code points
     * @param data         the data: its remaining bytes; its position is unchanged
     * @return a future completed with the record's result on the callback executor
     * @throws IllegalArgumentException naming the bad field, for invalid input
     * @throws IllegalStateException    after {@link #close()}
     * @throws ProducerFullException    when the outstanding limits stay full longer than {@code maxBlockTime}
     */
    CompletableFuture<RecordResult> putRecord(String stream, String partitionKey, ByteBuffer data);

    /**
     * Puts a record whose shard is chosen by an explicit hash key.
     *
     * @param stream          the stream name
     * @param partitionKey    1..256 Unicode code points
     * @param explicitHashKey canonical decimal in 0..2^128-1, or null to use the partition key's MD5
     * @param data            the data; not copied, so do not modify it until the future completes
     * @return a future completed with the record's result on the callback executor
     * @throws IllegalArgumentException naming the bad field, for invalid input
     * @throws IllegalStateException    after {@link #close()}
     * @throws ProducerFullException    when the outstanding limits stay full longer than {@code maxBlockTime}
     * @see #putRecord(String, String, byte[])
     */
    CompletableFuture<RecordResult> putRecord(String stream, String partitionKey, String explicitHashKey,
            byte[] data);

    /**
     * As {@link #putRecord(String, String, String, byte[])}; the buffer's remaining bytes are copied.
     *
     * @param stream          the stream name
     * @param partitionKey    1..256 Unicode code points
     * @param explicitHashKey canonical decimal in 0..2^128-1, or null to use the partition key's MD5
     * @param data            the data: its remaining bytes; its position is unchanged
     * @return a future completed with the record's result on the callback executor
     * @throws IllegalArgumentException naming the bad field, for invalid input
     * @throws IllegalStateException    after {@link #close()}
     * @throws ProducerFullException    when the outstanding limits stay full longer than {@code maxBlockTime}
     */
    CompletableFuture<RecordResult> putRecord(String stream, String partitionKey, String explicitHashKey,
            ByteBuffer data);

    /**
     * Puts a record built with {@link UserRecord#builder()}.
     *
     * @param record the record (already validated by its builder, except for {@code maxRecordSize})
     * @return a future completed with the record's result on the callback executor
     * @throws IllegalArgumentException when the record is larger than {@code maxRecordSize}
     * @throws NullPointerException     when {@code record} is null
     * @throws IllegalStateException    after {@link #close()}
     * @throws ProducerFullException    when the outstanding limits stay full longer than {@code maxBlockTime}
     */
    CompletableFuture<RecordResult> putRecord(UserRecord record);

    /**
     * Sends every buffered record now and returns a future completed once every record accepted
     * before this call is terminal (its own future completed). Never completes exceptionally.
     *
     * @return a future completed, with {@code null}, when every earlier record is terminal
     */
    CompletableFuture<Void> flush();

    /**
     * User records accepted and not yet terminal.
     *
     * @return the number of outstanding records
     */
    long outstandingRecords();

    /**
     * Bytes (partition keys + data) of the records accepted and not yet terminal.
     *
     * @return the outstanding bytes
     */
    long outstandingBytes();

    /**
     * How long the oldest outstanding record has been in the producer, or zero.
     *
     * @return the age of the oldest outstanding record, {@link Duration#ZERO} when there is none
     */
    Duration oldestRecordAge();

    /**
     * The producer's metrics: {@link MetricsManager#snapshots()} for the last 60 s in process,
     * {@link MetricsManager#flush()} to export the current window to the sink now.
     *
     * @return the metrics manager, never null
     */
    MetricsManager metrics();

    /**
     * The configuration.
     *
     * @return the configuration the producer was created with
     */
    Config config();

    /**
     * Stops accepting records, sends what is buffered and waits up to {@code closeTimeout} for every
     * outstanding record; records still outstanding then fail with error code {@code Closed}. Stops
     * every thread the producer started and closes the client if the producer built it. Idempotent:
     * a second concurrent call waits for the first to finish (from one of the default pool's callback
     * threads, only until the records are drained). If the calling thread is interrupted, waiting stops early (the records left fail as
     * {@code Closed}) and the interrupt flag is kept.
     */
    @Override
    void close();
}
