package dev.aiokpl.internal.pipeline;

import dev.aiokpl.RecordResult;
import dev.aiokpl.internal.DaemonThreadFactory;
import dev.aiokpl.internal.record.PendingRecord;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes record futures on the callback executor, never on the pipeline thread: the pipeline
 * collects results and hands them over in chunks. Each record's flush epoch is told once its future
 * is completed, so a {@code flush()} future never completes before the records it waits for.
 *
 * <p>A callback may call the producer back and wait ({@code flush().join()}, {@code close()}, a
 * {@code putRecord} on a full producer): the producer then calls {@link #beforeBlocking()} from
 * that callback, which counts the record whose callback runs as completed (its future is) and hands
 * the rest of its chunk to another task, so nothing the callback waits for is stuck behind it.
 *
 * <p>When the callback executor rejects a chunk, the chunk runs on a fallback thread
 * ({@code aiokpl-callback-fallback-*}), never on the pipeline thread: a callback blocking there
 * would stop the only thread that frees capacity.
 */
final class Completer {

    private static final Logger LOG = LoggerFactory.getLogger(Completer.class);
    static final int CHUNK = 512;
    /** The chunk whose callbacks the current thread is running, if any. */
    private static final ThreadLocal<Chunk> RUNNING = new ThreadLocal<>();

    private final Executor executor;
    private final FlushTracker flushTracker;
    private final Object fallbackLock = new Object();
    private final AtomicLong rejections = new AtomicLong();
    private DaemonThreadFactory fallbackThreads;
    private ExecutorService fallback;
    /** Set by {@link #shutdown()}: no fallback thread is started any more. */
    private boolean shutDown;
    private PendingRecord[] records = new PendingRecord[CHUNK];
    private RecordResult[] results = new RecordResult[CHUNK];
    private int size;

    Completer(Executor executor, FlushTracker flushTracker) {
        this.executor = executor;
        this.flushTracker = flushTracker;
    }

    /** Queues a completion (pipeline thread). */
    void add(PendingRecord r, RecordResult result) {
        records[size] = r;
        results[size] = result;
        size++;
        if (size == CHUNK) {
            dispatch();
        }
    }

    /** Hands every queued completion to the executor (pipeline thread, or the closing thread once it is gone). */
    void dispatch() {
        if (size == 0) {
            return;
        }
        Chunk chunk = new Chunk(records, results, size, 0);
        records = new PendingRecord[CHUNK];
        results = new RecordResult[CHUNK];
        size = 0;
        submit(chunk);
    }

    /**
     * Called on any thread about to wait for the producer: if it is running a record's callback, that
     * record counts as completed from now on and the rest of its chunk moves to another task.
     */
    static void beforeBlocking() {
        Chunk chunk = RUNNING.get();
        if (chunk != null) {
            chunk.handOff();
        }
    }

    /** Stops the fallback threads, if any were started (once nothing can be rejected any more). */
    void shutdown() {
        ExecutorService f;
        synchronized (fallbackLock) {
            shutDown = true;
            f = fallback;
        }
        if (f != null) {
            f.shutdown();
            try {
                if (f.awaitTermination(10, TimeUnit.SECONDS)) {
                    fallbackThreads.awaitThreadsEnded(java.time.Duration.ofSeconds(1));
                } else {
                    LOG.warn("record callbacks on the fallback threads did not finish within 10 s of close()");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void submit(Chunk chunk) {
        try {
            executor.execute(chunk);
        } catch (RejectedExecutionException e) {
            long n = rejections.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                LOG.warn("callbackExecutor rejected record completions ({} time(s) so far: {}); running them on the "
                        + "producer's fallback threads, never on the pipeline thread. Give the executor room for "
                        + "one more task", n, e.toString());
            }
            fallback().execute(chunk);
        }
    }

    private Executor fallback() {
        synchronized (fallbackLock) {
            if (shutDown) {
                // After close(): only a callback handing off the rest of its chunk gets here; it
                // completes them itself before it waits.
                return Runnable::run;
            }
            if (fallback == null) {
                fallbackThreads = new DaemonThreadFactory("callback-fallback");
                fallback = Executors.newCachedThreadPool(fallbackThreads);
            }
            return fallback;
        }
    }

    /** Completes a run of futures in order; the callbacks run inside {@link #run()}. */
    private final class Chunk implements Runnable {
        private final PendingRecord[] rs;
        private final RecordResult[] res;
        private final int end;
        private int next;
        /** Set from a callback of this chunk: the rest of it went to another task. */
        private boolean handedOff;

        Chunk(PendingRecord[] rs, RecordResult[] res, int end, int next) {
            this.rs = rs;
            this.res = res;
            this.end = end;
            this.next = next;
        }

        @Override
        public void run() {
            Chunk outer = RUNNING.get();
            RUNNING.set(this);
            try {
                while (next < end) {
                    int i = next++;
                    try {
                        rs[i].future.complete(res[i]);
                    } catch (Throwable t) {
                        LOG.warn("a record callback threw", t);
                    }
                    if (handedOff) {
                        return;
                    }
                    flushTracker.leave(rs[i].epoch);
                }
            } finally {
                if (outer == null) {
                    RUNNING.remove();
                } else {
                    RUNNING.set(outer);
                }
            }
        }

        /** From a callback of record {@code next - 1} about to wait. */
        void handOff() {
            if (handedOff) {
                return;
            }
            handedOff = true;
            flushTracker.leave(rs[next - 1].epoch);
            if (next < end) {
                submit(new Chunk(rs, res, end, next));
            }
        }
    }
}
