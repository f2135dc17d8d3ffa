package dev.aiokpl.internal.metrics;

import java.util.List;

/**
 * The metric names the pipeline records, the KPL's own; {@link dev.aiokpl.sinks.MetricUnit#of}
 * gives each one's unit and {@code docs/metrics.md} where each is observed.
 */
public final class MetricNames {

    /** User records accepted by {@code putRecord}; value 1 each. */
    public static final String USER_RECORDS_RECEIVED = "UserRecordsReceived";
    /** Sampled number of user records accepted and not yet terminal. */
    public static final String USER_RECORDS_PENDING = "UserRecordsPending";
    /** User records put successfully; value 1 each. */
    public static final String USER_RECORDS_PUT = "UserRecordsPut";
    /** Data bytes of the user records put successfully. */
    public static final String USER_RECORDS_DATA_PUT = "UserRecordsDataPut";
    /** Kinesis records (aggregated or not) put successfully; value 1 each. */
    public static final String KINESIS_RECORDS_PUT = "KinesisRecordsPut";
    /** Bytes of the Kinesis records put successfully. */
    public static final String KINESIS_RECORDS_DATA_PUT = "KinesisRecordsDataPut";
    /** Errors, with the {@code error_code} dimension; value 1 each. */
    public static final String ERRORS_BY_CODE = "ErrorsByCode";
    /** Errors of any code; value 1 each. */
    public static final String ALL_ERRORS = "AllErrors";
    /** Retries a user record needed (attempts - 1), recorded when it becomes terminal. */
    public static final String RETRIES_PER_RECORD = "RetriesPerRecord";
    /** User records that failed because their {@code recordTtl} ran out; value 1 each. */
    public static final String USER_RECORD_EXPIRED = "UserRecordExpired";
    /** Milliseconds from {@code putRecord} to the successful attempt's request being sent. */
    public static final String BUFFERING_TIME = "BufferingTime";
    /** Milliseconds one PutRecords request took. */
    public static final String REQUEST_TIME = "RequestTime";
    /** User records in one successfully put Kinesis record. */
    public static final String USER_RECORDS_PER_KINESIS_RECORD = "UserRecordsPerKinesisRecord";
    /** Kinesis records in one PutRecords request. */
    public static final String KINESIS_RECORDS_PER_PUT_RECORDS_REQUEST = "KinesisRecordsPerPutRecordsRequest";
    /** User records in one PutRecords request. */
    public static final String USER_RECORDS_PER_PUT_RECORDS_REQUEST = "UserRecordsPerPutRecordsRequest";
    /** The send window's largest request in bytes after each answer (adapts on a slow endpoint; not the KPL's). */
    public static final String REQUEST_SIZE_LIMIT = "RequestSizeLimit";
    /** The send window's most requests in flight after each answer (adapts on a slow endpoint; not the KPL's). */
    public static final String REQUESTS_IN_FLIGHT_LIMIT = "RequestsInFlightLimit";

    /** Every name above: the KPL's, in the order of its documentation, then this library's own. */
    public static final List<String> ALL = List.of(
            USER_RECORDS_RECEIVED,
            USER_RECORDS_PENDING,
            USER_RECORDS_PUT,
            USER_RECORDS_DATA_PUT,
            KINESIS_RECORDS_PUT,
            KINESIS_RECORDS_DATA_PUT,
            ERRORS_BY_CODE,
            ALL_ERRORS,
            RETRIES_PER_RECORD,
            USER_RECORD_EXPIRED,
            BUFFERING_TIME,
            REQUEST_TIME,
            USER_RECORDS_PER_KINESIS_RECORD,
            KINESIS_RECORDS_PER_PUT_RECORDS_REQUEST,
            USER_RECORDS_PER_PUT_RECORDS_REQUEST,
            REQUEST_SIZE_LIMIT,
            REQUESTS_IN_FLIGHT_LIMIT);

    private MetricNames() {
    }
}
