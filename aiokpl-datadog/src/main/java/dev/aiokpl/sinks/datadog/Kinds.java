package dev.aiokpl.sinks.datadog;

/** Which DogStatsD type each KPL metric is sent as. */
final class Kinds {

    /** A DogStatsD metric type. */
    enum Kind {
        /** {@code |c}, from each window's snapshot sum. */
        COUNT,
        /** {@code |d}, one value per observation. */
        DISTRIBUTION,
        /** {@code |g}, the latest observation. */
        GAUGE
    }

    private Kinds() {
    }

    /** The type of a metric name; names outside the KPL's set are distributions. */
    static Kind of(String metricName) {
        switch (metricName) {
            case "UserRecordsReceived":
            case "UserRecordsPut":
            case "UserRecordsDataPut":
            case "KinesisRecordsPut":
            case "KinesisRecordsDataPut":
            case "ErrorsByCode":
            case "AllErrors":
            case "UserRecordExpired":
                return Kind.COUNT;
            case "UserRecordsPending":
                return Kind.GAUGE;
            default:
                return Kind.DISTRIBUTION;
        }
    }
}
