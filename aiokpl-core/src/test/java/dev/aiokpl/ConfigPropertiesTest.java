package dev.aiokpl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Config.fromProperties: the KPL's property names and units. */
class ConfigPropertiesTest {

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        p.setProperty("Region", "us-west-2");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void mapsTheKplNamesAndUnits() {
        Config c = Config.fromProperties(props(
                "AggregationEnabled", "false",
                "AggregationMaxCount", "100",
                "AggregationMaxSize", "40000",
                "CollectionMaxCount", "200",
                "CollectionMaxSize", "2000000",
                "RecordMaxBufferedTime", "250",
                "RecordTtl", "60000",
                "RateLimit", "80",
                "FailIfThrottled", "true",
                "MaxConnections", "8",
                "ConnectTimeout", "1500",
                "RequestTimeout", "9000",
                "MetricsLevel", "detailed",
                "MetricsGranularity", "stream",
                "MetricsUploadDelay", "30000",
                "MaxOutstandingRecords", "1000",
                "MaxBlockTime", "0",
                "CloseTimeout", "5000",
                "AdaptiveSending", "false",
                "OrderedDelivery", "true"));
        assertThat(c.region()).isEqualTo("us-west-2");
        assertThat(c.aggregationEnabled()).isFalse();
        assertThat(c.aggregationMaxCount()).isEqualTo(100);
        assertThat(c.aggregationMaxSize()).isEqualTo(40_000);
        assertThat(c.collectionMaxCount()).isEqualTo(200);
        assertThat(c.collectionMaxSize()).isEqualTo(2_000_000);
        assertThat(c.recordMaxBufferedTime()).as("milliseconds").isEqualTo(Duration.ofMillis(250));
        assertThat(c.recordTtl()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.rateLimit()).isEqualTo(80);
        assertThat(c.failIfThrottled()).isTrue();
        assertThat(c.maxConnections()).isEqualTo(8);
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(c.metricsLevel()).isEqualTo(MetricsLevel.DETAILED);
        assertThat(c.metricsGranularity()).isEqualTo(MetricsGranularity.STREAM);
        assertThat(c.metricsUploadInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.maxOutstandingRecords()).isEqualTo(1000);
        assertThat(c.maxBlockTime()).isEqualTo(Duration.ZERO);
        assertThat(c.closeTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.adaptiveSending()).isFalse();
        assertThat(c.orderedDelivery()).isTrue();
        assertThat(Config.builder().region("us-west-2").build().orderedDelivery()).as("default").isFalse();
    }

    @ParameterizedTest
    @CsvSource({
            "localhost, 4567, https://localhost:4567",
            "kinesis.local, , https://kinesis.local",
            "http://127.0.0.1, 4567, http://127.0.0.1:4567",
            "https://kinesis.us-west-2.amazonaws.com, 443, https://kinesis.us-west-2.amazonaws.com:443"})
    void kinesisEndpointAndPortMakeTheEndpointOverride(String endpoint, String port, String expected) {
        Properties p = props("KinesisEndpoint", endpoint);
        if (port != null) {
            p.setProperty("KinesisPort", port);
        }
        assertThat(Config.fromProperties(p).endpointOverride()).isEqualTo(URI.create(expected));
    }

    @Test
    void verifyCertificateFalseTrustsAllCertificates() {
        assertThat(Config.fromProperties(props("VerifyCertificate", "false")).trustAllCertificates()).isTrue();
        assertThat(Config.fromProperties(props("VerifyCertificate", "true")).trustAllCertificates()).isFalse();
        assertThat(Config.fromProperties(props()).trustAllCertificates()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"none, NONE", "SUMMARY, SUMMARY", "Detailed, DETAILED"})
    void metricsLevelIgnoresCase(String value, MetricsLevel expected) {
        assertThat(Config.fromProperties(props("MetricsLevel", value)).metricsLevel()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "RateLimit, abc",
            "RateLimit, 0",
            "RateLimit, 1.5",
            "AggregationEnabled, maybe",
            "VerifyCertificate, nope",
            "MetricsLevel, loud",
            "MetricsGranularity, planet",
            "RecordMaxBufferedTime, -1",
            "RecordTtl, 50",
            "MaxConnections, 99999999999",
            "CollectionMaxCount, 501",
            "MetricsUploadDelay, 10",
            "KinesisEndpoint, 'http://'",
            "Region, 'Not A Region'"})
    void aBadValueIsRejectedNamingTheKey(String key, String value) {
        assertThatThrownBy(() -> Config.fromProperties(props(key, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key);
    }

    @Test
    void aBadPortIsRejectedNamingTheKey() {
        assertThatThrownBy(() -> Config.fromProperties(props("KinesisEndpoint", "localhost", "KinesisPort", "70000")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KinesisPort").hasMessageContaining("70000");
        assertThatThrownBy(() -> Config.fromProperties(props("KinesisPort", "4567")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KinesisPort")
                .hasMessageContaining("KinesisEndpoint");
    }

    @Test
    void aBuilderTakesPropertiesOnTopOfWhatCodeSet() {
        Config c = Config.builder().region("eu-west-1").maxConnections(4).recordTtl(Duration.ofSeconds(90))
                .applyProperties(props("RecordMaxBufferedTime", "250", "MaxConnections", "12"))
                .build();
        assertThat(c.region()).as("Region in the properties replaces the earlier call").isEqualTo("us-west-2");
        assertThat(c.maxConnections()).as("the property wins over the earlier call").isEqualTo(12);
        assertThat(c.recordMaxBufferedTime()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.recordTtl()).as("untouched by the properties").isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> Config.builder().applyProperties(props("RateLimit", "fast")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RateLimit")
                .hasMessageContaining("fast");
    }

    @Test
    void keysWithNoMeaningHereAreIgnored() {
        Config c = Config.fromProperties(props("ThreadingModel", "POOLED", "NativeExecutable", "/opt/kpl",
                "SomethingElse", "1"));
        assertThat(c.region()).isEqualTo("us-west-2");
    }

    @Test
    void theRegionIsRequiredThere() {
        assertThatThrownBy(() -> Config.fromProperties(new Properties())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("region");
    }

    @Test
    void readsAPropertiesFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("kpl.properties");
        Files.writeString(file, "# a KPL file\nRegion = eu-central-1\nRecordMaxBufferedTime = 500\nAggregationEnabled = true\n");
        Config c = Config.fromPropertiesFile(file);
        assertThat(c.region()).isEqualTo("eu-central-1");
        assertThat(c.recordMaxBufferedTime()).isEqualTo(Duration.ofMillis(500));

        Path missing = dir.resolve("missing.properties");
        assertThatThrownBy(() -> Config.fromPropertiesFile(missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString());
    }
}
