package dev.aiokpl.kafka.connect;

import dev.aiokpl.Attempt;
import dev.aiokpl.Producer;
import dev.aiokpl.ProducerFullException;
import dev.aiokpl.RecordFailedException;
import dev.aiokpl.RecordResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a task's records to Kinesis through one {@link Producer}, and commits only what Kinesis
 * confirmed.
 *
 * <ul>
 *   <li>{@link #put} hands each record to the producer and returns; it does not wait for Kinesis.</li>
 *   <li>{@link #preCommit} returns, per partition, the offset of the oldest record not confirmed
 *       yet (everything before it is in Kinesis or in the dead-letter queue), so a crash or a
 *       rebalance replays from there: at least once, nothing lost.</li>
 *   <li>A record that fails for good (non-retryable error, or its TTL ran out) goes to Connect's
 *       errant record reporter (the dead-letter queue) when one is configured; otherwise the next
 *       {@code put} fails the task with an error naming the stream and the error code, and that
 *       record's offset is never committed.</li>
 *   <li>Backpressure: the producer holds at most {@code outstandingRecordsThreshold} records. Near
 *       it the task pauses its partitions; at it a put waits {@code sleepPeriod} for room and then
 *       throws {@link RetriableException}, so Connect redelivers the batch (records of it already
 *       accepted are skipped). Nothing is buffered without bound.</li>
 *   <li>{@link #close} (rebalance) waits up to {@code closeTimeout} for the partitions' records;
 *       {@link #stop} closes the producer, which drains within {@code closeTimeout}.</li>
 * </ul>
 */
public class AiokplSinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(AiokplSinkTask.class);
    /** Pause when this share of the outstanding limit is unconfirmed; resume below the low mark. */
    private static final double HIGH_WATER = 0.8;
    private static final double LOW_WATER = 0.5;
    /** How often Connect polls again while the task has paused its partitions, in milliseconds. */
    private static final long PAUSED_POLL_MS = 50;
    private static final long CLOSE_POLL_NANOS = 20_000_000L;

    private final Function<AiokplSinkConfig, Producer> producerFactory;
    private final OffsetLedger ledger = new OffsetLedger();
    /** Failed records, queued by the producer's callback threads for the task thread. */
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    /** Records handed to the errant record reporter, waiting for it to confirm. */
    private final List<Reported> reported = new ArrayList<>();
    private final Set<TopicPartition> paused = new HashSet<>();

    private AiokplSinkConfig config;
    private RecordMapper mapper;
    private Producer producer;
    private ErrantRecordReporter reporter;
    private long highWater;
    private long lowWater;
    /** The failure that fails the task; thrown by every later put. */
    private ConnectException fatal;

    /** The task Connect creates: a real producer from the task's configuration. */
    public AiokplSinkTask() {
        this(config -> Producer.create(config.producerConfig()));
    }

    /** A task with its own producer factory (tests pass a {@code MockProducer}). */
    AiokplSinkTask(Function<AiokplSinkConfig, Producer> producerFactory) {
        this.producerFactory = Objects.requireNonNull(producerFactory, "producerFactory");
    }

    @Override
    public String version() {
        return AiokplSinkConnector.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        config = new AiokplSinkConfig(props);
        mapper = new RecordMapper(config);
        highWater = Math.max(1, (long) (config.outstandingRecordsThreshold() * HIGH_WATER));
        lowWater = (long) (config.outstandingRecordsThreshold() * LOW_WATER);
        reporter = errantRecordReporter();
        producer = producerFactory.apply(config);
        LOG.info("aiokpl sink task started ({} dead-letter queue)", reporter == null ? "no" : "with a");
    }

    private ErrantRecordReporter errantRecordReporter() {
        try {
            return context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError oldWorker) {
            return null; // a worker before Kafka 2.6 has no reporter
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        handleCompletions();
        throwIfFailed();
        for (SinkRecord record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.kafkaPartition());
            long offset = record.kafkaOffset();
            if (!ledger.isNew(tp, offset)) {
                continue; // redelivered after a RetriableException: already accepted
            }
            if (record.value() == null) {
                ledger.skip(tp, offset); // a tombstone: Kinesis has no deletes
                continue;
            }
            send(record, tp, offset);
        }
        applyBackpressure();
        throwIfFailed();
    }

    private void send(SinkRecord record, TopicPartition tp, long offset) {
        String stream = config.streamFor(record.topic());
        RecordMapper.Mapped m;
        CompletableFuture<RecordResult> future;
        try {
            m = mapper.map(record);
            future = producer.putRecord(m.stream(), m.partitionKey(), m.explicitHashKey(), m.data());
        } catch (ProducerFullException full) {
            context.timeout(config.sleepPeriod().toMillis());
            pause();
            throw new RetriableException("the producer is full (" + producer.outstandingRecords()
                    + " records unconfirmed); Connect redelivers the batch from " + tp + "@" + offset, full);
        } catch (DataException | IllegalArgumentException invalid) {
            // Not sendable as is: the same path as a record Kinesis refused.
            OffsetLedger.Entry e = ledger.track(tp, offset);
            failures.add(new Failure(e, record, stream, "InvalidRecord", invalid.getMessage(), invalid));
            return;
        }
        OffsetLedger.Entry e = ledger.track(tp, offset);
        future.whenComplete((result, error) -> completed(e, record, m.stream(), result, error));
    }

    /** On a producer callback thread: confirm, or queue the failure for the task thread. */
    private void completed(OffsetLedger.Entry e, SinkRecord record, String stream, RecordResult result,
            Throwable error) {
        if (error == null && result.successful()) {
            ledger.confirm(e);
        } else if (error != null) {
            failures.add(new Failure(e, record, stream, error.getClass().getSimpleName(), error.getMessage(), error));
        } else {
            Attempt last = result.attempts().get(result.attempts().size() - 1);
            failures.add(new Failure(e, record, stream, last.errorCode(), last.errorMessage(),
                    new RecordFailedException(result)));
        }
    }

    /** On the task thread: failed records to the reporter (or the task's failure), reported ones confirmed. */
    private void handleCompletions() {
        Failure f;
        while ((f = failures.poll()) != null) {
            if (!ledger.tracks(f.entry)) {
                continue; // its partition was closed: not committed, its next owner replays it
            }
            if (reporter == null) {
                failTask(new ConnectException(f.describe() + "; no dead-letter queue is configured"
                        + " (errors.tolerance=all with errors.deadletterqueue.topic.name), so the task fails and"
                        + " this record's offset is not committed", f.cause));
                continue;
            }
            try {
                reported.add(new Reported(f.entry, reporter.report(f.record, new ConnectException(f.describe(), f.cause))));
            } catch (RuntimeException e) {
                failTask(new ConnectException(f.describe() + "; the errant record reporter refused it: "
                        + e.getMessage(), e));
            }
        }
        for (Iterator<Reported> it = reported.iterator(); it.hasNext(); ) {
            Reported r = it.next();
            if (!r.future.isDone()) {
                continue;
            }
            it.remove();
            try {
                r.future.get();
                ledger.confirm(r.entry);
            } catch (ExecutionException e) {
                failTask(new ConnectException("record " + r.entry + " could not be written to the dead-letter"
                        + " queue: " + e.getCause(), e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void failTask(ConnectException e) {
        if (fatal == null) {
            fatal = e;
            LOG.error("aiokpl sink task fails: {}", e.getMessage());
        }
    }

    private void throwIfFailed() {
        if (fatal != null) {
            throw fatal;
        }
    }

    private void applyBackpressure() {
        if (!config.pauseConsumption()) {
            return;
        }
        long outstanding = producer.outstandingRecords();
        if (paused.isEmpty() && outstanding >= highWater) {
            pause();
        } else if (!paused.isEmpty() && outstanding <= lowWater) {
            context.resume(paused.toArray(new TopicPartition[0]));
            LOG.debug("resumed {} partitions: {} records unconfirmed", paused.size(), outstanding);
            paused.clear();
        }
        if (!paused.isEmpty()) {
            context.timeout(PAUSED_POLL_MS); // come back soon to resume, not at the next offset commit
        }
    }

    private void pause() {
        if (!config.pauseConsumption()) {
            return;
        }
        Set<TopicPartition> assigned = new HashSet<>(context.assignment());
        assigned.removeAll(paused);
        if (!assigned.isEmpty()) {
            context.pause(assigned.toArray(new TopicPartition[0]));
            paused.addAll(assigned);
            LOG.debug("paused {} partitions: {} records unconfirmed", assigned.size(), producer.outstandingRecords());
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        handleCompletions();
        return ledger.committable(currentOffsets);
    }

    /**
     * The partitions are revoked: waits up to {@code closeTimeout} for their records to be
     * confirmed (or reported), then forgets them. Connect has already committed what
     * {@link #preCommit} allowed; what is still unconfirmed is replayed by their next owner.
     */
    @Override
    public void close(Collection<TopicPartition> partitions) {
        long deadline = System.nanoTime() + config.closeTimeout().toNanos();
        try {
            while (ledger.unconfirmed(partitions) > 0 && fatal == null) {
                handleCompletions();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("closing {}: {} records still unconfirmed after closeTimeout={} ms; not committed, the"
                            + " next owner replays them", partitions, ledger.unconfirmed(partitions),
                            config.closeTimeout().toMillis());
                    break;
                }
                ledger.awaitChange(Math.min(left, CLOSE_POLL_NANOS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ledger.forget(partitions);
            paused.removeAll(partitions);
        }
    }

    /** Closes the producer, which sends what it holds within {@code closeTimeout} and fails the rest. */
    @Override
    public void stop() {
        if (producer != null) {
            producer.close();
            if (producer.config().credentialsProvider() instanceof AutoCloseable assumedRole) {
                try {
                    assumedRole.close(); // the STS provider of roleARN, made for this task
                } catch (Exception e) {
                    LOG.warn("closing the credentials provider", e);
                }
            }
        }
        LOG.info("aiokpl sink task stopped");
    }

    /** A record that failed for good, on its way from a callback thread to the task thread. */
    private record Failure(OffsetLedger.Entry entry, SinkRecord record, String stream, String errorCode,
            String errorMessage, Throwable cause) {

        String describe() {
            return "Kinesis stream '" + stream + "' did not take record " + entry + " (error code " + errorCode
                    + ": " + errorMessage + ")";
        }
    }

    /** A record handed to the errant record reporter. */
    private record Reported(OffsetLedger.Entry entry, Future<Void> future) {
    }
}
