package dev.aiokpl.flink;

import dev.aiokpl.Attempt;
import dev.aiokpl.RecordFailedException;
import dev.aiokpl.RecordResult;
import java.io.IOException;
import java.util.List;

/** The first record failure a writer saw: its stream, error code and message, and how to report it to Flink. */
record RecordFailure(String stream, String errorCode, String errorMessage, Throwable cause) {

    /** From a failed result, or from an exception that completed the future (never expected from the producer). */
    static RecordFailure of(String stream, RecordResult result, Throwable error) {
        if (result != null) {
            List<Attempt> attempts = result.attempts();
            Attempt last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
            return new RecordFailure(stream, last == null ? "Unknown" : last.errorCode(),
                    last == null ? "no attempt" : last.errorMessage(),
                    attempts.isEmpty() ? null : new RecordFailedException(result));
        }
        return new RecordFailure(stream, error == null ? "Unknown" : error.getClass().getSimpleName(),
                error == null ? "no result" : String.valueOf(error.getMessage()), error);
    }

    /** For an element the producer refused as invalid ({@code IllegalArgumentException}). */
    static RecordFailure invalid(String stream, IllegalArgumentException e) {
        return new RecordFailure(stream, "InvalidRecord", e.getMessage(), e);
    }

    /** "a record for stream s failed: Code: message". */
    String message() {
        return "a record for stream " + stream + " failed: " + errorCode + ": " + errorMessage;
    }

    /** The exception that fails the checkpoint (and the job), naming the stream and the error code. */
    IOException toException(long failedCount) {
        String more = failedCount > 1 ? " (" + failedCount + " records failed; this is the first)" : "";
        return new IOException("aiokpl-flink: " + message() + more, cause);
    }
}
