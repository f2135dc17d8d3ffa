package dev.aiokpl.sinks.opentelemetry;

import dev.aiokpl.sinks.EventfulMetricsSink;
import dev.aiokpl.sinks.MetricEvent;
import dev.aiokpl.sinks.MetricSnapshot;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import java.util.ArrayList;
import java.util.HashMap;
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
 * Records the producer's metrics on an OpenTelemetry {@link Meter}. Depends on the OpenTelemetry
 * API only: the application owns the SDK, its readers and exporters, and their temporality.
 *
 * <p>Each KPL metric becomes one instrument named {@code prefix + name} (default prefix
 * {@value #DEFAULT_PREFIX}, so {@code aiokpl.UserRecordsPut}):
 * <ul>
 *   <li>counts ({@code UserRecordsReceived}, {@code UserRecordsPut}, {@code KinesisRecordsPut},
 *       {@code UserRecordExpired}: unit {@code {record}}; {@code UserRecordsDataPut},
 *       {@code KinesisRecordsDataPut}: {@code By}; {@code ErrorsByCode}, {@code AllErrors}:
 *       {@code {error}}) are {@link LongCounter}s, each exported window adding its snapshot's sum,
 *       a delta that is never negative;</li>
 *   <li>latencies and ratios ({@code BufferingTime}, {@code RequestTime}: {@code ms};
 *       {@code RetriesPerRecord}: {@code {retry}}; {@code UserRecordsPerKinesisRecord},
 *       {@code KinesisRecordsPerPutRecordsRequest}, {@code UserRecordsPerPutRecordsRequest}:
 *       {@code {record}}) are {@link DoubleHistogram}s fed with every observation through
 *       {@link #record(MetricEvent)}, so no precision is lost; their snapshots are ignored by
 *       {@link #export(List)} so nothing is counted twice;</li>
 *   <li>{@code UserRecordsPending} ({@code {record}}) is an observable gauge reporting the latest
 *       observed value of each attribute set;</li>
 *   <li>metric names the sink does not know become histograms of unit {@code 1}.</li>
 * </ul>
 * Dimensions pass through as string attributes with their keys verbatim ({@code stream},
 * {@code shard}, {@code error_code}, and any other key).
 *
 * <p>{@link #record(MetricEvent)} runs on the producer's hot path: it looks up a cached
 * {@link Attributes} and records on an instrument, nothing more. No method throws: failures are
 * logged (with exponentially fewer repeats) and the observation is dropped.
 *
 * <pre>{@code
 * OpenTelemetrySink sink = OpenTelemetrySink.builder().openTelemetry(GlobalOpenTelemetry.get()).build();
 * }</pre>
 */
public final class OpenTelemetrySink implements EventfulMetricsSink {

    /** The prefix put before every KPL metric name unless {@link Builder#prefix(String)} says otherwise. */
    public static final String DEFAULT_PREFIX = "aiokpl.";
    /** The instrumentation scope name of the meter the sink gets from an {@link OpenTelemetry}. */
    public static final String INSTRUMENTATION_SCOPE = "dev.aiokpl";

    private static final Logger LOG = LoggerFactory.getLogger(OpenTelemetrySink.class);
    private static final Pattern PREFIX = Pattern.compile("([A-Za-z][A-Za-z0-9_./-]*)?");
    private static final int MAX_PREFIX_LENGTH = 200;

    private final Meter meter;
    private final String prefix;
    private final Map<String, LongCounter> counters = new HashMap<>();
    private final ConcurrentHashMap<String, DoubleHistogram> histograms = new ConcurrentHashMap<>();
    private final Map<String, Map<Attributes, AtomicLong>> gaugeValues = new HashMap<>();
    private final List<ObservableLongGauge> gauges = new ArrayList<>();
    private final ConcurrentHashMap<Map<String, String>, Attributes> attributes = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean closed;

    private OpenTelemetrySink(Meter meter, String prefix) {
        this.meter = meter;
        this.prefix = prefix;
        for (Map.Entry<String, Catalog.Spec> e : Catalog.KNOWN.entrySet()) {
            String name = e.getKey();
            Catalog.Spec spec = e.getValue();
            switch (spec.kind()) {
                case COUNTER:
                    counters.put(name, meter.counterBuilder(prefix + name)
                            .setUnit(spec.unit()).setDescription(spec.description()).build());
                    break;
                case HISTOGRAM:
                    histograms.put(name, histogram(name, spec));
                    break;
                case GAUGE:
                    Map<Attributes, AtomicLong> latest = new ConcurrentHashMap<>();
                    gaugeValues.put(name, latest);
                    gauges.add(meter.gaugeBuilder(prefix + name).ofLongs()
                            .setUnit(spec.unit()).setDescription(spec.description())
                            .buildWithCallback(m -> latest.forEach((attrs, value) -> m.record(value.get(), attrs))));
                    break;
                default:
                    throw new AssertionError(spec.kind());
            }
        }
    }

    /** Starts a builder; see {@link Builder} for the settings and their defaults. */
    public static Builder builder() {
        return new Builder();
    }

    private DoubleHistogram histogram(String name, Catalog.Spec spec) {
        return meter.histogramBuilder(prefix + name).setUnit(spec.unit()).setDescription(spec.description()).build();
    }

    /**
     * Records one observation of a histogram or gauge metric; counts are ignored here, they come
     * from {@link #export(List)}. Cheap and non-blocking; never throws.
     *
     * @param event the observation
     */
    @Override
    public void record(MetricEvent event) {
        if (closed) {
            return;
        }
        try {
            Catalog.Spec spec = Catalog.of(event.name());
            double value = event.value();
            switch (spec.kind()) {
                case HISTOGRAM:
                    // Histograms only take non-negative, finite values.
                    if (value >= 0 && value < Double.POSITIVE_INFINITY) {
                        histograms.computeIfAbsent(event.name(), n -> histogram(n, spec))
                                .record(value, attributes(event.dimensions()));
                    }
                    break;
                case GAUGE:
                    if (Double.isFinite(value)) {
                        gaugeValues.get(event.name())
                                .computeIfAbsent(attributes(event.dimensions()), a -> new AtomicLong())
                                .set(Math.round(value));
                    }
                    break;
                default:
                    break;
            }
        } catch (RuntimeException e) {
            failed("record " + event.name(), e);
        }
    }

    /**
     * Adds each counter snapshot's sum of the window to its counter; skips snapshots of histogram
     * and gauge metrics, which {@link #record(MetricEvent)} already saw, and negative or non-finite
     * sums. Does no I/O: the application's metric reader exports on its own schedule.
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
                LongCounter counter = counters.get(s.name());
                if (counter == null || s.count() <= 0 || !Double.isFinite(s.sum())) {
                    continue;
                }
                long delta = Math.round(s.sum());
                if (delta > 0) {
                    counter.add(delta, attributes(s.dimensions()));
                } else if (delta < 0) {
                    LOG.debug("Ignoring negative sum {} of {}", s.sum(), s.name());
                }
            } catch (RuntimeException e) {
                failed("export " + s.name(), e);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    private Attributes attributes(Map<String, String> dimensions) {
        if (dimensions.isEmpty()) {
            return Attributes.empty();
        }
        Attributes cached = attributes.get(dimensions);
        if (cached != null) {
            return cached;
        }
        AttributesBuilder b = Attributes.builder();
        dimensions.forEach((k, v) -> {
            if (k != null && v != null) {
                b.put(k, v);
            }
        });
        return attributes.computeIfAbsent(dimensions, d -> b.build());
    }

    private void failed(String what, RuntimeException e) {
        long n = failures.incrementAndGet();
        // Log the 1st, 2nd, 4th, 8th... failure: visible, but never a flood on the hot path.
        if (Long.bitCount(n) == 1) {
            LOG.warn("OpenTelemetrySink failed to {} ({} failures so far)", what, n, e);
        }
    }

    /**
     * Unregisters the gauge callbacks and stops recording. The {@link Meter} and the SDK behind it
     * stay the application's. Idempotent; never throws.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ObservableLongGauge g : gauges) {
            try {
                g.close();
            } catch (RuntimeException e) {
                LOG.warn("Failed to unregister an OpenTelemetry gauge", e);
            }
        }
    }

    /** Configures an {@link OpenTelemetrySink}: give it either a {@link Meter} or an {@link OpenTelemetry}. */
    public static final class Builder {
        private Meter meter;
        private OpenTelemetry openTelemetry;
        private String prefix = DEFAULT_PREFIX;

        private Builder() {
        }

        /**
         * Records on this meter, for example one with your own instrumentation scope.
         *
         * @param meter the meter to create the instruments on
         * @return this builder
         */
        public Builder meter(Meter meter) {
            this.meter = Objects.requireNonNull(meter, "meter");
            return this;
        }

        /**
         * Records on a meter of this OpenTelemetry instance, with instrumentation scope
         * {@value OpenTelemetrySink#INSTRUMENTATION_SCOPE}.
         *
         * @param openTelemetry the application's OpenTelemetry (for example {@code GlobalOpenTelemetry.get()})
         * @return this builder
         */
        public Builder openTelemetry(OpenTelemetry openTelemetry) {
            this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
            return this;
        }

        /**
         * What goes before each KPL metric name to form the instrument name; empty keeps the bare
         * KPL names. Default {@value OpenTelemetrySink#DEFAULT_PREFIX}.
         *
         * @param prefix empty, or a letter followed by letters, digits, {@code _ . / -}; at most 200 characters
         * @return this builder
         */
        public Builder prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /**
         * Validates the settings, creates the instruments and builds the sink.
         *
         * @return the sink
         * @throws IllegalStateException if neither or both of a meter and an OpenTelemetry were given
         * @throws IllegalArgumentException if the prefix cannot start a valid instrument name
         */
        public OpenTelemetrySink build() {
            if ((meter == null) == (openTelemetry == null)) {
                throw new IllegalStateException("exactly one of meter or openTelemetry must be set, got "
                        + (meter == null ? "neither" : "both"));
            }
            if (prefix.length() > MAX_PREFIX_LENGTH || !PREFIX.matcher(prefix).matches()) {
                throw new IllegalArgumentException("prefix must be empty or a letter followed by letters, digits, "
                        + "'_', '.', '/' or '-', at most " + MAX_PREFIX_LENGTH + " characters; was '" + prefix + "'");
            }
            Meter m = meter != null ? meter : openTelemetry.meterBuilder(INSTRUMENTATION_SCOPE).build();
            return new OpenTelemetrySink(m, prefix);
        }
    }
}
