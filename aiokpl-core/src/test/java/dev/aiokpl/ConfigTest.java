package dev.aiokpl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aiokpl.sinks.NullSink;
import java.net.URI;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class ConfigTest {

    private static Config.Builder valid() {
        return Config.builder().region("us-east-1");
    }

    @Test
    void defaultsAreTheSpecs() {
        Config c = valid().build();
        assertThat(c.region()).isEqualTo("us-east-1");
        assertThat(c.endpointOverride()).isNull();
        assertThat(c.credentialsProvider()).isNull();
        assertThat(c.trustAllCertificates()).isFalse();
        assertThat(c.directPutRecords()).isTrue();
        assertThat(c.aggregationEnabled()).isTrue();
        assertThat(c.aggregationMaxCount()).isEqualTo(4_294_967_295L);
        assertThat(c.aggregationMaxSize()).isEqualTo(51_200);
        assertThat(c.recordMaxBufferedTime()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.recordTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.collectionMaxCount()).isEqualTo(500);
        assertThat(c.collectionMaxSize()).isEqualTo(5L * 1024 * 1024);
        assertThat(c.rateLimit()).isEqualTo(150);
        assertThat(c.failIfThrottled()).isFalse();
        assertThat(c.maxOutstandingRecords()).isEqualTo(100_000);
        assertThat(c.maxOutstandingBytes()).isEqualTo(256L * 1024 * 1024);
        assertThat(c.maxBlockTime()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.maxConnections()).isEqualTo(24);
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(6));
        assertThat(c.maxRecordSize()).isEqualTo(1024 * 1024);
        assertThat(c.shardMapRefreshInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.closeTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.callbackExecutor()).isNull();
        assertThat(c.metricsLevel()).isEqualTo(MetricsLevel.NONE);
        assertThat(c.metricsGranularity()).isEqualTo(MetricsGranularity.SHARD);
        assertThat(c.metricsSink()).isInstanceOf(NullSink.class);
        assertThat(c.metricsUploadInterval()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void toBuilderCopiesEveryField() {
        Config c = valid().endpointOverride(URI.create("https://localhost:4567")).trustAllCertificates(true)
                .directPutRecords(false).aggregationEnabled(false).aggregationMaxCount(10).aggregationMaxSize(1000)
                .recordMaxBufferedTime(Duration.ofMillis(7)).recordTtl(Duration.ofSeconds(9)).collectionMaxCount(9)
                .collectionMaxSize(100_000).rateLimit(80).failIfThrottled(true).maxOutstandingRecords(5)
                .maxOutstandingBytes(2 * 1024 * 1024).maxBlockTime(Duration.ZERO).maxConnections(3)
                .connectTimeout(Duration.ofSeconds(2)).requestTimeout(Duration.ofSeconds(3)).maxRecordSize(2048)
                .shardMapRefreshInterval(Duration.ofSeconds(30)).closeTimeout(Duration.ofSeconds(4))
                .callbackExecutor(Runnable::run).metricsLevel(MetricsLevel.DETAILED)
                .metricsGranularity(MetricsGranularity.STREAM).metricsUploadInterval(Duration.ofSeconds(5)).build();
        Config copy = c.toBuilder().build();
        assertThat(copy.toString()).isEqualTo(c.toString()).contains("directPutRecords=false");
        assertThat(copy.directPutRecords()).isFalse();
        assertThat(copy.callbackExecutor()).isSameAs(c.callbackExecutor());
        assertThat(copy.metricsSink()).isSameAs(c.metricsSink());
        assertThat(c.toBuilder().region("eu-west-1").build().region()).isEqualTo("eu-west-1");
        assertThat(c.region()).as("the original is immutable").isEqualTo("us-east-1");
    }

    static Stream<Arguments> badKnobs() {
        return Stream.of(
                bad("region", "null", b -> b.region(null)),
                bad("region", "\"  \"", b -> b.region("  ")),
                bad("region", "US East", b -> b.region("US East")),
                bad("endpointOverride", "ftp://host", b -> b.endpointOverride(URI.create("ftp://host"))),
                bad("endpointOverride", "localhost", b -> b.endpointOverride(URI.create("localhost"))),
                bad("aggregationMaxCount", "0", b -> b.aggregationMaxCount(0)),
                bad("aggregationMaxCount", "4294967296", b -> b.aggregationMaxCount(4_294_967_296L)),
                bad("maxRecordSize", "1023", b -> b.maxRecordSize(1023)),
                bad("maxRecordSize", "10485761", b -> b.maxRecordSize(10 * 1024 * 1024 + 1)),
                bad("aggregationMaxSize", "63", b -> b.aggregationMaxSize(63)),
                bad("aggregationMaxSize", "2049", b -> b.maxRecordSize(2048).aggregationMaxSize(2049)),
                bad("recordTtl", "PT0.099S", b -> b.recordTtl(Duration.ofMillis(99))),
                bad("recordTtl", "null", b -> b.recordTtl(null)),
                bad("recordMaxBufferedTime", "PT-0.001S", b -> b.recordMaxBufferedTime(Duration.ofMillis(-1))),
                bad("recordMaxBufferedTime", "PT2S", b -> b.recordTtl(Duration.ofSeconds(1))
                        .recordMaxBufferedTime(Duration.ofSeconds(2))),
                bad("collectionMaxCount", "0", b -> b.collectionMaxCount(0)),
                bad("collectionMaxCount", "501", b -> b.collectionMaxCount(501)),
                bad("collectionMaxSize", "52223", b -> b.collectionMaxSize(52_223)),
                bad("collectionMaxSize", "5242881", b -> b.collectionMaxSize(5L * 1024 * 1024 + 1)),
                bad("rateLimit", "0", b -> b.rateLimit(0)),
                bad("rateLimit", "10001", b -> b.rateLimit(10_001)),
                bad("maxOutstandingRecords", "0", b -> b.maxOutstandingRecords(0)),
                bad("maxOutstandingBytes", "1048575", b -> b.maxOutstandingBytes(1024 * 1024 - 1)),
                bad("maxBlockTime", "PT-1S", b -> b.maxBlockTime(Duration.ofSeconds(-1))),
                bad("maxConnections", "0", b -> b.maxConnections(0)),
                bad("maxConnections", "257", b -> b.maxConnections(257)),
                bad("connectTimeout", "PT0.099S", b -> b.connectTimeout(Duration.ofMillis(99))),
                bad("requestTimeout", "PT0.099S", b -> b.requestTimeout(Duration.ofMillis(99))),
                bad("requestTimeout", "PT11M", b -> b.requestTimeout(Duration.ofMinutes(11))),
                bad("shardMapRefreshInterval", "PT0.999S", b -> b.shardMapRefreshInterval(Duration.ofMillis(999))),
                bad("closeTimeout", "PT-0.001S", b -> b.closeTimeout(Duration.ofMillis(-1))),
                bad("metricsLevel", "null", b -> b.metricsLevel(null)),
                bad("metricsGranularity", "null", b -> b.metricsGranularity(null)),
                bad("metricsSink", "null", b -> b.metricsSink(null)),
                bad("metricsUploadInterval", "PT0.5S", b -> b.metricsUploadInterval(Duration.ofMillis(500))),
                bad("metricsUploadInterval", "PT2H", b -> b.metricsUploadInterval(Duration.ofHours(2))));
    }

    private static Arguments bad(String field, String value, UnaryOperator<Config.Builder> change) {
        return Arguments.of(field, value, change);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badKnobs")
    void buildRejectsEachBadKnobNamingTheFieldAndValue(String field, String value, UnaryOperator<Config.Builder> change) {
        assertThatThrownBy(() -> change.apply(valid()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(field)
                .hasMessageContaining(value);
    }

    @Test
    void boundaryValuesAreAccepted() {
        valid().aggregationMaxCount(1).maxRecordSize(1024).aggregationMaxSize(64).recordTtl(Duration.ofMillis(100))
                .recordMaxBufferedTime(Duration.ZERO).collectionMaxCount(1).collectionMaxSize(52_224).rateLimit(1)
                .maxOutstandingRecords(1).maxOutstandingBytes(1024).maxBlockTime(Duration.ZERO).maxConnections(1)
                .connectTimeout(Duration.ofMillis(100)).requestTimeout(Duration.ofMillis(100))
                .shardMapRefreshInterval(Duration.ofSeconds(1)).closeTimeout(Duration.ZERO)
                .metricsUploadInterval(Duration.ofSeconds(1)).build();
        valid().aggregationMaxCount(4_294_967_295L).maxRecordSize(10 * 1024 * 1024)
                .aggregationMaxSize(10 * 1024 * 1024).maxOutstandingBytes(10 * 1024 * 1024)
                .collectionMaxCount(500).collectionMaxSize(5L * 1024 * 1024).rateLimit(10_000).maxConnections(256)
                .requestTimeout(Duration.ofMinutes(10)).metricsUploadInterval(Duration.ofHours(1)).build();
    }

    @Test
    void toStringShowsNoSecrets() {
        String secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLESECRET";
        String keyId = "AKIAIOSFODNN7EXAMPLE";
        Config c = valid().credentialsProvider(StaticCredentialsProvider.create(
                AwsBasicCredentials.create(keyId, secret))).build();
        assertThat(c.toString()).doesNotContain(secret).doesNotContain(keyId).doesNotContain("EXAMPLE")
                .contains("credentialsProvider=StaticCredentialsProvider").contains("region=us-east-1");
    }
}
