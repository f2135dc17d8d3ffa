package dev.aiokpl.kafka.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aiokpl.Config;
import dev.aiokpl.MetricsGranularity;
import dev.aiokpl.MetricsLevel;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class AiokplSinkConfigTest {

    private static AiokplSinkConfig config(String... keyValues) {
        Map<String, String> props = new HashMap<>();
        props.put(AiokplSinkConfig.REGION, "eu-west-1");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return new AiokplSinkConfig(props);
    }

    @Test
    void regionIsRequired() {
        assertThatThrownBy(() -> new AiokplSinkConfig(Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("region");
    }

    @Test
    void awslabsKeysMapOntoTheProducer() {
        Config c = config("maxBufferedTime", "1500", "maxConnections", "4", "rateLimit", "100", "ttl", "60000",
                "aggregation", "false", "metricsLevel", "NONE", "metricsGranuality", "stream",
                "outstandingRecordsThreshold", "5000", "sleepPeriod", "2000", "closeTimeout", "3000")
                .producerConfig();
        assertThat(c.region()).isEqualTo("eu-west-1");
        assertThat(c.recordMaxBufferedTime()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.maxConnections()).isEqualTo(4);
        assertThat(c.rateLimit()).isEqualTo(100);
        assertThat(c.recordTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.aggregationEnabled()).isFalse();
        assertThat(c.metricsLevel()).isEqualTo(MetricsLevel.NONE);
        assertThat(c.metricsGranularity()).as("awslabs' misspelt key").isEqualTo(MetricsGranularity.STREAM);
        assertThat(c.maxOutstandingRecords()).isEqualTo(5000);
        assertThat(c.maxBlockTime()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.closeTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.credentialsProvider()).as("the SDK's default chain").isNull();
    }

    @Test
    void defaultsAreTheProducersOwn() {
        Config c = config().producerConfig();
        Config defaults = Config.builder().region("eu-west-1").build();
        assertThat(c.recordMaxBufferedTime()).isEqualTo(defaults.recordMaxBufferedTime());
        assertThat(c.recordTtl()).isEqualTo(defaults.recordTtl());
        assertThat(c.rateLimit()).isEqualTo(defaults.rateLimit());
        assertThat(c.maxConnections()).isEqualTo(defaults.maxConnections());
        assertThat(c.maxOutstandingBytes()).isEqualTo(defaults.maxOutstandingBytes());
        assertThat(c.aggregationEnabled()).isTrue();
        assertThat(c.endpointOverride()).isNull();
    }

    @Test
    void aRoleIsAssumedWithStsAndClosedWithTheTask() throws Exception {
        Config c = config("roleARN", "arn:aws:iam::123456789012:role/kinesis-writer", "roleExternalID", "x-1")
                .producerConfig();
        assertThat(c.credentialsProvider()).isInstanceOf(AiokplSinkConfig.AssumedRole.class);
        ((AutoCloseable) c.credentialsProvider()).close();
    }

    @Test
    void anEndpointIsAHostWithAPortOrAUrl() {
        assertThat(config("kinesisEndpoint", "kinesis.example.com", "kinesisPort", "8443").kinesisEndpoint())
                .isEqualTo(URI.create("https://kinesis.example.com:8443"));
        assertThat(config("kinesisEndpoint", "http://127.0.0.1:4567").kinesisEndpoint())
                .isEqualTo(URI.create("http://127.0.0.1:4567"));
        assertThatThrownBy(() -> config("kinesisEndpoint", "ftp://x")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("kinesisEndpoint");
    }

    @Test
    void theStreamComesFromTheMapThenStreamNameThenTheTopic() {
        AiokplSinkConfig mapped = config("stream.topic.map", "orders:orders-stream, clicks:clicks-stream",
                "streamName", "fallback");
        assertThat(mapped.streamFor("orders")).isEqualTo("orders-stream");
        assertThat(mapped.streamFor("clicks")).isEqualTo("clicks-stream");
        assertThat(mapped.streamFor("other")).isEqualTo("fallback");
        assertThat(config().streamFor("payments")).isEqualTo("payments");
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> config("stream.topic.map", "orders")).hasMessageContaining("stream.topic.map");
        assertThatThrownBy(() -> config("stream.topic.map", "a:s1,a:s2")).hasMessageContaining("listed twice");
        assertThatThrownBy(() -> config("streamName", "bad name")).hasMessageContaining("streamName");
        assertThatThrownBy(() -> config("rateLimit", "0")).hasMessageContaining("rateLimit");
        assertThatThrownBy(() -> config("metricsLevel", "verbose")).hasMessageContaining("metricsLevel");
        assertThatThrownBy(() -> config("roleARN", "my-role")).hasMessageContaining("roleARN");
        assertThatThrownBy(() -> config("maxBufferedTime", "60000", "ttl", "1000").producerConfig())
                .isInstanceOf(ConfigException.class).hasMessageContaining("recordMaxBufferedTime");
    }

    @Test
    void everyKeyIsDocumented() {
        for (ConfigDef.ConfigKey key : AiokplSinkConfig.CONFIG_DEF.configKeys().values()) {
            assertThat(key.documentation).as(key.name).isNotBlank();
            assertThat(key.group).as(key.name).isNotBlank();
        }
    }
}
