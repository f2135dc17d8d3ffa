package dev.aiokpl.sinks.micrometer;

import dev.aiokpl.sinks.EventfulMetricsSink;
import dev.aiokpl.sinks.MetricEvent;
import dev.aiokpl.sinks.MetricSnapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the producer's metrics as meters in a Micrometer {@link MeterRegistry} the application
 * owns (a Prometheus, Datadog, CloudWatch, OTLP... registry, or a composite).
 *
 * <p>Each KPL metric becomes a meter named {@code prefix + name} (default prefix
 * {@value #DEFAULT_PREFIX}, so {@code aiokpl.UserRecordsPut}; the registry's naming convention then
 * adapts it, for example to {@code aiokpl_UserRecordsPut_records_total} in Prometheus):
 * <ul>
 *   <li>counts ({@code UserRecordsReceived}, {@code UserRecordsPut}, {@code KinesisRecordsPut},
 *       {@code UserRecordExpired}: base unit {@code records}; {@code UserRecordsDataPut},
 *       {@code KinesisRecordsDataPut}: {@code bytes}; {@code ErrorsByCode}, {@code AllErrors}:
 *       {@code errors}) are {@link Counter}s, incremented by each exported window's sum;</li>
 *   <li>{@code BufferingTime} and {@code RequestTime} are {@link Timer}s and the ratios
 *       ({@code RetriesPerRecord}: {@code retries}; {@code UserRecordsPerKinesisRecord},
 *       {@code KinesisRecordsPerPutRecordsRequest}, {@code UserRecordsPerPutRecordsRequest}:
 *       {@code records}) are {@link DistributionSummary}s, fed with every observation through
 *       {@link #record(MetricEvent)}; their snapshots are ignored so nothing is counted twice.
 *       Percentiles and histograms are the registry's choice: configure them with a
 *       {@code MeterFilter};</li>
 *   <li>{@code UserRecordsPending} is a {@link Gauge} of the latest observed value;</li>
 *   <li>metric names the sink does not know become distribution summaries.</li>
 * </ul>
 * Tags come from the dimensions, keys verbatim ({@code stream}, {@code shard}, {@code error_code},
 * and any other key): the tag keys of a meter are exactly the dimension keys the producer gives,
 * and their values stay bounded since the producer never uses a partition key or any per-record
 * value as a dimension. Note that some registries (Prometheus) want every meter of one name to
 * have the same tag keys: keep one metrics granularity per registry.
 *
 * <p>Each meter is registered once, on first use, and cached: the hot path only records. No method
 * throws: failures are logged (with exponentially fewer repeats) and the observation is dropped.
 * {@link #close()} stops recording and leaves the meters registered, so the final window stays
 * visible; the registry remains the application's.
 *
 * <pre>{@code
 * MicrometerSink sink = MicrometerSink.builder().registry(meterRegistry).build();
 * }</pre>
 */
public final class MicrometerSink implements EventfulMetricsSink {

    /** The prefix put before every KPL metric name unless {@link Builder#prefix(String)} says otherwise. */
    public static final String DEFAULT_PREFIX = "aiokpl.";

    private static final Logger LOG = LoggerFactory.getLogger(MicrometerSink.class);

    /** Cached in place of a meter the registry refused. */
    private static final Object REJECTED = new Object();

    private final MeterRegistry registry;
    private final String prefix;
    private final ConcurrentHashMap<MeterKey, Object> meters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Map<String, String>, Tags> tags = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean closed;

    /** A meter's identity before the registry sees it: the KPL name and the dimensions. */
    private record MeterKey(String name, Map<String, String> dimensions) {
    }

    /** The value a gauge reads: the latest observation, as double bits. */
    private static final class Latest {
        private final AtomicLong bits = new AtomicLong(Double.doubleToRawLongBits(0.0));

        void set(double value) {
            bits.set(Double.doubleToRawLongBits(value));
        }

        double get() {
            return Double.longBitsToDouble(bits.get());
        }
    }

    private MicrometerSink(MeterRegistry registry, String prefix) {
        this.registry = registry;
        this.prefix = prefix;
    }

    /** Starts a builder; see {@link Builder} for the settings and their defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Records one observation on its timer, distribution summary or gauge; counts are ignored
     * here, they come from {@link #export(List)}. Cheap: a cache lookup and a record. Never throws.
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
            Catalog.Spec spec = Catalog.of(event.name());
            switch (spec.kind()) {
                case TIMER:
                    if (value >= 0 && value < Double.POSITIVE_INFINITY) {
                        Object timer = meter(event.name(), event.dimensions(), spec);
                        if (timer instanceof Timer) {
                            ((Timer) timer).record(Math.round(value * 1_000_000.0), TimeUnit.NANOSECONDS);
                        }
                    }
                    break;
                case SUMMARY:
                    if (value >= 0 && value < Double.POSITIVE_INFINITY) {
                        Object summary = meter(event.name(), event.dimensions(), spec);
                        if (summary instanceof DistributionSummary) {
                            ((DistributionSummary) summary).record(value);
                        }
                    }
                    break;
                case GAUGE:
                    if (Double.isFinite(value)) {
                        Object latest = meter(event.name(), event.dimensions(), spec);
                        if (latest instanceof Latest) {
                            ((Latest) latest).set(value);
                        }
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
     * Increments each counter by its snapshot's sum of the window; skips snapshots of timer,
     * summary and gauge metrics, which {@link #record(MetricEvent)} already saw, and negative or
     * non-finite sums. Does no I/O: the registry publishes on its own schedule.
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
                Catalog.Spec spec = Catalog.of(s.name());
                if (spec.kind() == Catalog.Kind.COUNTER && s.count() > 0 && s.sum() > 0
                        && s.sum() < Double.POSITIVE_INFINITY) {
                    Object counter = meter(s.name(), s.dimensions(), spec);
                    if (counter instanceof Counter) {
                        ((Counter) counter).increment(s.sum());
                    }
                }
            } catch (RuntimeException e) {
                failed("export " + s.name(), e);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    private Object meter(String name, Map<String, String> dimensions, Catalog.Spec spec) {
        MeterKey key = new MeterKey(name, dimensions);
        Object meter = meters.get(key);
        return meter != null ? meter : meters.computeIfAbsent(key, k -> register(k, spec));
    }

    /**
     * Registers the meter, or returns {@link #REJECTED} when the registry refuses it (for example a
     * Prometheus registry seeing other tag keys for the same name), so it is not tried again.
     */
    private Object register(MeterKey key, Catalog.Spec spec) {
        try {
            return create(key, spec);
        } catch (RuntimeException e) {
            LOG.warn("The meter registry refused {} with tags {}; its observations are dropped",
                    prefix + key.name(), key.dimensions(), e);
            return REJECTED;
        }
    }

    private Object create(MeterKey key, Catalog.Spec spec) {
        String name = prefix + key.name();
        Tags t = tags(key.dimensions());
        switch (spec.kind()) {
            case COUNTER:
                return Counter.builder(name).baseUnit(spec.baseUnit()).description(spec.description())
                        .tags(t).register(registry);
            case TIMER:
                return Timer.builder(name).description(spec.description()).tags(t).register(registry);
            case SUMMARY:
                return DistributionSummary.builder(name).baseUnit(spec.baseUnit())
                        .description(spec.description()).tags(t).register(registry);
            case GAUGE:
                Latest latest = new Latest();
                Gauge.builder(name, latest, Latest::get).baseUnit(spec.baseUnit())
                        .description(spec.description()).tags(t).strongReference(true).register(registry);
                return latest;
            default:
                throw new AssertionError(spec.kind());
        }
    }

    private Tags tags(Map<String, String> dimensions) {
        Tags cached = tags.get(dimensions);
        if (cached != null) {
            return cached;
        }
        List<Tag> list = new ArrayList<>(dimensions.size());
        dimensions.forEach((k, v) -> {
            if (k != null && v != null) {
                list.add(Tag.of(k, v));
            }
        });
        return tags.computeIfAbsent(dimensions, d -> Tags.of(list));
    }

    private void failed(String what, RuntimeException e) {
        long n = failures.incrementAndGet();
        // Log the 1st, 2nd, 4th, 8th... failure: visible, but never a flood on the hot path.
        if (Long.bitCount(n) == 1) {
            LOG.warn("MicrometerSink failed to {} ({} failures so far)", what, n, e);
        }
    }

    /**
     * Stops recording. The meters stay registered (so the final window stays visible) and the
     * registry stays the application's to close. Idempotent; never throws.
     */
    @Override
    public void close() {
        closed = true;
    }

    /** Configures a {@link MicrometerSink}. */
    public static final class Builder {
        private MeterRegistry registry;
        private String prefix = DEFAULT_PREFIX;

        private Builder() {
        }

        /**
         * The registry to register the meters in. Required.
         *
         * @param registry the application's meter registry
         * @return this builder
         */
        public Builder registry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * What goes before each KPL metric name to form the meter name; empty keeps the bare KPL
         * names. Default {@value MicrometerSink#DEFAULT_PREFIX}.
         *
         * @param prefix any string, usually ending with {@code .}
         * @return this builder
         */
        public Builder prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /**
         * Validates the settings and builds the sink. Meters are registered on first use.
         *
         * @return the sink
         * @throws IllegalStateException if no registry was given
         */
        public MicrometerSink build() {
            if (registry == null) {
                throw new IllegalStateException("registry must be set");
            }
            return new MicrometerSink(registry, prefix);
        }
    }
}
