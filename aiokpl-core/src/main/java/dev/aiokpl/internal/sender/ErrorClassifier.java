package dev.aiokpl.internal.sender;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Names and classifies errors: what a per-record error code or a request exception means for the
 * records involved (SPEC section 3, retrier).
 */
public final class ErrorClassifier {

    /** What to do with the records an error touched. */
    public enum Kind {
        /** The shard is over its limits: back off, slow the shard, retry (or fail if failIfThrottled). */
        THROTTLED,
        /** Retrying cannot help: fail now with the service's code and message. */
        NON_RETRYABLE,
        /** Anything else: retry with backoff. */
        RETRYABLE
    }

    public static final String THROTTLED_CODE = "ProvisionedThroughputExceededException";

    private static final Set<String> NON_RETRYABLE_CODES = Set.of(
            "ResourceNotFoundException", "AccessDeniedException", "ValidationException", "InvalidArgumentException",
            "KMSAccessDeniedException", "KMSDisabledException", "KMSNotFoundException", "KMSInvalidStateException",
            "KMSOptInRequired",
            // credentials and signing errors
            "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignature",
            "MissingAuthenticationToken", "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredTokenException",
            "AuthFailure", "CredentialsError");

    private ErrorClassifier() {
    }

    /** Classifies a per-record or request error code. */
    public static Kind classify(String errorCode) {
        if (THROTTLED_CODE.equals(errorCode)) {
            return Kind.THROTTLED;
        }
        return NON_RETRYABLE_CODES.contains(errorCode) ? Kind.NON_RETRYABLE : Kind.RETRYABLE;
    }

    /** The error code of a request failure: the service's code, or a client exception's name. */
    public static String code(Throwable error) {
        if (error instanceof AwsServiceException ase) {
            if (ase.awsErrorDetails() != null && ase.awsErrorDetails().errorCode() != null) {
                return ase.awsErrorDetails().errorCode();
            }
            return ase.statusCode() >= 500 ? "ServiceUnavailable" : ase.getClass().getSimpleName();
        }
        if (error instanceof SdkClientException && isCredentialsError(error)) {
            return "CredentialsError";
        }
        return error.getClass().getSimpleName();
    }

    /** The message of a request failure, never null. */
    public static String message(Throwable error) {
        if (error instanceof AwsServiceException ase && ase.awsErrorDetails() != null
                && ase.awsErrorDetails().errorMessage() != null) {
            return ase.awsErrorDetails().errorMessage() + " (HTTP " + ase.statusCode() + ")";
        }
        String m = error.getMessage();
        if (m == null && error.getCause() != null) {
            m = error.getCause().toString();
        }
        return m == null ? error.getClass().getName() : m;
    }

    /** Unwraps CompletionException / ExecutionException. */
    public static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static boolean isCredentialsError(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.toLowerCase(Locale.ROOT).contains("unable to load credentials")) {
                return true;
            }
            if (t.getClass().getSimpleName().contains("Credentials")) {
                return true;
            }
        }
        return false;
    }
}
