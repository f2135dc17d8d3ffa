package dev.aiokpl.testkit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aiokpl.testkit.FaultProxy.EntryEvent;
import dev.aiokpl.testkit.FaultProxy.EntryOutcome;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The PutRecords bodies a {@link FaultProxy} reads and rewrites (JSON protocol): the request with only
 * the forwarded entries, the answer with the injected rejections merged back in entry order, and the
 * error answers of request faults.
 */
final class PutRecordsJson {

    /**
     * A rewritten PutRecords answer and what it says of each entry.
     *
     * @param answer   the answer for the client
     * @param events   one event per entry of the request, in entry order
     * @param rejected how many entries carry an injected error
     */
    record Merged(ObjectNode answer, List<EntryEvent> events, int rejected) {
    }

    private final ObjectMapper json = new ObjectMapper();

    ObjectNode read(byte[] body) throws IOException {
        return (ObjectNode) json.readTree(body);
    }

    byte[] write(JsonNode node) throws IOException {
        return json.writeValueAsBytes(node);
    }

    /** The StreamName of a PutRecords body, read without building the records. */
    String streamNameOf(byte[] body) throws IOException {
        try (JsonParser p = json.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("StreamName".equals(field) && value == JsonToken.VALUE_STRING) {
                    return p.getText();
                }
                p.skipChildren();
            }
            return null;
        }
    }

    /** The entries an answer of the emulator says were stored (none unless its status is 200). */
    long acceptedIn(UpstreamRelay.Response r) throws IOException {
        if (r.status() != 200) {
            return 0;
        }
        long ok = 0;
        for (JsonNode e : json.readTree(r.body()).path("Records")) {
            if (!e.hasNonNull("ErrorCode")) {
                ok++;
            }
        }
        return ok;
    }

    /** The request {@code body} with only the entries not given an error code, or null when there is none. */
    ObjectNode forwardedPart(ObjectNode body, String[] codes) throws IOException {
        ArrayNode entries = (ArrayNode) body.path("Records");
        ArrayNode forwarded = json.createArrayNode();
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] == null) {
                forwarded.add(entries.get(i));
            }
        }
        if (forwarded.isEmpty()) {
            return null;
        }
        ObjectNode subset = body.deepCopy();
        subset.set("Records", forwarded);
        return subset;
    }

    /**
     * The answer for the client: the emulator's answer to the forwarded entries ({@code upstreamAnswer},
     * null when none was forwarded) with an injected error in the place of each rejected entry, and
     * {@code FailedRecordCount} counting both.
     */
    Merged merge(ObjectNode upstreamAnswer, FaultRules.EntryDecisions decisions, String stream, long request,
            long now) {
        String[] codes = decisions.codes();
        String[] shards = decisions.shards();
        int[] sizes = decisions.bytes();
        ObjectNode answer = upstreamAnswer == null ? json.createObjectNode() : upstreamAnswer.deepCopy();
        ArrayNode upstreamRecords = upstreamAnswer == null ? json.createArrayNode()
                : (ArrayNode) upstreamAnswer.path("Records");
        ArrayNode records = json.createArrayNode();
        List<EntryEvent> events = new ArrayList<>(codes.length);
        int failed = 0;
        int rejected = 0;
        int next = 0;
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] != null) {
                ObjectNode e = records.addObject();
                e.put("ErrorCode", codes[i]);
                e.put("ErrorMessage", errorMessage(codes[i], stream, shards[i]));
                failed++;
                rejected++;
                events.add(new EntryEvent(now, request, stream, shards[i], sizes[i], EntryOutcome.REJECTED, codes[i]));
                continue;
            }
            JsonNode u = upstreamRecords.get(next++);
            records.add(u);
            String upstreamCode = u == null ? "Missing" : u.path("ErrorCode").asText(null);
            String shard = shards[i] != null ? shards[i] : u == null ? null : u.path("ShardId").asText(null);
            if (upstreamCode != null) {
                failed++;
                events.add(new EntryEvent(now, request, stream, shard, sizes[i], EntryOutcome.FAILED_UPSTREAM,
                        upstreamCode));
            } else {
                events.add(new EntryEvent(now, request, stream, shard, sizes[i], EntryOutcome.ACCEPTED, null));
            }
        }
        answer.put("FailedRecordCount", failed);
        answer.set("Records", records);
        return new Merged(answer, events, rejected);
    }

    /** The emulator's 200 answer with its last record entry dropped: a count that does not match the request. */
    ObjectNode withoutLastRecord(byte[] upstreamBody) throws IOException {
        ObjectNode answer = (ObjectNode) json.readTree(upstreamBody);
        ArrayNode records = (ArrayNode) answer.path("Records");
        if (!records.isEmpty()) {
            records.remove(records.size() - 1);
        }
        return answer;
    }

    /** The error answer body of a request fault, as the service words it. */
    ObjectNode error(RequestFault fault, String stream) {
        ObjectNode error = json.createObjectNode();
        error.put("__type", fault.errorCode());
        error.put("message", errorMessage(fault.errorCode(), stream, null));
        return error;
    }

    private static String errorMessage(String code, String stream, String shardId) {
        if (FaultProxy.THROTTLED.equals(code)) {
            return shardId == null
                    ? "Rate exceeded for stream " + stream + " under account " + FaultProxy.ACCOUNT + "."
                    : "Rate exceeded for shard " + shardId + " in stream " + stream + " under account "
                            + FaultProxy.ACCOUNT + ".";
        }
        return "injected " + code + " by the fault proxy for stream " + stream;
    }
}
