package dev.aiokpl.flink;

import dev.aiokpl.Attempt;
import dev.aiokpl.Config;
import dev.aiokpl.Producer;
import dev.aiokpl.ProducerFullException;
import dev.aiokpl.RecordResult;
import dev.aiokpl.sinks.MetricsSink;
import dev.aiokpl.sinks.NullSink;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.util.function.SerializableFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer of one subtask: puts each element into its producer, blocks while the producer is full,
 * and on {@link #flush} waits until every element written before is confirmed.
 */
final class AiokplSinkWriter<T> implements SinkWriter<T> {

    private static final Logger LOG = LoggerFactory.getLogger(AiokplSinkWriter.class);

    /** Pause before putting again after {@code ProducerFullException}, so {@code maxBlockTime=0} does not spin. */
    private static final long FULL_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Producer producer;
    private final SerializableFunction<T, String> streamSelector;
    private final SerializableFunction<T, byte[]> converter;
    private final SerializableFunction<T, String> partitionKeys;
    private final SerializableFunction<T, String> explicitHashKeys;
    private final boolean failOnError;
    private final Counter recordsSent;
    private final Counter bytesSent;
    private final Counter recordsOutErrors;

    /** Guards the fields below; record callbacks arrive on the producer's callback threads. */
    private final Object lock = new Object();
    private long inFlight;
    private long lastSendTimeMillis;
    private long failedSinceFlush;
    private RecordFailure firstFailure;

    AiokplSinkWriter(Producer producer, SerializableFunction<T, String> streamSelector,
                     SerializableFunction<T, byte[]> converter, SerializableFunction<T, String> partitionKeys,
                     SerializableFunction<T, String> explicitHashKeys, boolean failOnError,
                     SinkWriterMetricGroup metrics) {
        this.producer = producer;
        this.streamSelector = streamSelector;
        this.converter = converter;
        this.partitionKeys = partitionKeys;
        this.explicitHashKeys = explicitHashKeys;
        this.failOnError = failOnError;
        this.recordsSent = metrics.getNumRecordsSendCounter();
        this.bytesSent = metrics.getNumBytesSendCounter();
        this.recordsOutErrors = metrics.getNumRecordsOutErrorsCounter();
        metrics.setCurrentSendTimeGauge(this::currentSendTimeMillis);
    }

    /** Opens the serialization schema and starts a producer whose metrics also go to the writer's metric group. */
    static <T> AiokplSinkWriter<T> create(AiokplSink<T> sink, WriterInitContext context) {
        SerializableFunction<T, byte[]> converter = sink.elementConverter();
        SerializationSchema<T> schema = sink.serializationSchema();
        if (schema != null) {
            try {
                schema.open(context.asSerializationSchemaInitializationContext());
            } catch (Exception e) {
                throw new IllegalStateException("could not open the serialization schema " + schema, e);
            }
            converter = schema::serialize;
        }
        Config config = sink.producerConfig();
        FlinkMetricsSink flinkMetrics = new FlinkMetricsSink(context.metricGroup().addGroup("aiokpl"));
        MetricsSink userSink = config.metricsSink();
        MetricsSink metricsSink = userSink == null || userSink instanceof NullSink ? flinkMetrics
                : new TeeMetricsSink(flinkMetrics, userSink);
        Producer producer = sink.producerFactory().apply(config.toBuilder().metricsSink(metricsSink).build());
        return new AiokplSinkWriter<>(producer, sink.streamSelector(), converter, sink.partitionKeyGenerator(),
                sink.explicitHashKeyGenerator(), sink.failOnError(), context.metricGroup());
    }

    /**
     * Puts the element into the producer. Blocks while the producer is full (Flink's backpressure),
     * retrying on {@code ProducerFullException} until the element is accepted.
     *
     * @throws IOException          if {@code failOnError} and an earlier record failed
     * @throws InterruptedException if the task is cancelled while blocked
     */
    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
        throwIfFailed();
        String stream = streamSelector.apply(element);
        String partitionKey = partitionKeys.apply(element);
        String explicitHashKey = explicitHashKeys == null ? null : explicitHashKeys.apply(element);
        byte[] data = converter.apply(element);
        synchronized (lock) {
            inFlight++;
        }
        boolean accepted = false;
        try {
            while (!accepted) {
                try {
                    producer.putRecord(stream, partitionKey, explicitHashKey, data)
                            .whenComplete((result, error) -> completed(stream, data.length, result, error));
                    accepted = true;
                } catch (IllegalArgumentException invalid) {
                    rejected(RecordFailure.invalid(stream, invalid));
                    return;
                } catch (ProducerFullException full) {
                    LockSupport.parkNanos(FULL_PAUSE_NANOS);
                    if (Thread.interrupted()) {
                        throw new InterruptedException("interrupted while the producer was full");
                    }
                }
            }
        } finally {
            if (!accepted) {
                synchronized (lock) {
                    inFlight--;
                    lock.notifyAll();
                }
            }
        }
    }

    /** An element the producer refused as invalid: it fails the job, or is counted and dropped. */
    private void rejected(RecordFailure failure) throws IOException {
        synchronized (lock) {
            recordsOutErrors.inc();
            if (failOnError) {
                throw failure.toException(1);
            }
            failedSinceFlush++;
            if (firstFailure == null) {
                firstFailure = failure;
            }
        }
        LOG.warn("dropping an invalid record (failOnError is false): {}", failure.message());
    }

    private void completed(String stream, int bytes, RecordResult result, Throwable error) {
        synchronized (lock) {
            if (result != null && result.successful()) {
                recordsSent.inc();
                bytesSent.inc(bytes);
                List<Attempt> attempts = result.attempts();
                if (!attempts.isEmpty()) {
                    lastSendTimeMillis = attempts.get(attempts.size() - 1).duration().toMillis();
                }
            } else {
                recordsOutErrors.inc();
                failedSinceFlush++;
                RecordFailure failure = RecordFailure.of(stream, result, error);
                if (firstFailure == null) {
                    firstFailure = failure;
                }
                if (!failOnError) {
                    LOG.warn("dropping a record that failed (failOnError is false): {}", failure.message());
                }
            }
            inFlight--;
            if (inFlight == 0) {
                lock.notifyAll();
            }
        }
    }

    /**
     * Returns once every element written before is confirmed (Flink calls it on every checkpoint and
     * at the end of input).
     *
     * @throws IOException          if {@code failOnError} and a record failed: the checkpoint fails
     * @throws InterruptedException if the task is cancelled while waiting
     */
    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        producer.flush();    // send what is buffered now rather than after recordMaxBufferedTime
        synchronized (lock) {
            while (inFlight > 0) {
                lock.wait();
            }
            if (!failOnError && failedSinceFlush > 0) {
                LOG.warn("{} records failed and were dropped since the last flush (failOnError is false); first: {}",
                        failedSinceFlush, firstFailure.message());
                failedSinceFlush = 0;
                firstFailure = null;
            }
        }
        throwIfFailed();
    }

    private void throwIfFailed() throws IOException {
        if (!failOnError) {
            return;
        }
        synchronized (lock) {
            if (firstFailure != null) {
                throw firstFailure.toException(failedSinceFlush);
            }
        }
    }

    private long currentSendTimeMillis() {
        synchronized (lock) {
            return lastSendTimeMillis;
        }
    }

    /** Closes the producer: it sends what it holds, within its {@code closeTimeout}, and fails the rest. */
    @Override
    public void close() {
        producer.close();
    }
}
