package com.example.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.Config;
import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import dev.aiokpl.testkit.ReadRecord;
import dev.aiokpl.testkit.StreamReader;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/** docs/flink.md's example job, run on a MiniCluster against kinesalite; and the page shows this very code. */
@IntegrationTest
class OrdersToKinesisIT {

    static final Path SOURCE = Path.of("src/test/java/com/example/flink/OrdersToKinesis.java");
    static final Path DOC = Path.of("../docs/flink.md");

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberSlotsPerTaskManager(2).build());

    @Test
    void theExampleJobDeliversEveryOrder() throws Exception {
        KinesisEmulator kinesalite = KinesisEmulator.kinesalite();
        String stream = kinesalite.uniqueStreamName("flink-example");
        kinesalite.createStream(stream, 2);
        URI endpoint = kinesalite.endpoint();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        OrdersToKinesis.build(env, stream, 10_000, () -> Config.builder()
                .region(KinesisEmulator.REGION)
                .endpointOverride(endpoint)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("fake", "fake")))
                .build());
        env.execute("example");

        try (KinesisAsyncClient reader = kinesalite.newClient()) {
            List<ReadRecord> read = StreamReader.readAll(reader, stream);
            Set<String> orders = read.stream().map(ReadRecord::dataAsString).collect(Collectors.toSet());
            assertThat(orders).hasSize(10_000).contains("{\"order\":9999,\"customer\":\"c999\"}");
            // Aggregated: an aggregate that holds one record goes out raw (SPEC section 3), so a few
            // raw records (the last one of a shard at a checkpoint's flush) are legitimate.
            long kinesisRecords = read.stream().map(r -> r.shardId() + "/" + r.sequenceNumber()).distinct().count();
            assertThat(kinesisRecords).as("Kinesis records for %d user records", read.size())
                    .isLessThanOrEqualTo(read.size() / 50);
            assertThat(read.stream().filter(ReadRecord::fromAggregate).count())
                    .as("user records read from aggregates").isGreaterThanOrEqualTo(read.size() * 99L / 100);
        }
    }

    @Test
    void theDocShowsTheExampleAsCompiled() throws IOException {
        // The build (in either Flink module) runs from the module's directory; both sit beside docs/.
        Path source = Files.exists(SOURCE) ? SOURCE : Path.of("../aiokpl-flink").resolve(SOURCE);
        String code = Files.readString(source, StandardCharsets.UTF_8);
        String body = code.substring(code.indexOf("/** A job that"));
        assertThat(Files.readString(DOC, StandardCharsets.UTF_8)).contains(body.strip());
    }
}
