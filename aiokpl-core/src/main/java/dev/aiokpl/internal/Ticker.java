package dev.aiokpl.internal;

/** Monotonic time source in nanoseconds, injected so pipeline stages can be tested on a manual clock. */
@FunctionalInterface
public interface Ticker {
    /** Returns the current monotonic time in nanoseconds (only differences are meaningful). */
    long read();

    /** The system ticker, {@link System#nanoTime()}. */
    static Ticker system() {
        return System::nanoTime;
    }
}
