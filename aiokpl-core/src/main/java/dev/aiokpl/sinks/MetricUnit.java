package dev.aiokpl.sinks;

/**
 * The unit of a producer metric, so sinks can label values without a table of their own.
 *
 * <p>Every value the producer observes is already in its metric's unit: counts are plain numbers,
 * sizes are bytes and durations are milliseconds. Use {@link #of(String)} to look a metric name up.
 */
public enum MetricUnit {
    /** A number of things (records, requests, errors, retries). */
    COUNT("Count", "1"),
    /** A size in bytes. */
    BYTES("Bytes", "By"),
    /** A duration in milliseconds. */
    MILLISECONDS("Milliseconds", "ms");

    private final String unitName;
    private final String ucum;

    MetricUnit(String unitName, String ucum) {
        this.unitName = unitName;
        this.ucum = ucum;
    }

    /**
     * The unit's name as CloudWatch spells it ({@code Count}, {@code Bytes}, {@code Milliseconds}),
     * which is also what the KPL's documentation uses.
     */
    public String unitName() {
        return unitName;
    }

    /** The unit's UCUM code ({@code 1}, {@code By}, {@code ms}), as OpenTelemetry expects. */
    public String ucum() {
        return ucum;
    }

    /**
     * The unit of a producer metric.
     *
     * @param metricName a metric name, for example {@code BufferingTime}
     * @return {@link #BYTES} for {@code UserRecordsDataPut}, {@code KinesisRecordsDataPut} and
     *         {@code RequestSizeLimit},
     *         {@link #MILLISECONDS} for {@code BufferingTime} and {@code RequestTime}, and
     *         {@link #COUNT} for every other name, including names the producer does not emit
     * @throws NullPointerException if {@code metricName} is null
     */
    public static MetricUnit of(String metricName) {
        switch (metricName) {
            case "UserRecordsDataPut":
            case "KinesisRecordsDataPut":
            case "RequestSizeLimit":
                return BYTES;
            case "BufferingTime":
            case "RequestTime":
                return MILLISECONDS;
            default:
                return COUNT;
        }
    }
}
