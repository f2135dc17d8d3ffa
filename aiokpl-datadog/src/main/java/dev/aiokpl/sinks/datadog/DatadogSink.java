package dev.aiokpl.sinks.datadog;

import com.timgroup.statsd.NonBlockingStatsDClientBuilder;
import com.timgroup.statsd.StatsDClient;
import dev.aiokpl.sinks.EventfulMetricsSink;
import dev.aiokpl.sinks.MetricEvent;
import dev.aiokpl.sinks.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the producer's metrics to a Datadog agent over DogStatsD, with the official
 * {@code java-dogstatsd-client} (bounded queues and sender threads, so a slow or absent agent never
 * holds the producer).
 *
 * <p>Each KPL metric is sent as {@code prefix + name} (default prefix {@value #DEFAULT_PREFIX}, so
 * {@code aiokpl.UserRecordsPut}), its dimensions as {@code key:value} tags with the keys verbatim
 * ({@code stream:orders}, {@code shard:shardId-000000000001}, {@code error_code:...}, and any other
 * key):
 * <ul>
 *   <li>counts ({@code UserRecordsReceived}, {@code UserRecordsPut}, {@code UserRecordsDataPut},
 *       {@code KinesisRecordsPut}, {@code KinesisRecordsDataPut}, {@code ErrorsByCode},
 *       {@code AllErrors}, {@code UserRecordExpired}) are DogStatsD counts ({@code |c}) of each
 *       exported window's sum;</li>
 *   <li>latencies and ratios ({@code BufferingTime}, {@code RequestTime}, {@code RetriesPerRecord},
 *       {@code UserRecordsPerKinesisRecord}, {@code KinesisRecordsPerPutRecordsRequest},
 *       {@code UserRecordsPerPutRecordsRequest}), and names the sink does not know, are
 *       distributions ({@code |d}) of every observation, sent from {@link #record(MetricEvent)},
 *       so the agent computes global percentiles; their snapshots are ignored;</li>
 *   <li>{@code UserRecordsPending} is a gauge ({@code |g}) of the latest observation of each tag
 *       set, sent at each export for the tag sets observed during the window.</li>
 * </ul>
 * The characters that would break a DogStatsD line ({@code | , \n \r}) are replaced by {@code _}
 * in tags.
 *
 * <p>When the sink builds its clients, the agent's address is the Datadog default: the
 * {@code DD_AGENT_HOST} and {@code DD_DOGSTATSD_PORT} (or {@code DD_DOGSTATSD_URL}) environment
 * variables, else {@code localhost:8125}; {@link Builder#hostname(String)} and
 * {@link Builder#port(int)} override them. It builds two, both with client-side aggregation off
 * (the sink already sends one count and one gauge per tag set and window): a non-blocking one for
 * the distributions of {@link #record(MetricEvent)}, which drops values rather than wait when its
 * queue is full, and a blocking one for the counts and gauges of {@link #export(List)}, whose
 * {@code stop()} sends everything queued, so the final window survives {@link #close()}. (The
 * client's non-blocking {@code stop()} drops what is still queued, and an aggregating client drops
 * what it has not flushed.) The sink stops both in {@link #close()}. A client passed to
 * {@link Builder#client(StatsDClient)} is used for everything and stays the caller's to stop.
 *
 * <pre>{@code
 * DatadogSink sink = DatadogSink.builder().constantTags("env:prod").build();
 * }</pre>
 */
public final class DatadogSink implements EventfulMetricsSink {

    /** The prefix put before every KPL metric name unless {@link Builder#prefix(String)} says otherwise. */
    public static final String DEFAULT_PREFIX = "aiokpl.";

    private static final Logger LOG = LoggerFactory.getLogger(DatadogSink.class);
    private static final Pattern PREFIX = Pattern.compile("([A-Za-z][A-Za-z0-9_.]*)?");
    private static final int MAX_PREFIX_LENGTH = 100;

    /** Sends what {@link #record} sees; never blocks (the hot path). */
    private final StatsDClient events;
    /** Sends what {@link #export} computes; may be the same client as {@link #events}. */
    private final StatsDClient reports;
    private final boolean ownsClients;
    private final String prefix;
    private final ConcurrentHashMap<Map<String, String>, String[]> tags = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> names = new ConcurrentHashMap<>();
    /** Latest gauge value per metric name and tag set, observed since the previous export. */
    private final ConcurrentHashMap<GaugeKey, Double> gauges = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean closed;

    private record GaugeKey(String name, Map<String, String> dimensions) {
    }

    private DatadogSink(StatsDClient events, StatsDClient reports, boolean ownsClients, String prefix) {
        this.events = events;
        this.reports = reports;
        this.ownsClients = ownsClients;
        this.prefix = prefix;
    }

    /** Starts a builder; see {@link Builder} for the settings and their defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Sends a distribution value for latency and ratio metrics, or notes the latest gauge value;
     * counts are left to {@link #export(List)}. Cheap and non-blocking (the client queues the value
     * for its sender thread, dropping it if the queue is full); never throws.
     *
     * @param event the observation
     */
    @Override
    public void record(MetricEvent event) {
        if (closed) {
            return;
        }
        try {
            double value = event.value();
            if (!Double.isFinite(value)) {
                return;
            }
            switch (Kinds.of(event.name())) {
                case DISTRIBUTION:
                    events.recordDistributionValue(name(event.name()), value, tags(event.dimensions()));
                    break;
                case GAUGE:
                    gauges.put(new GaugeKey(event.name(), event.dimensions()), value);
                    break;
                default:
                    break;
            }
        } catch (RuntimeException e) {
            failed("record " + event.name(), e);
        }
    }

    /**
     * Sends each count snapshot's sum as a DogStatsD count, and the latest value of each gauge tag
     * set observed since the previous export. Snapshots of distribution metrics are skipped, since
     * {@link #record(MetricEvent)} already sent every observation. Never blocks: the client sends
     * from its own thread.
     *
     * @param snapshots the window's snapshots
     * @return an already completed future
     */
    @Override
    public CompletableFuture<Void> export(List<MetricSnapshot> snapshots) {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        for (MetricSnapshot s : snapshots) {
            try {
                if (Kinds.of(s.name()) != Kinds.Kind.COUNT || s.count() <= 0 || !Double.isFinite(s.sum())) {
                    continue;
                }
                long delta = Math.round(s.sum());
                if (delta > 0) {
                    reports.count(name(s.name()), delta, tags(s.dimensions()));
                }
            } catch (RuntimeException e) {
                failed("export " + s.name(), e);
            }
        }
        for (GaugeKey key : gauges.keySet()) {
            // remove() takes the value atomically, so one recorded meanwhile waits for the next export.
            Double latest = gauges.remove(key);
            if (latest == null) {
                continue;
            }
            try {
                reports.gauge(name(key.name()), latest, tags(key.dimensions()));
            } catch (RuntimeException e) {
                failed("export " + key.name(), e);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    private String name(String metric) {
        return names.computeIfAbsent(metric, m -> prefix + m);
    }

    private String[] tags(Map<String, String> dimensions) {
        String[] cached = tags.get(dimensions);
        if (cached != null) {
            return cached;
        }
        List<String> out = new ArrayList<>(dimensions.size());
        dimensions.forEach((k, v) -> {
            if (k != null && v != null) {
                out.add(sanitize(k) + ":" + sanitize(v));
            }
        });
        String[] built = out.toArray(new String[0]);
        String[] raced = tags.putIfAbsent(dimensions, built);
        return raced != null ? raced : built;
    }

    /** Replaces the characters that would end a DogStatsD tag or line. */
    static String sanitize(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '|' || c == ',' || c == '\n' || c == '\r') {
                if (b == null) {
                    b = new StringBuilder(s);
                }
                b.setCharAt(i, '_');
            }
        }
        return b == null ? s : b.toString();
    }

    private void failed(String what, Exception e) {
        long n = failures.incrementAndGet();
        // Log the 1st, 2nd, 4th, 8th... failure: visible, but never a flood on the hot path.
        if (Long.bitCount(n) == 1) {
            LOG.warn("DatadogSink failed to {} ({} failures so far)", what, n, e);
        }
    }

    /**
     * Stops the DogStatsD clients if this sink built them: first the one of the exports, which
     * sends everything it has queued, then the one of the events; a user-supplied client is left
     * running. Idempotent; never throws.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ownsClients) {
            stop(reports);
            stop(events);
        }
    }

    private static void stop(StatsDClient client) {
        try {
            client.stop();
        } catch (RuntimeException e) {
            LOG.warn("Failed to stop a DogStatsD client", e);
        }
    }

    /**
     * Configures a {@link DatadogSink}. Either pass a {@link #client(StatsDClient)} you own, or let
     * the sink build its UDP clients from {@link #hostname(String)}, {@link #port(int)} and
     * {@link #constantTags(String...)}; the two ways cannot be mixed.
     */
    public static final class Builder {
        private StatsDClient client;
        private String hostname;
        private Integer port;
        private String[] constantTags = new String[0];
        private String prefix = DEFAULT_PREFIX;

        private Builder() {
        }

        /**
         * Sends through this client, which the caller keeps and stops. A prefix configured on that
         * client comes before this sink's {@link #prefix(String)}. Default: none, the sink builds
         * its own.
         *
         * @param client the DogStatsD client
         * @return this builder
         */
        public Builder client(StatsDClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * The agent's host. Default: {@code DD_AGENT_HOST}, else {@code localhost}.
         *
         * @param hostname a host name or IP address
         * @return this builder
         */
        public Builder hostname(String hostname) {
            this.hostname = Objects.requireNonNull(hostname, "hostname");
            return this;
        }

        /**
         * The agent's DogStatsD UDP port. Default: {@code DD_DOGSTATSD_PORT}, else 8125.
         *
         * @param port 1 to 65535
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Tags added to every metric, for example {@code "env:prod"} or {@code "service:orders"}.
         * Default: none.
         *
         * @param constantTags {@code key:value} tags
         * @return this builder
         */
        public Builder constantTags(String... constantTags) {
            this.constantTags = Objects.requireNonNull(constantTags, "constantTags").clone();
            return this;
        }

        /**
         * What goes before each KPL metric name; empty keeps the bare KPL names. Default
         * {@value DatadogSink#DEFAULT_PREFIX}.
         *
         * @param prefix empty, or a letter followed by letters, digits, {@code _} or {@code .}; at most 100 characters
         * @return this builder
         */
        public Builder prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /**
         * Validates the settings and builds the sink, starting its clients when none was given.
         *
         * @return the sink
         * @throws IllegalArgumentException if the prefix or port is invalid
         * @throws IllegalStateException if a client was given together with hostname, port or constant tags
         * @throws com.timgroup.statsd.StatsDClientException if a client cannot start (for example
         *         when the host cannot be resolved)
         */
        public DatadogSink build() {
            if (prefix.length() > MAX_PREFIX_LENGTH || !PREFIX.matcher(prefix).matches()) {
                throw new IllegalArgumentException("prefix must be empty or a letter followed by letters, digits, "
                        + "'_' or '.', at most " + MAX_PREFIX_LENGTH + " characters; was '" + prefix + "'");
            }
            if (port != null && (port < 1 || port > 65535)) {
                throw new IllegalArgumentException("port must be 1 to 65535, was " + port);
            }
            for (String tag : constantTags) {
                if (tag == null || tag.isEmpty()) {
                    throw new IllegalArgumentException("constantTags must not hold null or empty tags");
                }
            }
            if (client != null) {
                if (hostname != null || port != null || constantTags.length > 0) {
                    throw new IllegalStateException("client cannot be combined with hostname, port or "
                            + "constantTags; configure the client itself instead");
                }
                return new DatadogSink(client, client, false, prefix);
            }
            LoggingErrorHandler errors = new LoggingErrorHandler();
            // The hot path must never wait: a full queue drops values, and stop() drops what is queued.
            StatsDClient events = clientBuilder(errors).blocking(false).build();
            try {
                // The upload thread may wait, and a blocking client's stop() sends everything queued,
                // so the final window survives close. Its telemetry would only repeat the other's.
                StatsDClient reports = clientBuilder(errors).blocking(true).enableTelemetry(false).build();
                return new DatadogSink(events, reports, true, prefix);
            } catch (RuntimeException e) {
                events.stop();
                throw e;
            }
        }

        private NonBlockingStatsDClientBuilder clientBuilder(LoggingErrorHandler errors) {
            // Client-side aggregation would add nothing (the sink sends one count and one gauge per
            // tag set and window; distributions are never aggregated) and stop() drops what it holds.
            NonBlockingStatsDClientBuilder b = new NonBlockingStatsDClientBuilder()
                    .enableAggregation(false)
                    .errorHandler(errors);
            if (hostname != null) {
                b.hostname(hostname);
            }
            if (port != null) {
                b.port(port);
            }
            if (constantTags.length > 0) {
                String[] sanitized = new String[constantTags.length];
                for (int i = 0; i < constantTags.length; i++) {
                    sanitized[i] = sanitize(constantTags[i]);
                }
                b.constantTags(sanitized);
            }
            return b;
        }
    }

    /** Logs the client's send errors (an agent that is down), exponentially less often as they repeat. */
    private static final class LoggingErrorHandler implements com.timgroup.statsd.StatsDClientErrorHandler {
        private final AtomicLong errors = new AtomicLong();

        @Override
        public void handle(Exception e) {
            long n = errors.incrementAndGet();
            if (Long.bitCount(n) == 1) {
                LOG.warn("DogStatsD client error ({} so far): {}", n, e.toString());
            }
        }
    }
}
