package dev.aiokpl.internal.record;

import dev.aiokpl.Attempt;
import dev.aiokpl.RecordResult;
import java.lang.invoke.MethodHandles;
import java.util.Objects;

/**
 * The pipeline's way to a compact {@link RecordResult} for the common case — a record put by its
 * first attempt — without a public factory: {@code RecordResult} installs it here when its class
 * initialises.
 *
 * <p>Such a result holds the request's attempt (shared by all user records of one Kinesis record)
 * and the record's own delay, and makes the record's {@link Attempt} only if
 * {@link RecordResult#attempts()} is called: a success then costs one small object per record
 * instead of three.
 */
public final class Results {

    private static volatile FirstAttemptSuccess fast;

    /** Makes the compact result; {@code RecordResult} provides it. */
    @FunctionalInterface
    public interface FirstAttemptSuccess {
        RecordResult create(Attempt request, long delayNanos);
    }

    private Results() {
    }

    /**
     * Called once by {@code RecordResult}'s static initialiser; later calls are ignored, so nothing
     * else can replace it.
     */
    public static void install(FirstAttemptSuccess f) {
        synchronized (Results.class) {
            if (fast == null) {
                fast = Objects.requireNonNull(f, "factory");
            }
        }
    }

    /**
     * The result of a record whose first attempt put it.
     *
     * @param request    the request's successful attempt, with zero delay (shared)
     * @param delayNanos how long this record waited before the request
     */
    public static RecordResult firstAttemptSuccess(Attempt request, long delayNanos) {
        FirstAttemptSuccess f = fast;
        if (f == null) {
            try {
                MethodHandles.lookup().ensureInitialized(RecordResult.class);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            f = fast;
        }
        return f.create(request, delayNanos);
    }
}
