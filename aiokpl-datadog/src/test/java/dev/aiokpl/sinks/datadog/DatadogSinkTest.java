package dev.aiokpl.sinks.datadog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.timgroup.statsd.NonBlockingStatsDClientBuilder;
import com.timgroup.statsd.StatsDClient;
import dev.aiokpl.sinks.MetricEvent;
import dev.aiokpl.sinks.MetricSnapshot;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DatadogSinkTest {

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:00Z");
    private static final Map<String, String> SHARD_1 = dims("stream", "orders", "shard", "shardId-000000000001");

    /** One DogStatsD line: {@code name:value|type|#tag,tag|...}. */
    record Line(String name, String value, String type, List<String> tags) {

        static Line parse(String raw) {
            String[] parts = raw.split("\\|");
            int colon = parts[0].lastIndexOf(':');
            List<String> tags = List.of();
            for (int i = 2; i < parts.length; i++) {
                if (parts[i].startsWith("#")) {
                    tags = Arrays.asList(parts[i].substring(1).split(","));
                }
            }
            return new Line(parts[0].substring(0, colon), parts[0].substring(colon + 1), parts[1], tags);
        }

        double number() {
            return Double.parseDouble(value);
        }
    }

    private DatagramSocket agent;
    private final List<Line> received = new ArrayList<>();

    @BeforeEach
    void bindAgent() throws IOException {
        agent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        agent.setSoTimeout(100);
    }

    @AfterEach
    void closeAgent() {
        agent.close();
    }

    private DatadogSink sink() {
        return DatadogSink.builder().hostname("127.0.0.1").port(agent.getLocalPort()).build();
    }

    /** Receives lines until {@code done} holds for those of the sink (prefix aiokpl. or none), for at most 10 s. */
    private List<Line> receiveUntil(Predicate<List<Line>> done) throws IOException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        byte[] buf = new byte[65_536];
        while (!done.test(ours()) && System.nanoTime() < deadline) {
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            try {
                agent.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            }
            String payload = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            for (String raw : payload.split("\n")) {
                if (!raw.isEmpty()) {
                    received.add(Line.parse(raw));
                }
            }
        }
        return ours();
    }

    private List<Line> ours() {
        return received.stream()
                .filter(l -> !l.name().startsWith("datadog.dogstatsd.client."))
                .collect(Collectors.toList());
    }

    private static List<Line> named(List<Line> lines, String name) {
        return lines.stream().filter(l -> l.name().equals(name)).collect(Collectors.toList());
    }

    private static Map<String, String> dims(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static MetricSnapshot snapshot(String name, long count, double sum, Map<String, String> dims) {
        return new MetricSnapshot(name, count, sum, 0, 0, dims, T0, T0.plusSeconds(60));
    }

    private static MetricEvent event(String name, double value, Map<String, String> dims) {
        return new MetricEvent(name, value, T0, dims);
    }

    @Test
    void sendsCountsDistributionsAndGaugesWithKeyValueTags() throws Exception {
        try (DatadogSink sink = sink()) {
            sink.record(event("RequestTime", 12.5, SHARD_1));
            sink.record(event("RequestTime", 40, SHARD_1));
            // Distributions go out as they come; the close below only guarantees the export's lines.
            assertThat(receiveUntil(l -> l.size() >= 2)).hasSize(2);
            sink.record(event("UserRecordsPut", 1, SHARD_1));
            sink.record(event("UserRecordsPending", 5, dims("stream", "orders")));
            sink.record(event("UserRecordsPending", 9, dims("stream", "orders")));
            sink.export(List.of(
                    snapshot("UserRecordsPut", 3, 3, SHARD_1),
                    snapshot("UserRecordsDataPut", 3, 3072, SHARD_1),
                    snapshot("ErrorsByCode", 2, 2, dims("stream", "orders", "error_code", "InternalFailure")),
                    snapshot("UserRecordExpired", 0, 0, SHARD_1),
                    snapshot("RequestTime", 2, 52.5, SHARD_1))).join();
        }

        List<Line> lines = receiveUntil(l -> l.size() >= 6);

        assertThat(named(lines, "aiokpl.RequestTime"))
                .allSatisfy(l -> {
                    assertThat(l.type()).isEqualTo("d");
                    assertThat(l.tags()).containsExactlyInAnyOrder("stream:orders", "shard:shardId-000000000001");
                })
                .extracting(Line::number).containsExactlyInAnyOrder(12.5, 40.0);
        assertThat(named(lines, "aiokpl.UserRecordsPut")).singleElement().satisfies(l -> {
            assertThat(l.type()).isEqualTo("c");
            assertThat(l.number()).isEqualTo(3);
            assertThat(l.tags()).containsExactlyInAnyOrder("stream:orders", "shard:shardId-000000000001");
        });
        assertThat(named(lines, "aiokpl.UserRecordsDataPut")).singleElement()
                .satisfies(l -> assertThat(l.number()).isEqualTo(3072));
        assertThat(named(lines, "aiokpl.ErrorsByCode")).singleElement()
                .satisfies(l -> assertThat(l.tags()).containsExactlyInAnyOrder("stream:orders", "error_code:InternalFailure"));
        assertThat(named(lines, "aiokpl.UserRecordsPending")).singleElement().satisfies(l -> {
            assertThat(l.type()).isEqualTo("g");
            assertThat(l.number()).isEqualTo(9);
            assertThat(l.tags()).containsExactlyInAnyOrder("stream:orders");
        });
        assertThat(named(lines, "aiokpl.UserRecordExpired")).isEmpty();
        assertThat(lines).hasSize(6);
    }

    @Test
    void unknownKeysAndNamesPassThroughAndUserClientStaysOpen() throws Exception {
        StatsDClient client = new NonBlockingStatsDClientBuilder()
                .hostname("127.0.0.1").port(agent.getLocalPort())
                .enableTelemetry(false).enableAggregation(false).originDetectionEnabled(false)
                .build();
        try {
            DatadogSink sink = DatadogSink.builder().client(client).prefix("kpl.").build();
            sink.record(event("SomeFutureMetric", 2.5, dims("stream", "orders", "deployment_ring", "canary")));
            sink.export(List.of(snapshot("AllErrors", 1, 1, dims("odd|key", "a,b")))).join();
            sink.close();

            client.count("still.open", 1L);
            List<Line> lines = receiveUntil(l -> l.size() >= 3);

            assertThat(named(lines, "kpl.SomeFutureMetric")).singleElement().satisfies(l -> {
                assertThat(l.type()).isEqualTo("d");
                assertThat(l.tags()).containsExactlyInAnyOrder("stream:orders", "deployment_ring:canary");
            });
            assertThat(named(lines, "kpl.AllErrors")).singleElement()
                    .satisfies(l -> assertThat(l.tags()).containsExactlyInAnyOrder("odd_key:a_b"));
            assertThat(named(lines, "still.open")).hasSize(1);
        } finally {
            client.stop();
        }
    }

    @Test
    void nothingIsSentAfterClose() throws Exception {
        DatadogSink sink = sink();
        sink.close();
        sink.close();
        sink.record(event("RequestTime", 1, SHARD_1));
        sink.export(List.of(snapshot("UserRecordsPut", 1, 1, SHARD_1))).join();
        byte[] marker = "marker:1|c".getBytes(StandardCharsets.UTF_8);
        try (DatagramSocket sender = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            sender.send(new DatagramPacket(marker, marker.length, agent.getLocalSocketAddress()));
        }
        assertThat(receiveUntil(l -> !l.isEmpty())).extracting(Line::name).containsExactly("marker");
    }

    @Test
    void builderValidatesItsSettings() {
        assertThatThrownBy(() -> DatadogSink.builder().prefix("9lives").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix");
        assertThatThrownBy(() -> DatadogSink.builder().port(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
        StatsDClient client = new NonBlockingStatsDClientBuilder().hostname("127.0.0.1")
                .port(agent.getLocalPort()).enableTelemetry(false).build();
        try {
            assertThatThrownBy(() -> DatadogSink.builder().client(client).hostname("localhost").build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("client");
        } finally {
            client.stop();
        }
    }

    @Test
    void sanitizeReplacesOnlyLineBreakingCharacters() {
        assertThat(DatadogSink.sanitize("shardId-000000000001")).isEqualTo("shardId-000000000001");
        assertThat(DatadogSink.sanitize("a|b,c\nd\re:f")).isEqualTo("a_b_c_d_e:f");
    }
}
