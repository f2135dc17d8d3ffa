package dev.aiokpl.internal.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aiokpl.Config;
import dev.aiokpl.internal.collector.PutBatch;
import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import dev.aiokpl.testkit.ReadRecord;
import dev.aiokpl.testkit.StreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * The direct PutRecords path against real peers: kinesis-local speaking the SDK's CBOR, kinesalite
 * speaking JSON. What the direct path writes is stored as sent (read back with GetRecords), its answers
 * are read, and a service error arrives with the service's code.
 */
@IntegrationTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DirectPutRecordsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @ParameterizedTest
    @EnumSource(KinesisEmulator.Kind.class)
    void whatTheDirectPathSendsIsStoredAsSent(KinesisEmulator.Kind kind) throws Exception {
        KinesisEmulator emulator = KinesisEmulator.get(kind);
        String stream = emulator.uniqueStreamName("direct");
        emulator.createStream(stream, 2);
        Config config = Config.builder().region(emulator.region()).endpointOverride(emulator.endpoint())
                .credentialsProvider(emulator.credentialsProvider()).build();
        try (KinesisClients.Owned owned = kind.supportsCbor() ? KinesisClients.create(config)
                : KinesisEmulator.buildWithCborDisabled(() -> KinesisClients.create(config))) {
            assertThat(owned.transport()).isInstanceOf(DirectPutRecords.class);
            DirectPutRecords direct = (DirectPutRecords) owned.transport();
            owned.client().listShards(b -> b.streamName(stream)).get(30, TimeUnit.SECONDS);
            assertThat(direct.endpointKnown()).as("the client's first call taught the endpoint").isTrue();

            List<KinesisRecord> records = new ArrayList<>();
            Map<String, byte[]> expected = new HashMap<>();
            for (int i = 0; i < 40; i++) {
                // Keys that need escaping in JSON and UTF-8 in CBOR; data from 0 bytes up to 100 KB (over several body chunks).
                String key = "k\"" + i + "\\\u00e9\u4e2d\ud83d\ude00\n";
                byte[] data = ("record-" + i + "-").repeat(i == 0 ? 0 : i == 39 ? 10_000 : i * 20).getBytes(StandardCharsets.UTF_8);
                String hashKey = i % 3 == 0 ? Integer.toString(i * 1000) : null;
                records.add(new KinesisRecord(stream, key, hashKey, data, List.of(), null, 0));
                expected.put(key, data);
            }
            long size = records.stream().mapToLong(KinesisRecord::size).sum();
            PutRecordsResponse response = direct.putRecords(new PutBatch(stream, records, size), TIMEOUT)
                    .get(60, TimeUnit.SECONDS);

            assertThat(response.failedRecordCount()).isZero();
            assertThat(response.records()).hasSize(records.size())
                    .allSatisfy(e -> assertThat(e.sequenceNumber()).isNotBlank())
                    .allSatisfy(e -> assertThat(e.shardId()).startsWith("shardId-"));
            List<ReadRecord> read = StreamReader.readAll(owned.client(), stream);
            assertThat(read).hasSize(records.size());
            for (ReadRecord r : read) {
                assertThat(expected).containsKey(r.partitionKey());
                assertThat(r.data()).isEqualTo(expected.get(r.partitionKey()));
            }
            Map<String, String> shardOfSequence = new HashMap<>();
            for (PutRecordsResultEntry e : response.records()) {
                shardOfSequence.put(e.sequenceNumber(), e.shardId());
            }
            for (ReadRecord r : read) {
                assertThat(shardOfSequence).containsEntry(r.sequenceNumber(), r.shardId());
            }

            Throwable missing = ErrorClassifier.unwrap(catchThrowable(() -> direct.putRecords(
                    new PutBatch("no-such-" + stream, records.subList(0, 1), records.get(0).size()), TIMEOUT)
                    .get(60, TimeUnit.SECONDS)));
            assertThat(ErrorClassifier.code(missing)).isEqualTo("ResourceNotFoundException");
            assertThat(ErrorClassifier.classify(ErrorClassifier.code(missing)))
                    .isEqualTo(ErrorClassifier.Kind.NON_RETRYABLE);
        } finally {
            emulator.deleteStream(stream);
        }
    }
}
