package dev.aiokpl.flink;

import dev.aiokpl.Config;
import dev.aiokpl.Producer;
import java.util.Objects;
import java.util.Properties;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.flink.util.function.SerializableSupplier;

/**
 * A Flink sink (Sink V2) that writes to Kinesis Data Streams through the aiokpl producer, so small
 * elements are aggregated (many user records per Kinesis record), shard-predicted, rate-limited and
 * retried, as the KPL does, without its native process.
 *
 * <pre>{@code
 * AiokplSink<Order> sink = AiokplSink.<Order>builder()
 *         .setStreamName("orders")
 *         .setSerializationSchema(new OrderJsonSchema())
 *         .setPartitionKeyGenerator(order -> order.customerId())
 *         .setConfig(() -> Config.builder().region("eu-west-1").build())
 *         .build();
 * orders.sinkTo(sink);
 * }</pre>
 *
 * <p><b>Delivery: at-least-once</b>, with checkpointing enabled. Each parallel subtask owns one
 * {@link Producer}. On every checkpoint (and at the end of input) Flink calls the writer's
 * {@code flush}, which returns only once every element written before it is confirmed by Kinesis;
 * if one failed, the checkpoint fails, the job restarts from the previous checkpoint and the source
 * replays. Nothing is kept across a checkpoint, so the sink has no state to restore, and a replay
 * may write an element twice. Without checkpointing the sink still flushes at the end of a bounded
 * input, but a failure loses what was in flight.
 *
 * <p><b>Backpressure:</b> while the producer is full ({@code maxOutstandingRecords} or
 * {@code maxOutstandingBytes}) {@code write} blocks the task, which Flink propagates upstream; the
 * sink never drops an element and never fails on {@code ProducerFullException}.
 *
 * <p><b>Flink versions:</b> built against Flink 2.x, the same jar runs on Flink 1.20 (it implements
 * only {@code createWriter(WriterInitContext)}, the method both runtimes call).
 *
 * @param <T> the element type
 */
