package dev.aiokpl.sinks.opentelemetry;

import java.util.LinkedHashMap;
import java.util.Map;

/** The KPL metrics this sink knows: which instrument each becomes, its UCUM unit and description. */
final class Catalog {

    /** How a metric reaches OpenTelemetry. */
    enum Kind {
        /** A monotonic counter fed with each window's sum, from the exported snapshots. */
        COUNTER,
        /** A histogram fed with every observation, from {@code record(event)}. */
        HISTOGRAM,
        /** An observable gauge reporting the latest observation, from {@code record(event)}. */
        GAUGE
    }

    /** One metric's instrument kind, unit and description. */
    record Spec(Kind kind, String unit, String description) {
    }

    /** What a metric the catalog does not know becomes: a histogram of every observation. */
    static final Spec UNKNOWN = new Spec(Kind.HISTOGRAM, "1", "A metric reported by the aiokpl producer.");

    static final Map<String, Spec> KNOWN;

    static {
        Map<String, Spec> m = new LinkedHashMap<>();
        m.put("UserRecordsReceived", new Spec(Kind.COUNTER, "{record}", "User records received by put."));
        m.put("UserRecordsPending", new Spec(Kind.GAUGE, "{record}", "User records waiting to be sent."));
        m.put("UserRecordsPut", new Spec(Kind.COUNTER, "{record}", "User records put successfully."));
        m.put("UserRecordsDataPut", new Spec(Kind.COUNTER, "By", "Bytes of user records put successfully."));
        m.put("KinesisRecordsPut", new Spec(Kind.COUNTER, "{record}", "Kinesis records put successfully."));
        m.put("KinesisRecordsDataPut", new Spec(Kind.COUNTER, "By", "Bytes of Kinesis records put successfully."));
        m.put("ErrorsByCode", new Spec(Kind.COUNTER, "{error}", "Errors, by error code."));
        m.put("AllErrors", new Spec(Kind.COUNTER, "{error}", "All errors."));
        m.put("UserRecordExpired", new Spec(Kind.COUNTER, "{record}", "User records that expired before being put."));
        m.put("RetriesPerRecord", new Spec(Kind.HISTOGRAM, "{retry}", "Retries per user record."));
        m.put("BufferingTime", new Spec(Kind.HISTOGRAM, "ms", "Time from put to send, per user record."));
        m.put("RequestTime", new Spec(Kind.HISTOGRAM, "ms", "Duration of PutRecords requests."));
        m.put("UserRecordsPerKinesisRecord", new Spec(Kind.HISTOGRAM, "{record}",
                "User records aggregated into one Kinesis record."));
        m.put("KinesisRecordsPerPutRecordsRequest", new Spec(Kind.HISTOGRAM, "{record}",
                "Kinesis records in one PutRecords request."));
        m.put("UserRecordsPerPutRecordsRequest", new Spec(Kind.HISTOGRAM, "{record}",
                "User records in one PutRecords request."));
        KNOWN = java.util.Collections.unmodifiableMap(m);
    }

    private Catalog() {
    }

    /** The spec of a metric name, {@link #UNKNOWN} for names outside the KPL's set. */
    static Spec of(String name) {
        return KNOWN.getOrDefault(name, UNKNOWN);
    }
}
