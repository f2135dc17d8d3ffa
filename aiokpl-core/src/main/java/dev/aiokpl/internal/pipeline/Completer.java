package dev.aiokpl.internal.pipeline;

import dev.aiokpl.RecordResult;
import dev.aiokpl.internal.record.PendingRecord;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes record futures on the callback executor, never on the pipeline thread: the pipeline
 * collects results and hands them over in chunks. After a chunk's futures are completed, their flush
 * epochs are told, so a {@code flush()} future never completes before the records it waits for.
 */
final class Completer {

    private static final Logger LOG = LoggerFactory.getLogger(Completer.class);
    static final int CHUNK = 512;

    private final Executor executor;
    private final FlushTracker flushTracker;
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

    /** Hands every queued completion to the executor (pipeline thread). */
    void dispatch() {
        if (size == 0) {
            return;
        }
        PendingRecord[] rs = records;
        RecordResult[] res = results;
        int n = size;
        records = new PendingRecord[CHUNK];
        results = new RecordResult[CHUNK];
        size = 0;
        Runnable task = () -> complete(rs, res, n);
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.warn("callbackExecutor rejected {} completions; completing them on the pipeline thread", n);
            task.run();
        }
    }

    private void complete(PendingRecord[] rs, RecordResult[] res, int n) {
        for (int i = 0; i < n; i++) {
            try {
                rs[i].future.complete(res[i]);
            } catch (Throwable t) {
                LOG.warn("a record callback threw", t);
            }
        }
        for (int i = 0; i < n; i++) {
            flushTracker.leave(rs[i].epoch);
        }
    }
}
