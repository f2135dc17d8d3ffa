package dev.aiokpl;

/**
 * Thrown by {@link RecordResult#orThrow()} for a failed record. The message names the last error
 * code and message and the number of attempts; {@link #result()} holds every attempt.
 */
public class RecordFailedException extends RuntimeException {

    private final transient RecordResult result;

    /** Creates the exception for a failed result. */
    public RecordFailedException(RecordResult result) {
        super(message(result));
        this.result = result;
    }

    /** The failed result, with every attempt. */
    public RecordResult result() {
        return result;
    }

    private static String message(RecordResult result) {
        Attempt last = result.attempts().get(result.attempts().size() - 1);
        return "record failed after " + result.attempts().size() + " attempt(s): "
                + last.errorCode() + ": " + last.errorMessage();
    }
}
