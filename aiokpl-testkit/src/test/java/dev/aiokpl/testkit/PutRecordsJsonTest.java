package dev.aiokpl.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aiokpl.testkit.FaultProxy.EntryEvent;
import dev.aiokpl.testkit.FaultProxy.EntryOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PutRecordsJsonTest {

    private final PutRecordsJson json = new PutRecordsJson();

    private ObjectNode node(String s) throws IOException {
        return json.read(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void forwardsOnlyTheEntriesWithoutAnInjectedCode() throws IOException {
        ObjectNode body = node("{\"StreamName\":\"s\",\"Records\":[{\"PartitionKey\":\"a\"},{\"PartitionKey\":\"b\"},"
                + "{\"PartitionKey\":\"c\"}]}");

        ObjectNode part = json.forwardedPart(body, new String[] {null, "X", null});

        assertThat(part.toString())
                .isEqualTo("{\"StreamName\":\"s\",\"Records\":[{\"PartitionKey\":\"a\"},{\"PartitionKey\":\"c\"}]}");
        assertThat(body.path("Records").size()).isEqualTo(3);
        assertThat(json.forwardedPart(body, new String[] {"X", "X", "X"})).isNull();
    }

    @Test
    void mergesInjectedRejectionsBackInEntryOrder() throws IOException {
        ObjectNode upstream = node("{\"FailedRecordCount\":1,\"EncryptionType\":\"NONE\",\"Records\":["
                + "{\"SequenceNumber\":\"1\",\"ShardId\":\"shardId-000000000001\"},"
                + "{\"ErrorCode\":\"InternalFailure\",\"ErrorMessage\":\"m\"}]}");
        FaultRules.EntryDecisions decisions = new FaultRules.EntryDecisions(
                new String[] {FaultProxy.THROTTLED, null, null}, new String[] {"shardId-000000000000", null, null},
                new int[] {10, 20, 30});

        PutRecordsJson.Merged merged = json.merge(upstream, decisions, "s", 7, 99);

        ObjectNode answer = merged.answer();
        assertThat(answer.path("FailedRecordCount").asInt()).isEqualTo(2);
        assertThat(answer.path("EncryptionType").asText()).isEqualTo("NONE");
        assertThat(answer.path("Records").get(0).path("ErrorMessage").asText()).isEqualTo(
                "Rate exceeded for shard shardId-000000000000 in stream s under account 000000000000.");
        assertThat(answer.path("Records").get(1).path("SequenceNumber").asText()).isEqualTo("1");
        assertThat(answer.path("Records").get(2).path("ErrorCode").asText()).isEqualTo("InternalFailure");
        assertThat(merged.rejected()).isEqualTo(1);
        assertThat(merged.events()).containsExactly(
                new EntryEvent(99, 7, "s", "shardId-000000000000", 10, EntryOutcome.REJECTED, FaultProxy.THROTTLED),
                new EntryEvent(99, 7, "s", "shardId-000000000001", 20, EntryOutcome.ACCEPTED, null),
                new EntryEvent(99, 7, "s", null, 30, EntryOutcome.FAILED_UPSTREAM, "InternalFailure"));
    }

    @Test
    void anAnswerWithNothingForwardedHoldsOnlyTheRejections() {
        FaultRules.EntryDecisions decisions = new FaultRules.EntryDecisions(new String[] {"InternalFailure"},
                new String[1], new int[] {1});

        ObjectNode answer = json.merge(null, decisions, "s", 1, 0).answer();

        assertThat(answer.toString()).isEqualTo("{\"FailedRecordCount\":1,\"Records\":[{\"ErrorCode\":"
                + "\"InternalFailure\",\"ErrorMessage\":\"injected InternalFailure by the fault proxy for stream s\"}]}");
    }

    @Test
    void readsTheStreamNameWithoutTheRecords() throws IOException {
        byte[] body = "{\"Records\":[{\"StreamName\":\"no\"}],\"StreamName\":\"yes\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(json.streamNameOf(body)).isEqualTo("yes");
        assertThat(json.streamNameOf("[]".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void countsWhatTheEmulatorStored() throws IOException {
        byte[] body = "{\"Records\":[{\"SequenceNumber\":\"1\"},{\"ErrorCode\":\"X\"},{\"SequenceNumber\":\"2\"}]}"
                .getBytes(StandardCharsets.UTF_8);

        assertThat(json.acceptedIn(new UpstreamRelay.Response(200, java.util.Map.of(), body))).isEqualTo(2);
        assertThat(json.acceptedIn(new UpstreamRelay.Response(500, java.util.Map.of(), body))).isZero();
        assertThat(json.withoutLastRecord(body).path("Records").size()).isEqualTo(2);
    }
}
