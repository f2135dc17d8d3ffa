package dev.aiokpl.testkit;

/**
 * A fault {@link FaultProxy} can inject into a whole PutRecords request, instead of the emulator's answer.
 *
 * <p>Each fault says whether the request reaches the emulator: when it does and the producer never
 * sees the emulator's answer ({@link #outcomeUnknown()}), the records may be in the stream although
 * the producer retries them, so duplicates are possible, as with the real service.
 */
public enum RequestFault {
    /** HTTP 400 {@code ProvisionedThroughputExceededException} for the whole request; not forwarded. */
    THROTTLE_REQUEST(400, "ProvisionedThroughputExceededException", false, false),
    /** HTTP 500 {@code InternalFailure}; not forwarded. */
    INTERNAL_FAILURE(500, "InternalFailure", false, false),
    /** HTTP 503 {@code ServiceUnavailable}; not forwarded. */
    SERVICE_UNAVAILABLE(503, "ServiceUnavailable", false, false),
    /** HTTP 400 {@code AccessDeniedException}; not forwarded. */
    ACCESS_DENIED(400, "AccessDeniedException", false, false),
    /** HTTP 400 {@code KMSThrottlingException}; not forwarded. */
    KMS_THROTTLING(400, "KMSThrottlingException", false, false),
    /** HTTP 400 {@code ValidationException}; not forwarded. */
    VALIDATION(400, "ValidationException", false, false),
    /** The connection is reset (TCP RST) after the request was read, before it is forwarded. */
    RESET_BEFORE_FORWARD(0, null, false, false),
    /** The request is forwarded, then the connection is reset instead of answering: outcome unknown. */
    RESET_AFTER_FORWARD(0, null, true, true),
    /**
     * The request is forwarded and its answer held for {@link FaultProxy#responseDelay(java.time.Duration)}
     * (set it past the client's request timeout): outcome unknown.
     */
    DELAY_RESPONSE(0, null, true, true),
    /** The request is forwarded and answered with one record too few: outcome unknown to a careful client. */
    WRONG_RECORD_COUNT(200, null, true, true);

    private final int status;
    private final String errorCode;
    private final boolean forwarded;
    private final boolean outcomeUnknown;

    RequestFault(int status, String errorCode, boolean forwarded, boolean outcomeUnknown) {
        this.status = status;
        this.errorCode = errorCode;
        this.forwarded = forwarded;
        this.outcomeUnknown = outcomeUnknown;
    }

    /** The HTTP status of the error answer, or 0 when there is none (reset, delayed answer). */
    public int status() {
        return status;
    }

    /** The {@code __type} of the error answer, or null. */
    public String errorCode() {
        return errorCode;
    }

    /** Whether the request reaches the emulator. */
    public boolean forwarded() {
        return forwarded;
    }

    /** Whether the emulator may have stored the records while the client sees a failure. */
    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }
}
