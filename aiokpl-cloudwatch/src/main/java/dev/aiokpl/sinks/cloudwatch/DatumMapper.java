package dev.aiokpl.sinks.cloudwatch;

import dev.aiokpl.sinks.Dimensions;
import dev.aiokpl.sinks.MetricSnapshot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.model.StatisticSet;

/** Turns snapshots into CloudWatch datums within PutMetricData's per-datum limits, and sizes them. */
final class DatumMapper {

    /** PutMetricData accepts at most this many dimensions on one datum. */
    static final int MAX_DIMENSIONS_PER_DATUM = 30;
    /** Longest dimension name CloudWatch accepts. */
    static final int MAX_DIMENSION_NAME_LENGTH = 255;
    /** Longest dimension value CloudWatch accepts. */
    static final int MAX_DIMENSION_VALUE_LENGTH = 1024;
    /** CloudWatch rejects values whose magnitude exceeds 2^360. */
    private static final double MAX_MAGNITUDE = Math.pow(2, 360);

    private static final Map<String, String> DIMENSION_NAMES = Map.of(
            Dimensions.STREAM, "StreamName",
            Dimensions.SHARD, "ShardId",
            Dimensions.ERROR_CODE, "ErrorCode");

    private DatumMapper() {
    }

    /** The CloudWatch dimension name for an aiokpl dimension key; unknown keys pass through verbatim. */
    static String dimensionName(String key) {
        return DIMENSION_NAMES.getOrDefault(key, key);
    }

    /** The unit CloudWatch shows for a KPL metric name; {@code None} for names it does not know. */
    static StandardUnit unitOf(String metricName) {
        switch (metricName) {
            case "UserRecordsDataPut":
            case "KinesisRecordsDataPut":
                return StandardUnit.BYTES;
            case "BufferingTime":
            case "RequestTime":
                return StandardUnit.MILLISECONDS;
            case "UserRecordsReceived":
            case "UserRecordsPending":
            case "UserRecordsPut":
            case "KinesisRecordsPut":
            case "ErrorsByCode":
            case "AllErrors":
            case "RetriesPerRecord":
            case "UserRecordExpired":
            case "UserRecordsPerKinesisRecord":
            case "KinesisRecordsPerPutRecordsRequest":
            case "UserRecordsPerPutRecordsRequest":
                return StandardUnit.COUNT;
            default:
                return StandardUnit.NONE;
        }
    }

    /**
     * Maps one snapshot to a datum carrying its statistic set, or returns null when the snapshot
     * holds nothing CloudWatch would accept (an empty window, or a non-finite or out-of-range value).
     */
    static MetricDatum toDatum(MetricSnapshot snapshot) {
        if (snapshot.count() <= 0
                || !acceptable(snapshot.sum())
                || !acceptable(snapshot.min())
                || !acceptable(snapshot.max())) {
            return null;
        }
        return MetricDatum.builder()
                .metricName(snapshot.name())
                .dimensions(dimensions(snapshot.dimensions()))
                .timestamp(snapshot.windowEnd())
                .unit(unitOf(snapshot.name()))
                .statisticValues(StatisticSet.builder()
                        .sampleCount((double) snapshot.count())
                        .sum(snapshot.sum())
                        .minimum(snapshot.min())
                        .maximum(snapshot.max())
                        .build())
                .build();
    }

    private static boolean acceptable(double value) {
        return Double.isFinite(value) && Math.abs(value) <= MAX_MAGNITUDE;
    }

    /**
     * Renames the keys and keeps the datum valid: empty values are left out (CloudWatch rejects
     * them), names and values are cut to CloudWatch's maximum lengths, and at most 30 are kept.
     */
    private static List<Dimension> dimensions(Map<String, String> source) {
        List<Dimension> out = new ArrayList<>(Math.min(source.size(), MAX_DIMENSIONS_PER_DATUM));
        for (Map.Entry<String, String> e : source.entrySet()) {
            if (out.size() == MAX_DIMENSIONS_PER_DATUM) {
                break;
            }
            String value = e.getValue();
            if (e.getKey() == null || e.getKey().isEmpty() || value == null || value.isEmpty()) {
                continue;
            }
            out.add(Dimension.builder()
                    .name(truncate(dimensionName(e.getKey()), MAX_DIMENSION_NAME_LENGTH))
                    .value(truncate(value, MAX_DIMENSION_VALUE_LENGTH))
                    .build());
        }
        return out;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    /**
     * An upper bound of the bytes this datum adds to a request, whatever the SDK's wire protocol:
     * it assumes the most verbose one (AWS query, form-encoded, every byte percent-escaped, with
     * the longest member prefix), so a batch sized with it stays under the payload limit.
     */
    static int estimatedSize(MetricDatum datum) {
        // Per field: "MetricData.member.1000." plus the field's own path, '=' and '&'.
        final int fieldOverhead = 64;
        // Timestamp, Unit and the four statistic values, each printed at full double precision.
        int size = 6 * (fieldOverhead + 32);
        size += fieldOverhead + escaped(datum.metricName());
        for (Dimension d : datum.dimensions()) {
            size += 2 * fieldOverhead + escaped(d.name()) + escaped(d.value());
        }
        return size;
    }

    private static int escaped(String s) {
        return 3 * s.getBytes(StandardCharsets.UTF_8).length;
    }
}
