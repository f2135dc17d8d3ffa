package dev.aiokpl.cli;

import dev.aiokpl.Attempt;
import dev.aiokpl.Config;
import dev.aiokpl.Producer;
import dev.aiokpl.ProducerFullException;
import dev.aiokpl.RecordResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One producer sending a command's records: counts every outcome into {@link RunStats}, shows
 * {@link Progress}, and ends either normally ({@link #finish()}: flush, close) or on a signal
 * ({@link #stopOnSignal(Duration)}: stop sending, flush with a bounded wait). Exactly one of the
 * main thread and the signal handler prints the report: the first to {@link #claimReport()}.
 */
final class Run implements AutoCloseable {

    /** Error code of a record rejected before the producer: bad line, missing key, invalid size. */
    static final String INVALID_INPUT = "InvalidInput";

    private final Producer producer;
    private final RunStats stats;
    private final Progress progress;
    private final TotalsSink sink;
    private final AtomicBoolean reportClaimed = new AtomicBoolean();
    private volatile boolean stopping;
    private long warmUpKinesisRecords;

    /**
     * Creates the producer and starts the progress display.
     *
     * @param total        records to send, or -1 when unknown
     * @param keepFailures whether to keep each failure with its position (put's report)
     */
    Run(Io io, Config config, TotalsSink sink, String label, long total, Progress.Mode mode, boolean keepFailures) {
        this.sink = sink;
        this.producer = Producer.create(config);
        this.stats = new RunStats(keepFailures);
        this.progress = new Progress(io, mode, label, total, stats, producer::outstandingRecords);
        progress.start();
    }

    RunStats stats() {
        return stats;
    }

    /** Kinesis records put for the counted records (complete after {@link #finish()}). */
    long kinesisRecordsPut() {
        return Math.max(0, sink.kinesisRecordsPut() - warmUpKinesisRecords);
    }

    /** Whether a signal asked the run to stop. */
    boolean stopping() {
        return stopping;
    }

    /**
     * Hands one record to the producer, waiting while it is full. A record the producer refuses as
     * invalid counts as failed with {@link #INVALID_INPUT} and the reason.
     *
     * @param position the line number or index reported with a failure
     * @return false if the run is stopping and the record was not sent
     */
    boolean put(String stream, String partitionKey, String explicitHashKey, byte[] data, long position) {
        return send(stream, partitionKey, explicitHashKey, data, position) != null;
    }

    /**
     * As {@link #put}, then waits until the record is confirmed or failed. Sending the first record
     * alone gives the producer the stream's shard map and a warm connection before the bulk
     * arrives. (The producer itself holds records while a map loads, up to 10 s or a third of
     * {@code recordTtl}, then sends them un-aggregated: a first ListShards slower than that would
     * turn a burst at start-up into thousands of single-record Kinesis records.)
     *
     * @return false if the run is stopping
     */
    boolean putAndWait(String stream, String partitionKey, String explicitHashKey, byte[] data, long position) {
        CompletableFuture<?> done = send(stream, partitionKey, explicitHashKey, data, position);
        if (done == null) {
            return false;
        }
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            // Counted by the callback.
        }
        return !stopping;
    }

    /**
     * Sends one record that is not counted, waits for it, and restarts the clock: a benchmark's
     * warm-up (shard map, connection), see {@link #putAndWait}.
     *
     * @return its result (a success made exactly one Kinesis record, left out of {@link #kinesisRecordsPut()})
     */
    RecordResult warmUp(String stream, String partitionKey, byte[] data) {
        RecordResult result = producer.putRecord(stream, partitionKey, data).join();
        if (result.successful()) {
            warmUpKinesisRecords = 1;
        }
        stats.restartClock();
        return result;
    }

    /** Hands the record over; returns a future completed after it was counted, or null if stopping. */
    private CompletableFuture<?> send(String stream, String partitionKey, String explicitHashKey, byte[] data,
                                      long position) {
        long started = System.nanoTime();
        CompletableFuture<RecordResult> future;
        while (true) {
            if (stopping) {
                return null;
            }
            try {
                future = producer.putRecord(stream, partitionKey, explicitHashKey, data);
                break;
            } catch (ProducerFullException full) {
                // Back-pressure: the producer stays full while Kinesis is slower than the input; wait on.
            } catch (IllegalArgumentException invalid) {
                reject(position, invalid.getMessage());
                return CompletableFuture.completedFuture(null);
            } catch (IllegalStateException closed) {
                if (stopping) {
                    return null;
                }
                throw closed;
            }
        }
        stats.countAccepted();
        int size = data.length;
        return future.whenComplete((result, error) -> {
            if (error != null) {
                stats.failed(position, "Exception", error.toString());
            } else if (result.successful()) {
                stats.succeeded(size, System.nanoTime() - started);
            } else {
                List<Attempt> attempts = result.attempts();
                Attempt last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
                stats.failed(position, last == null ? null : last.errorCode(), last == null ? "" : last.errorMessage());
            }
        });
    }

    /** Counts a record that never reached the producer as failed with {@link #INVALID_INPUT}. */
    void reject(long position, String message) {
        stats.failed(position, INVALID_INPUT, message);
    }

    /** Sends what is buffered, waits until every record is terminal, closes the producer. */
    void finish() {
        producer.flush().join();
        stats.end();
        progress.stop();
        producer.close();
    }

    /**
     * On a signal: stops sending, flushes and waits up to {@code bound} for the outstanding
     * records; records still outstanding then are left out of the counts (they are reported as
     * outstanding). Does not close the producer, whose close would wait its own timeout.
     *
     * @return the records still outstanding
     */
    long stopOnSignal(Duration bound) {
        stopping = true;
        try {
            producer.flush().get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Reported below as outstanding.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stats.end();
        progress.stop();
        return producer.outstandingRecords();
    }

    /** True for the first caller only: that caller prints the report. */
    boolean claimReport() {
        return reportClaimed.compareAndSet(false, true);
    }

    /**
     * Stops the display and closes the producer (after an error, or when the main thread leaves on
     * a signal: then the signal handler draws the final state once its flush is done).
     */
    @Override
    public void close() {
        if (!stopping) {
            progress.stop();
        }
        producer.close();
    }

    /** How a partial summary starts: what the numbers below it leave out. */
    static String interruptedNote(long outstanding) {
        return outstanding == 0
                ? "every record sent was confirmed or failed"
                : outstanding + " record(s) still outstanding after the flush wait are not counted";
    }
}
