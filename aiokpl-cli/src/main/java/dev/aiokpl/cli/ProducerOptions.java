package dev.aiokpl.cli;

import dev.aiokpl.Config;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The producer's configuration knobs as options (SPEC section 5), named after the KPL properties,
 * times in milliseconds as in the KPL. Each one overrides the same setting of {@code --config}; an
 * option not given keeps the file's value or the library's default.
 */
final class ProducerOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "KPL-style properties file (AggregationEnabled, RecordMaxBufferedTime, RateLimit,"
                    + " KinesisEndpoint, Region, ...); options given on the command line win.")
    Path config;

    @Option(names = "--aggregation", negatable = true,
            description = "Pack user records into aggregated Kinesis records (default: on).")
    Boolean aggregation;

    @Option(names = "--aggregation-max-count", paramLabel = "N",
            description = "Most user records per aggregate (default: no limit but size).")
    Long aggregationMaxCount;

    @Option(names = "--aggregation-max-size", paramLabel = "BYTES",
            description = "Largest aggregate in bytes (default: 51200).")
    Integer aggregationMaxSize;

    @Option(names = "--record-max-buffered-time-ms", paramLabel = "MS",
            description = "How long a record may wait to be aggregated and batched (default: 100).")
    Long recordMaxBufferedTimeMs;

    @Option(names = "--record-ttl-ms", paramLabel = "MS",
            description = "How long a record may stay in the producer, retries included, before it fails as"
                    + " Expired (default: 30000).")
    Long recordTtlMs;

    @Option(names = "--collection-max-count", paramLabel = "N",
            description = "Most Kinesis records per PutRecords request, up to 500 (default: 500).")
    Integer collectionMaxCount;

    @Option(names = "--collection-max-size", paramLabel = "BYTES",
            description = "Largest PutRecords request in bytes (default: 5 MiB).")
    Long collectionMaxSize;

    @Option(names = "--rate-limit", paramLabel = "PERCENT",
            description = "Per-shard rate limit in percent of a shard's limits (default: 150).")
    Long rateLimit;

    @Option(names = "--fail-if-throttled", negatable = true,
            description = "Fail throttled records at once instead of retrying them (default: off).")
    Boolean failIfThrottled;

    @Option(names = "--max-outstanding-records", paramLabel = "N",
            description = "Most records in the producer at once; reading pauses while full (default: 100000).")
    Long maxOutstandingRecords;

    @Option(names = "--max-outstanding-bytes", paramLabel = "BYTES",
            description = "Most bytes in the producer at once (default: 256 MiB).")
    Long maxOutstandingBytes;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "Most PutRecords requests in flight, up to 256 (default: 24).")
    Integer maxConnections;

    @Option(names = "--connect-timeout-ms", paramLabel = "MS", description = "TCP connect timeout (default: 6000).")
    Long connectTimeoutMs;

    @Option(names = "--request-timeout-ms", paramLabel = "MS",
            description = "Timeout of one PutRecords request (default: 6000).")
    Long requestTimeoutMs;

    @Option(names = "--max-record-size", paramLabel = "BYTES",
            description = "Largest record (partition key + data); up to 10 MiB for streams with large records"
                    + " (default: 1 MiB).")
    Integer maxRecordSize;

    /** Applies the options that were given. */
    Config.Builder applyTo(Config.Builder b) {
        if (aggregation != null) {
            b.aggregationEnabled(aggregation);
        }
        if (aggregationMaxCount != null) {
            b.aggregationMaxCount(aggregationMaxCount);
        }
        if (aggregationMaxSize != null) {
            b.aggregationMaxSize(aggregationMaxSize);
        }
        if (recordMaxBufferedTimeMs != null) {
            b.recordMaxBufferedTime(Duration.ofMillis(recordMaxBufferedTimeMs));
        }
        if (recordTtlMs != null) {
            b.recordTtl(Duration.ofMillis(recordTtlMs));
        }
        if (collectionMaxCount != null) {
            b.collectionMaxCount(collectionMaxCount);
        }
        if (collectionMaxSize != null) {
            b.collectionMaxSize(collectionMaxSize);
        }
        if (rateLimit != null) {
            b.rateLimit(rateLimit);
        }
        if (failIfThrottled != null) {
            b.failIfThrottled(failIfThrottled);
        }
        if (maxOutstandingRecords != null) {
            b.maxOutstandingRecords(maxOutstandingRecords);
        }
        if (maxOutstandingBytes != null) {
            b.maxOutstandingBytes(maxOutstandingBytes);
        }
        if (maxConnections != null) {
            b.maxConnections(maxConnections);
        }
        if (connectTimeoutMs != null) {
            b.connectTimeout(Duration.ofMillis(connectTimeoutMs));
        }
        if (requestTimeoutMs != null) {
            b.requestTimeout(Duration.ofMillis(requestTimeoutMs));
        }
        if (maxRecordSize != null) {
            b.maxRecordSize(maxRecordSize);
        }
        return b;
    }
}
