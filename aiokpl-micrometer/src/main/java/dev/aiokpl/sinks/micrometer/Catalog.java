package dev.aiokpl.sinks.micrometer;

import java.util.Map;

/** The KPL metrics this sink knows: which meter each becomes, its base unit and description. */
final class Catalog {

    /** The meter type a metric is registered as. */
    enum Kind {
        /** A {@code Counter} incremented by each window's sum, from the exported snapshots. */
        COUNTER,
        /** A {@code Timer} of every observation (milliseconds), from {@code record(event)}. */
        TIMER,
        /** A {@code DistributionSummary} of every observation, from {@code record(event)}. */
        SUMMARY,
        /** A {@code Gauge} of the latest observation, from {@code record(event)}. */
        GAUGE
    }

    /** One metric's meter type, base unit (null when none) and description. */
    record Spec(Kind kind, String baseUnit, String description) {
    }

    /** What a metric the catalog does not know becomes: a summary of every observation. */
    static final Spec UNKNOWN = new Spec(Kind.SUMMARY, null, "A metric reported by the aiokpl producer.");

    private static final Map<String, Spec> KNOWN = Map.ofEntries(
            Map.entry("UserRecordsReceived", new Spec(Kind.COUNTER, "records", "User records received by put.")),
            Map.entry("UserRecordsPending", new Spec(Kind.GAUGE, "records", "User records waiting to be sent.")),
            Map.entry("UserRecordsPut", new Spec(Kind.COUNTER, "records", "User records put successfully.")),
            Map.entry("UserRecordsDataPut", new Spec(Kind.COUNTER, "bytes", "Bytes of user records put successfully.")),
            Map.entry("KinesisRecordsPut", new Spec(Kind.COUNTER, "records", "Kinesis records put successfully.")),
            Map.entry("KinesisRecordsDataPut",
                    new Spec(Kind.COUNTER, "bytes", "Bytes of Kinesis records put successfully.")),
            Map.entry("ErrorsByCode", new Spec(Kind.COUNTER, "errors", "Errors, by error code.")),
            Map.entry("AllErrors", new Spec(Kind.COUNTER, "errors", "All errors.")),
            Map.entry("UserRecordExpired",
                    new Spec(Kind.COUNTER, "records", "User records that expired before being put.")),
            Map.entry("RetriesPerRecord", new Spec(Kind.SUMMARY, "retries", "Retries per user record.")),
            Map.entry("BufferingTime", new Spec(Kind.TIMER, null, "Time from put to send, per user record.")),
            Map.entry("RequestTime", new Spec(Kind.TIMER, null, "Duration of PutRecords requests.")),
            Map.entry("UserRecordsPerKinesisRecord",
                    new Spec(Kind.SUMMARY, "records", "User records aggregated into one Kinesis record.")),
            Map.entry("KinesisRecordsPerPutRecordsRequest",
                    new Spec(Kind.SUMMARY, "records", "Kinesis records in one PutRecords request.")),
            Map.entry("UserRecordsPerPutRecordsRequest",
                    new Spec(Kind.SUMMARY, "records", "User records in one PutRecords request.")));

    private Catalog() {
    }

    /** The spec of a metric name, {@link #UNKNOWN} for names outside the KPL's set. */
    static Spec of(String name) {
        return KNOWN.getOrDefault(name, UNKNOWN);
    }
}
