package dev.aiokpl.internal.pipeline;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tracks which records were accepted before each {@code flush()}: records are counted in the
 * current epoch; {@code flush()} opens a new epoch and returns a future completed once every
 * earlier epoch has no record left. Lock-free on the accept path.
 */
final class FlushTracker {

    /** One epoch: a count of its live records plus one "open" token held until the epoch is sealed. */
    static final class Epoch {
        final AtomicLong count = new AtomicLong(1);
        final CompletableFuture<Void> own = new CompletableFuture<>();
        final CompletableFuture<Void> all;

        Epoch(CompletableFuture<Void> previous) {
            this.all = previous == null ? own : CompletableFuture.allOf(own, previous);
        }
    }

    private volatile Epoch current = new Epoch(null);

    /** Counts a record in the current epoch and returns that epoch. */
    Epoch enter() {
        while (true) {
            Epoch e = current;
            long c = e.count.get();
            if (c > 0 && e.count.compareAndSet(c, c + 1)) {
                return e;
            }
            Thread.onSpinWait();
        }
    }

    /** A record of {@code epoch} is terminal. */
    void leave(Object epoch) {
        Epoch e = (Epoch) epoch;
        if (e.count.decrementAndGet() == 0) {
            e.own.complete(null);
        }
    }

    /** Seals the current epoch; the future completes when it and every earlier epoch are empty. */
    synchronized CompletableFuture<Void> flush() {
        Epoch old = current;
        current = new Epoch(old.all);
        leave(old);
        return old.all.copy();
    }
}
