package dev.aiokpl.kafka.connect.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import dev.aiokpl.testkit.ReadRecord;
import dev.aiokpl.testkit.StreamReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The packaged plugin zip, unpacked into a {@code plugin.path} directory, loaded by
 * a Connect worker through its plugin class loader, writes to kinesalite. The connector's classes
 * are not on this module's classpath, so only the archive can provide them.
 */
@IntegrationTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PluginPathIT {

    private static final String CONNECTOR = "dev.aiokpl.kafka.connect.AiokplSinkConnector";
    private static final int RECORDS = 1_000;

    @Test
    void theArchiveLoadsFromPluginPathAndWritesToKinesis(@TempDir Path pluginPath) throws Exception {
        Path zip = Path.of(System.getProperty("aiokpl.plugin.zip", "missing"));
        assumeTrue(Files.isRegularFile(zip), "no plugin archive at " + zip + ": it is built by the package phase"
                + " (mvn verify), not by mvn test");
        unzip(zip, pluginPath);
        try (Stream<Path> files = Files.walk(pluginPath)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("the unpacked archive in " + pluginPath)
                    .anyMatch(name -> name.matches("aiokpl-kafka-connect-.*\\.jar"))
                    .noneMatch(name -> name.startsWith("connect-api") || name.startsWith("kafka-clients"));
        }
        assertThatThrownBy(() -> Class.forName(CONNECTOR)).as("not on the test classpath")
                .isInstanceOf(ClassNotFoundException.class);

        KinesisEmulator kinesalite = KinesisEmulator.kinesalite();
        String stream = kinesalite.uniqueStreamName("connect-plugin");
        kinesalite.createStream(stream, 2);

        Map<String, String> workerProps = new HashMap<>();
        workerProps.put("plugin.path", pluginPath.toAbsolutePath().toString());
        workerProps.put("plugin.discovery", "service_load");
        workerProps.put("offset.flush.interval.ms", "500");
        EmbeddedConnectCluster connect = new EmbeddedConnectCluster.Builder()
                .name("aiokpl-plugin-it").numWorkers(1).numBrokers(1).workerProps(workerProps).build();
        connect.start();
        try (Admin admin = connect.kafka().createAdminClient()) {
            String plugins = get(connect.endpointForResource("connector-plugins"));
            assertThat(plugins).as("listed with the jar's Implementation-Version (\"unknown\" outside a jar)")
                    .contains(CONNECTOR).doesNotContain("\"unknown\"");

            String topic = "plugin-" + System.nanoTime();
            connect.kafka().createTopic(topic, 1);
            try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(new HashMap<>())) {
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>(topic, ("k" + i).getBytes(StandardCharsets.UTF_8),
                            ("v" + i).getBytes(StandardCharsets.UTF_8)));
                }
            }
            Map<String, String> props = new HashMap<>();
            props.put("connector.class", CONNECTOR);
            props.put("tasks.max", "1");
            props.put("topics", topic);
            props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
            props.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
            props.put("region", kinesalite.region());
            props.put("streamName", stream);
            props.put("kinesisEndpoint", kinesalite.endpoint().toString());
            connect.configureConnector("plugin", props);

            await("all committed").atMost(Duration.ofMinutes(2)).until(() -> admin
                    .listConsumerGroupOffsets("connect-plugin").partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).values().stream().filter(Objects::nonNull)
                    .mapToLong(OffsetAndMetadata::offset).sum() == RECORDS);
            connect.deleteConnector("plugin");
        } finally {
            connect.stop();
        }
        List<ReadRecord> read;
        try (KinesisAsyncClient client = kinesalite.newClient()) {
            read = StreamReader.readAll(client, stream);
        }
        assertThat(read).extracting(ReadRecord::dataAsString).hasSize(RECORDS).contains("v0", "v999");
    }

    private static void unzip(Path zip, Path into) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                Path target = into.resolve(e.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("entry outside the archive's directory: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target);
                }
            }
        }
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return response.body();
    }
}
