package dev.aiokpl;

/**
 * Thrown by {@code putRecord} when the producer's outstanding limits ({@code maxOutstandingRecords},
 * {@code maxOutstandingBytes}) stay full for longer than {@code maxBlockTime}, or when the calling
 * thread is interrupted while it waits (then the cause is an {@link InterruptedException} and the
 * thread's interrupt flag is set again). The record was not accepted.
 */
public class ProducerFullException extends RuntimeException {

    /** Creates the exception with a message saying which limit was full. */
    public ProducerFullException(String message) {
        super(message);
    }

    /** Creates the exception with a message and a cause. */
    public ProducerFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
