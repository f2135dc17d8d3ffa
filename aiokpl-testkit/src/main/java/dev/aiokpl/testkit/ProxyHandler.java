package dev.aiokpl.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Answers one request of a {@link FaultProxy} client: other calls are relayed as they are; a PutRecords
 * waits out a hold, then gets the request fault {@link FaultRules} picks, or the per-record path
 * (decided entries rejected, the rest forwarded, the answers merged).
 */
final class ProxyHandler {

    private final UpstreamRelay relay;
    private final FaultRules rules;
    private final HoldGate gate;
    private final ProxyStats stats;
    private final PutRecordsJson json;

    ProxyHandler(UpstreamRelay relay, FaultRules rules, HoldGate gate, ProxyStats stats, PutRecordsJson json) {
        this.relay = relay;
        this.rules = rules;
        this.gate = gate;
        this.stats = stats;
        this.json = json;
    }

    /** Handles one request; returns false when the connection must end. */
    boolean handle(Socket socket, ClientRequest request, OutputStream out) throws IOException {
        if (!FaultProxy.PUT_RECORDS_TARGET.equals(request.header("x-amz-target"))) {
            UpstreamRelay.Response r = relay.forward(request, request.body());
            ClientAnswer.write(out, r.status(), r.headers(), r.body());
            return true;
        }
        long requestNumber = stats.putRecordsRequests.incrementAndGet();
        // Held before parsing: a held request costs this JVM its body's bytes only (see heldBytes()).
        if (!gate.awaitRelease(request.body())) {
            ClientConnections.reset(socket);
            return false;
        }
        ObjectNode body = json.read(request.body());
        String stream = body.path("StreamName").asText(null);
        ArrayNode entries = (ArrayNode) body.path("Records");
        stats.entriesReceived.addAndGet(entries.size());
        RequestFault fault = rules.nextRequestFault();
        if (fault != null) {
            stats.requestFault(fault);
            return injectRequestFault(socket, request, out, fault, stream, entries.size());
        }
        return perRecord(request, out, body, stream, entries, requestNumber);
    }

    private boolean injectRequestFault(Socket socket, ClientRequest request, OutputStream out, RequestFault fault,
            String stream, int entryCount) throws IOException {
        switch (fault) {
            case RESET_BEFORE_FORWARD -> {
                ClientConnections.reset(socket);
                return false;
            }
            case RESET_AFTER_FORWARD -> {
                forwardWhole(request, entryCount);
                ClientConnections.reset(socket);
                return false;
            }
            case DELAY_RESPONSE -> {
                UpstreamRelay.Response r = forwardWhole(request, entryCount);
                sleep(rules.responseDelay());
                ClientAnswer.write(out, r.status(), r.headers(), r.body());
                return true;
            }
            case WRONG_RECORD_COUNT -> {
                UpstreamRelay.Response r = forwardWhole(request, entryCount);
                if (r.status() != 200) {
                    ClientAnswer.write(out, r.status(), r.headers(), r.body());
                    return true;
                }
                ClientAnswer.writeJson(out, 200, json.write(json.withoutLastRecord(r.body())));
                return true;
            }
            default -> {
                ClientAnswer.writeJson(out, fault.status(), json.write(json.error(fault, stream)));
                return true;
            }
        }
    }

    /**
     * Forwards the whole request for a fault that spoils its answer: what the emulator stored is then
     * of unknown outcome to the client (nothing, from an error answer).
     */
    private UpstreamRelay.Response forwardWhole(ClientRequest request, int entryCount) throws IOException {
        UpstreamRelay.Response r = relay.forward(request, request.body());
        stats.entriesForwarded.addAndGet(entryCount);
        stats.unknownOutcome.addAndGet(json.acceptedIn(r));
        return r;
    }

    private boolean perRecord(ClientRequest request, OutputStream out, ObjectNode body, String stream,
            ArrayNode entries, long requestNumber) throws IOException {
        long now = System.nanoTime();
        FaultRules.EntryDecisions decisions = rules.decide(stream, entries, now);
        ObjectNode upstreamAnswer = null;
        ObjectNode forwarded = json.forwardedPart(body, decisions.codes());
        if (forwarded != null) {
            UpstreamRelay.Response r = relay.forward(request, json.write(forwarded));
            stats.entriesForwarded.addAndGet(forwarded.path("Records").size());
            if (r.status() != 200) {
                ClientAnswer.write(out, r.status(), r.headers(), r.body()); // e.g. ResourceNotFoundException: pass it on
                return true;
            }
            upstreamAnswer = json.read(r.body());
        }
        PutRecordsJson.Merged merged = json.merge(upstreamAnswer, decisions, stream, requestNumber, now);
        merged.events().forEach(stats::entry);
        if (merged.rejected() > 0) {
            stats.requestsWithRejects.incrementAndGet();
        }
        Duration added = rules.latency();
        if (!added.isZero()) {
            sleep(added);
        }
        ClientAnswer.writeJson(out, 200, json.write(merged.answer()));
        return true;
    }

    private static void sleep(Duration d) {
        try {
            TimeUnit.NANOSECONDS.sleep(d.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
