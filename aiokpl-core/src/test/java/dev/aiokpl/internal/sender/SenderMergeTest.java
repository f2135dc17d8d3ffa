package dev.aiokpl.internal.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.internal.collector.Collector;
import dev.aiokpl.internal.collector.PutBatch;
import dev.aiokpl.internal.record.KinesisRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Batches that wait for a connection are merged when one frees up, within the limits they were
 * collected under; without it, slow requests cap the producer at {@code maxInFlight / latency}
 * requests per second however little each one holds (found by the fault scenarios: on kinesis-local,
 * ~1 s per request, records waited 12 s here with 3 shards at 200 records/s).
 */
class SenderMergeTest {

    /** Holds every PutRecords until the test answers it. */
    static final class HeldClient implements KinesisAsyncClient {
        final List<PutRecordsRequest> requests = new ArrayList<>();
        final List<CompletableFuture<PutRecordsResponse>> answers = new ArrayList<>();

        @Override
        public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
            CompletableFuture<PutRecordsResponse> f = new CompletableFuture<>();
            requests.add(request);
            answers.add(f);
            return f;
        }

        void answer(int i) {
            List<PutRecordsResultEntry> entries = new ArrayList<>();
            for (int k = 0; k < requests.get(i).records().size(); k++) {
                entries.add(PutRecordsResultEntry.builder().shardId("shardId-0").sequenceNumber("" + k).build());
            }
            answers.get(i).complete(PutRecordsResponse.builder().failedRecordCount(0).records(entries).build());
        }

        List<String> keys(int i) {
            return requests.get(i).records().stream().map(PutRecordsRequestEntry::partitionKey).toList();
        }

        @Override
        public String serviceName() {
            return "kinesis";
        }

        @Override
        public void close() {
        }
    }

    private final HeldClient client = new HeldClient();
    private final List<PutBatch> handled = new ArrayList<>();
    private final Sender sender = new Sender(client, 1, Duration.ofSeconds(6), () -> 0L, Runnable::run,
            (batch, start, end, response, error) -> handled.add(batch));

    @Test
    void batchesWaitingForAConnectionGoOutTogether() {
        sender.submit(batch("s", 500, 5_000_000, kr("a", "shard-1", 100)));
        sender.submit(batch("s", 500, 5_000_000, kr("b", "shard-1", 100)));
        sender.submit(batch("s", 500, 5_000_000, kr("c", "shard-2", 100)));
        sender.submit(batch("s", 500, 5_000_000, kr("d", "shard-3", 100), kr("e", "shard-3", 100)));
        assertThat(client.requests).hasSize(1);

        client.answer(0);

        assertThat(client.requests).hasSize(2);
        assertThat(client.keys(1)).containsExactly("b", "c", "d", "e");
        assertThat(sender.waiting()).isZero();
        client.answer(1);
        assertThat(handled).hasSize(2);
        assertThat(handled.get(1).records()).extracting(KinesisRecord::partitionKey).containsExactly("b", "c", "d", "e");
        assertThat(handled.get(1).size()).isEqualTo(4 * 101);
    }

    @Test
    void mergingRespectsTheCountAndSizeLimitsOfTheCollection() {
        sender.submit(batch("s", 2, 5_000_000, kr("a", "shard-1", 100)));
        sender.submit(batch("s", 2, 5_000_000, kr("b", "shard-1", 100)));
        sender.submit(batch("s", 2, 5_000_000, kr("c", "shard-2", 100)));
        sender.submit(batch("s", 2, 5_000_000, kr("d", "shard-2", 100)));

        client.answer(0);
        assertThat(client.keys(1)).containsExactly("b", "c");
        client.answer(1);
        assertThat(client.keys(2)).containsExactly("d");

        Sender bySize = new Sender(client, 1, Duration.ofSeconds(6), () -> 0L, Runnable::run, (b, s, e, r, x) -> { });
        bySize.submit(batch("t", 500, 250, kr("e", "shard-1", 100)));
        bySize.submit(batch("t", 500, 250, kr("f", "shard-2", 100)));
        bySize.submit(batch("t", 500, 250, kr("g", "shard-3", 100)));
        client.answer(3);
        assertThat(client.keys(4)).containsExactly("f", "g");
    }

    @Test
    void aShardKeepsItsBytesPerRequestAndTheStreamKeepsItsOrder() {
        int big = (int) (Collector.SHARD_BYTES_PER_REQUEST / 2);
        sender.submit(batch("s", 500, 5_000_000, kr("a", "shard-1", 10)));
        sender.submit(batch("s", 500, 5_000_000, kr("b", "shard-1", big)));
        sender.submit(batch("s", 500, 5_000_000, kr("c", "shard-1", big)));   // would put shard-1 over 256 KiB
        sender.submit(batch("s", 500, 5_000_000, kr("d", "shard-2", 10)));    // fits, but must not overtake c

        client.answer(0);
        assertThat(client.keys(1)).containsExactly("b");
        client.answer(1);
        assertThat(client.keys(2)).containsExactly("c", "d");
    }

    @Test
    void otherStreamsAreSkippedNotMergedAndBatchesWithoutLimitsStayAlone() {
        sender.submit(batch("s", 500, 5_000_000, kr("a", "shard-1", 10)));
        sender.submit(batch("s", 500, 5_000_000, kr("b", "shard-1", 10)));
        sender.submit(batch("t", 500, 5_000_000, kr("x", "shard-1", 10)));
        sender.submit(batch("s", 500, 5_000_000, kr("c", "shard-1", 10)));
        sender.submit(new PutBatch("t", List.of(kr("y", "shard-1", 10)), 11));
        sender.submit(new PutBatch("t", List.of(kr("z", "shard-1", 10)), 11));

        client.answer(0);
        assertThat(client.requests.get(1).streamName()).isEqualTo("s");
        assertThat(client.keys(1)).containsExactly("b", "c");
        client.answer(1);
        assertThat(client.keys(2)).containsExactly("x", "y", "z");
        client.answer(2);
        assertThat(client.requests).hasSize(3);

        sender.submit(new PutBatch("t", List.of(kr("p", "shard-1", 10)), 11));
        sender.submit(new PutBatch("t", List.of(kr("q", "shard-1", 10)), 11));
        sender.submit(batch("t", 500, 5_000_000, kr("r", "shard-1", 10)));
        client.answer(3);
        assertThat(client.keys(4)).as("a batch built without limits never grows").containsExactly("q");
    }

    private static KinesisRecord kr(String key, String shard, int dataBytes) {
        return new KinesisRecord("s", key, null, new byte[dataBytes], List.of(), shard, 0L);
    }

    private static PutBatch batch(String stream, int maxCount, long maxSize, KinesisRecord... records) {
        long size = 0;
        for (KinesisRecord kr : records) {
            size += kr.size();
        }
        return new PutBatch(stream, List.of(records), size, maxCount, maxSize);
    }
}