public final class AiokplSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    private final SerializableFunction<T, String> streamSelector;
    private final SerializableFunction<T, byte[]> elementConverter;
    private final SerializationSchema<T> serializationSchema;
    private final SerializableFunction<T, String> partitionKeyGenerator;
    private final SerializableFunction<T, String> explicitHashKeyGenerator;
    private final SerializableSupplier<Config> config;
    private final Properties kplProperties;
    private final boolean failOnError;
    private final SerializableFunction<Config, Producer> producerFactory;

    private AiokplSink(Builder<T> b) {
        this.streamSelector = b.streamSelector;
        this.elementConverter = b.elementConverter;
        this.serializationSchema = b.serializationSchema;
        this.partitionKeyGenerator = b.partitionKeyGenerator;
        this.explicitHashKeyGenerator = b.explicitHashKeyGenerator;
        this.config = b.config;
        this.kplProperties = b.kplProperties;
        this.failOnError = b.failOnError;
        this.producerFactory = b.producerFactory;
    }

    /**
     * A new builder.
     *
     * @param <T> the element type
     * @return a builder with {@code failOnError} true and nothing else set
     */
    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /** Creates the writer of one parallel subtask, with its own producer. */
    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return AiokplSinkWriter.create(this, context);
    }

    /** Whether a failed record fails the job ({@code true}, the default) or is only counted and logged. */
    public boolean failOnError() {
        return failOnError;
    }

    SerializableFunction<T, String> streamSelector() {
        return streamSelector;
    }

    SerializableFunction<T, byte[]> elementConverter() {
        return elementConverter;
    }

    SerializationSchema<T> serializationSchema() {
        return serializationSchema;
    }

    SerializableFunction<T, String> partitionKeyGenerator() {
        return partitionKeyGenerator;
    }

    SerializableFunction<T, String> explicitHashKeyGenerator() {
        return explicitHashKeyGenerator;
    }

    SerializableFunction<Config, Producer> producerFactory() {
        return producerFactory;
    }

    /** The producer configuration: the supplier's, then the KPL properties over it. */
    Config producerConfig() {
        Config.Builder builder = config == null ? Config.builder() : Objects.requireNonNull(config.get(),
                "the config supplier returned null").toBuilder();
        if (kplProperties != null) {
            builder.applyProperties(kplProperties);
        }
        return builder.build();
    }

    /**
     * Builds an {@link AiokplSink}. The setters are named as those of Flink's own sink builders
     * ({@code KinesisStreamsSink.builder().setStreamName(...)}), so a job moves over with few changes.
     *
     * <p>Everything given here is serialized with the job graph and shipped to every subtask, so
     * functions must be serializable (lambdas of the {@code Serializable*} types are) and the
     * producer {@link Config}, which holds a credentials provider, executors and a metrics sink, is
     * given as a supplier that each subtask calls once.
     *
     * @param <T> the element type
     */
    public static final class Builder<T> {

        private SerializableFunction<T, String> streamSelector;
        private String streamName;
        private SerializableFunction<T, byte[]> elementConverter;
        private SerializationSchema<T> serializationSchema;
        private SerializableFunction<T, String> partitionKeyGenerator;
        private SerializableFunction<T, String> explicitHashKeyGenerator;
        private SerializableSupplier<Config> config;
        private Properties kplProperties;
        private boolean failOnError = true;
        private SerializableFunction<Config, Producer> producerFactory = Producer::create;

        private Builder() {
        }

        /**
         * Sends every element to this stream. Exactly one of this and {@link #setStreamSelector} is required.
         *
         * @param streamName the stream name
         * @return this builder
         */
        public Builder<T> setStreamName(String streamName) {
            this.streamName = streamName;
            return this;
        }

        /**
         * Chooses the stream per element (it must return a valid stream name). Exactly one of this and
         * {@link #setStreamName} is required.
         *
         * @param streamSelector element to stream name
         * @return this builder
         */
        public Builder<T> setStreamSelector(SerializableFunction<T, String> streamSelector) {
            this.streamSelector = streamSelector;
            return this;
        }

        /**
         * Turns an element into the record's data with a Flink serialization schema, opened once per
         * subtask. Exactly one of this and {@link #setElementConverter} is required.
         *
         * @param serializationSchema the schema
         * @return this builder
         */
        public Builder<T> setSerializationSchema(SerializationSchema<T> serializationSchema) {
            this.serializationSchema = serializationSchema;
            return this;
        }

        /**
         * Turns an element into the record's data with a plain function. Exactly one of this and
         * {@link #setSerializationSchema} is required.
         *
         * @param elementConverter element to bytes (not modified afterwards by the caller)
         * @return this builder
         */
        public Builder<T> setElementConverter(SerializableFunction<T, byte[]> elementConverter) {
            this.elementConverter = elementConverter;
            return this;
        }

        /**
         * The partition key of each element (1..256 characters). Required. Elements with the same key
         * go to the same shard; keys should spread evenly over the shards.
         *
         * @param partitionKeyGenerator element to partition key
         * @return this builder
         */
        public Builder<T> setPartitionKeyGenerator(SerializableFunction<T, String> partitionKeyGenerator) {
            this.partitionKeyGenerator = partitionKeyGenerator;
            return this;
        }

        /**
         * Optional: an explicit hash key per element (decimal 0..2^128-1, or null to hash the partition
         * key), to place elements on chosen shards.
         *
         * @param explicitHashKeyGenerator element to explicit hash key or null
         * @return this builder
         */
        public Builder<T> setExplicitHashKeyGenerator(SerializableFunction<T, String> explicitHashKeyGenerator) {
            this.explicitHashKeyGenerator = explicitHashKeyGenerator;
            return this;
        }

        /**
         * The producer configuration, built in each subtask by this supplier (a {@link Config} is not
         * serializable). At least one of this and {@link #setKplProperties} is required, since the
         * region is. The producer's metrics reach Flink's metric group when the configuration's
         * {@code metricsLevel} is not {@code NONE}; a {@code metricsSink} set here keeps receiving
         * them too.
         *
         * @param config builds the configuration; called once by {@link #build()} to validate it
         * @return this builder
         */
        public Builder<T> setConfig(SerializableSupplier<Config> config) {
            this.config = config;
            return this;
        }

        /**
         * KPL-style properties ({@code Region}, {@code RecordMaxBufferedTime}, {@code AggregationEnabled},
         * …, as read by {@code Config.Builder.applyProperties}), applied over {@link #setConfig} if both
         * are set. Copied.
         *
         * @param kplProperties the properties
         * @return this builder
         */
        public Builder<T> setKplProperties(Properties kplProperties) {
            if (kplProperties == null) {
                this.kplProperties = null;
            } else {
                this.kplProperties = new Properties();
                this.kplProperties.putAll(kplProperties);
            }
            return this;
        }

        /**
         * Whether a record that fails for good (after the producer's retries, or a non-retryable error
         * such as a missing stream) fails the job. Default true: the checkpoint then fails and the job
         * restarts from the previous one, so nothing is lost.
         *
         * <p>With false the failure is only counted ({@code numRecordsOutErrors}) and logged, and the
         * checkpoint succeeds: <b>the element is lost</b> (at-most-once for failed elements). Use it
         * only for data you can afford to lose.
         *
         * @param failOnError default true
         * @return this builder
         */
        public Builder<T> setFailOnError(boolean failOnError) {
            this.failOnError = failOnError;
            return this;
        }

        /** For tests: how each subtask creates its producer from the configuration. */
        Builder<T> setProducerFactory(SerializableFunction<Config, Producer> producerFactory) {
            this.producerFactory = producerFactory;
            return this;
        }

        /**
         * Validates the settings and builds the sink.
         *
         * @return the sink
         * @throws IllegalArgumentException naming the missing or invalid field (or, for the producer
         *                                  configuration, the field or KPL property and its value)
         */
        public AiokplSink<T> build() {
            if (streamName != null && streamSelector != null) {
                throw new IllegalArgumentException("set only one of streamName and streamSelector");
            }
            if (streamName != null) {
                if (!streamName.matches("[a-zA-Z0-9_.-]{1,128}")) {
                    throw new IllegalArgumentException("streamName must be 1..128 characters of [a-zA-Z0-9_.-] (got "
                            + quote(streamName) + ")");
                }
                String fixed = streamName;
                streamSelector = element -> fixed;
            }
            if (streamSelector == null) {
                throw new IllegalArgumentException("streamName (or streamSelector) is required");
            }
            if (serializationSchema != null && elementConverter != null) {
                throw new IllegalArgumentException("set only one of serializationSchema and elementConverter");
            }
            if (serializationSchema == null && elementConverter == null) {
                throw new IllegalArgumentException("serializationSchema (or elementConverter) is required");
            }
            if (partitionKeyGenerator == null) {
                throw new IllegalArgumentException("partitionKeyGenerator is required");
            }
            if (config == null && kplProperties == null) {
                throw new IllegalArgumentException("config (or kplProperties) is required: the producer needs a region");
            }
            if (producerFactory == null) {
                throw new IllegalArgumentException("producerFactory must not be null");
            }
            AiokplSink<T> sink = new AiokplSink<>(this);
            sink.producerConfig();   // fails now, naming the field, rather than in every subtask
            return sink;
        }

        private static String quote(String s) {
            return s == null ? "null" : "\"" + s + "\"";
        }
    }
}
