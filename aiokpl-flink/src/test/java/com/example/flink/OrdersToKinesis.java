package com.example.flink;

import dev.aiokpl.Config;
import dev.aiokpl.MetricsLevel;
import dev.aiokpl.flink.AiokplSink;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.function.SerializableSupplier;

/** A job that writes small JSON orders to Kinesis, aggregated, at least once. */
public final class OrdersToKinesis {

    private OrdersToKinesis() {
    }

    /** Adds the job to {@code env}: {@code count} orders from a generator into {@code stream}. */
    public static void build(StreamExecutionEnvironment env, String stream, long count,
                             SerializableSupplier<Config> config) {
        env.enableCheckpointing(Duration.ofSeconds(10).toMillis());   // the sink confirms on every checkpoint

        DataGeneratorSource<String> orders = new DataGeneratorSource<>(
                i -> "{\"order\":" + i + ",\"customer\":\"c" + (i % 1000) + "\"}", count, Types.STRING);

        env.fromSource(orders, WatermarkStrategy.noWatermarks(), "orders")
                .sinkTo(AiokplSink.<String>builder()
                        .setStreamName(stream)
                        .setSerializationSchema(new SimpleStringSchema())
                        .setPartitionKeyGenerator(json ->                     // the customer id, "c42"
                                json.substring(json.lastIndexOf(":\"") + 2, json.length() - 2))
                        .setConfig(config)
                        .build());
    }

    /** {@code OrdersToKinesis <stream> <region>}: one million orders. */
    public static void main(String[] args) throws Exception {
        String stream = args[0];
        String region = args[1];
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, stream, 1_000_000, () -> Config.builder()
                .region(region)
                .metricsLevel(MetricsLevel.SUMMARY)                   // the producer's metrics, in Flink's
                .build());
        env.execute("orders to Kinesis");
    }
}
