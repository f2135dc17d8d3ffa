package dev.aiokpl.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aiokpl.Config;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** {@code AiokplSink.builder().build()} validates every field and names the bad one. */
class AiokplSinkBuilderTest {

    private static AiokplSink.Builder<String> valid() {
        return AiokplSink.<String>builder()
                .setStreamName("events")
                .setSerializationSchema(new SimpleStringSchema())
                .setPartitionKeyGenerator(s -> s)
                .setConfig(() -> Config.builder().region("us-east-1").build());
    }

    @Test
    void aValidSinkSurvivesJavaSerializationAsFlinkShipsIt() throws Exception {
        AiokplSink<String> sink = valid().setExplicitHashKeyGenerator(s -> "0").build();
        AiokplSink<String> copy = InstantiationUtil.clone(sink);
        assertThat(copy.failOnError()).isTrue();
        assertThat(copy.streamSelector().apply("x")).isEqualTo("events");
        assertThat(copy.producerConfig().region()).isEqualTo("us-east-1");
    }

    @Test
    void namesAMissingOrDoubleStream() {
        assertThatThrownBy(() -> valid().setStreamName(null).build()).hasMessageContaining("streamName");
        assertThatThrownBy(() -> valid().setStreamSelector(s -> s).build())
                .hasMessageContaining("streamName and streamSelector");
        assertThatThrownBy(() -> valid().setStreamName("no spaces").build())
                .hasMessageContaining("streamName").hasMessageContaining("\"no spaces\"");
        assertThat(valid().setStreamName(null).setStreamSelector(s -> "s-" + s).build().streamSelector().apply("a"))
                .isEqualTo("s-a");
    }

    @Test
    void namesAMissingOrDoubleDataConversion() {
        assertThatThrownBy(() -> valid().setSerializationSchema(null).build())
                .hasMessageContaining("serializationSchema (or elementConverter) is required");
        assertThatThrownBy(() -> valid().setElementConverter(s -> s.getBytes(StandardCharsets.UTF_8)).build())
                .hasMessageContaining("serializationSchema and elementConverter");
    }

    @Test
    void namesAMissingPartitionKeyGeneratorOrConfig() {
        assertThatThrownBy(() -> valid().setPartitionKeyGenerator(null).build())
                .hasMessageContaining("partitionKeyGenerator");
        assertThatThrownBy(() -> valid().setConfig(null).build()).hasMessageContaining("config (or kplProperties)");
    }

    @Test
    void kplPropertiesApplyOverTheConfigAndABadOneIsNamed() {
        Properties props = new Properties();
        props.setProperty("Region", "eu-west-1");
        props.setProperty("RecordMaxBufferedTime", "250");
        AiokplSink<String> sink = valid().setConfig(null).setKplProperties(props).build();
        assertThat(sink.producerConfig().region()).isEqualTo("eu-west-1");
        assertThat(sink.producerConfig().recordMaxBufferedTime().toMillis()).isEqualTo(250);

        props.setProperty("RecordMaxBufferedTime", "soon");
        assertThatThrownBy(() -> valid().setKplProperties(props).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RecordMaxBufferedTime");
        assertThatThrownBy(() -> valid().setConfig(() -> Config.builder().region("us-east-1")
                .maxConnections(0).build()).build()).hasMessageContaining("maxConnections");
    }
}
