package dev.aiokpl.internal.sender;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Names and classifies errors: what a per-record error code or a request exception means for the
 * records involved (SPEC section 3, retrier).
 *
 * <p><b>Clock skew.</b> The SDK's definite clock-skew codes ({@code RequestTimeTooSkewed},
 * {@code RequestExpired}, {@code RequestInTheFuture}) are always {@link Kind#CLOCK_SKEW}. Its possible
 * ones ({@code InvalidSignatureException}, {@code SignatureDoesNotMatch}, {@code AuthFailure}) are
 * clock skew only with evidence: the message says the signature is out of date ("Signature expired",
 * "Signature not yet current", as SigV4 services word it), or the exception carries the server's
 * {@code Date} far from our signing clock ({@link AwsServiceException#isClockSkewException()}).
 * Without evidence they are a bad signature (a wrong secret key), which retrying cannot fix:
 * {@link Kind#NON_RETRYABLE}.
 *
 * <p><b>Credentials.</b> No credentials at all ("Unable to load credentials from any of the providers",
 * or a provider that has none) is {@value #CREDENTIALS_ERROR}, non-retryable. An expired session token
 * ({@code ExpiredTokenException}) or a failure to fetch credentials that may heal (I/O with the
 * metadata service or STS, "Failed to load credentials from IMDS") is
 * {@link Kind#CREDENTIALS_RETRYABLE}: the provider refreshes them meanwhile.
 */
public final class ErrorClassifier {

    /** What to do with the records an error touched. */
    public enum Kind {
        /** The shard is over its limits: back off, slow the shard, retry (or fail if failIfThrottled). */
        THROTTLED,
        /** Retrying cannot help: fail now with the service's code and message. */
        NON_RETRYABLE,
        /** Our signing clock is off: the transport corrects it from the answer; retry at once. */
        CLOCK_SKEW,
        /** Expired or not yet fetched credentials: retry with backoff (and a WARN) until the record's TTL. */
        CREDENTIALS_RETRYABLE,
        /** Anything else: retry with backoff. */
        RETRYABLE
    }

    public static final String THROTTLED_CODE = "ProvisionedThroughputExceededException";
    /** Code of a request that found no credentials at all. */
    public static final String CREDENTIALS_ERROR = "CredentialsError";
    /** Code of a request whose credentials could not be fetched this time (a failure that may heal). */
    public static final String CREDENTIALS_FETCH_FAILED = "CredentialsFetchFailed";

    private static final Set<String> NON_RETRYABLE_CODES = Set.of(
            "ResourceNotFoundException", "AccessDeniedException", "ValidationException", "InvalidArgumentException",
            "KMSAccessDeniedException", "KMSDisabledException", "KMSNotFoundException", "KMSInvalidStateException",
            "KMSOptInRequired",
            // credentials and signing errors
            "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignature",
            "MissingAuthenticationToken", "InvalidClientTokenId", "SignatureDoesNotMatch",
            "AuthFailure", CREDENTIALS_ERROR);
    private static final Set<String> DEFINITE_CLOCK_SKEW_CODES = Set.of(
            "RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture");
    private static final Set<String> POSSIBLE_CLOCK_SKEW_CODES = Set.of(
            "InvalidSignatureException", "SignatureDoesNotMatch", "AuthFailure");
    private static final Set<String> CREDENTIALS_RETRYABLE_CODES = Set.of(
            "ExpiredTokenException", "ExpiredToken", CREDENTIALS_FETCH_FAILED);

    private ErrorClassifier() {
    }

    /** Classifies an error code on its own (no message: a possible clock-skew code counts as a bad signature). */
    public static Kind classify(String errorCode) {
        return classify(errorCode, null);
    }

    /** Classifies a per-record or request error code with its message (the evidence of clock skew). */
    public static Kind classify(String errorCode, String message) {
        if (THROTTLED_CODE.equals(errorCode)) {
            return Kind.THROTTLED;
        }
        if (DEFINITE_CLOCK_SKEW_CODES.contains(errorCode)
                || POSSIBLE_CLOCK_SKEW_CODES.contains(errorCode) && saysSignatureOutOfDate(message)) {
            return Kind.CLOCK_SKEW;
        }
        if (CREDENTIALS_RETRYABLE_CODES.contains(errorCode)) {
            return Kind.CREDENTIALS_RETRYABLE;
        }
        return NON_RETRYABLE_CODES.contains(errorCode) ? Kind.NON_RETRYABLE : Kind.RETRYABLE;
    }

    /** Whether a code can mean clock skew (definitely, or with evidence): how a clock-skew retry is recognised. */
    public static boolean isClockSkewCode(String errorCode) {
        return DEFINITE_CLOCK_SKEW_CODES.contains(errorCode) || POSSIBLE_CLOCK_SKEW_CODES.contains(errorCode);
    }

    /**
     * Classifies a request failure: its {@linkplain #code code} and {@linkplain #message message}, and
     * for a service exception the SDK's own clock-skew test (the server's {@code Date} against our clock).
     */
    public static Kind classify(Throwable error) {
        String code = code(error);
        Kind kind = classify(code, message(error));
        if (kind == Kind.NON_RETRYABLE && POSSIBLE_CLOCK_SKEW_CODES.contains(code)
                && error instanceof AwsServiceException ase && ase.isClockSkewException()) {
            return Kind.CLOCK_SKEW;
        }
        return kind;
    }

    private static boolean saysSignatureOutOfDate(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("signature expired") || m.contains("signature not yet current");
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
            return isTransientCredentialsFailure(error) ? CREDENTIALS_FETCH_FAILED : CREDENTIALS_ERROR;
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

    /**
     * Whether a request failed for lack of time, the sign of a congested path: the SDK's (or the direct
     * path's) call timeout, a read or write timeout, or no connection freed up in time.
     */
    public static boolean isTimeout(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException) {
                return true;
            }
            String name = t.getClass().getSimpleName();
            if (name.equals("ReadTimeoutException") || name.equals("WriteTimeoutException")
                    || name.equals("SocketTimeoutException")) {
                return true;
            }
            String m = t.getMessage();
            if (m != null && m.contains("Acquire operation took longer")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
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
            if (m != null && m.toLowerCase(Locale.ROOT).contains("load credentials")) {
                return true;
            }
            if (t.getClass().getSimpleName().contains("Credentials")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a credentials failure may heal: not "no provider has any" (nothing will change until the
     * user fixes the setup), but a provider that failed to fetch them (I/O, the metadata service, STS).
     */
    private static boolean isTransientCredentialsFailure(Throwable error) {
        boolean fetchFailed = false;
        for (Throwable t = error; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("any of the providers")) {
                return false;
            }
            if (t instanceof IOException || t instanceof UncheckedIOException
                    || t instanceof AwsServiceException ase && (ase.statusCode() >= 500 || ase.isThrottlingException())
                    || m.contains("failed to load credentials") || m.contains("failed to refresh")
                    || m.contains("metadata service")) {
                fetchFailed = true;
            }
        }
        return fetchFailed;
    }
}
