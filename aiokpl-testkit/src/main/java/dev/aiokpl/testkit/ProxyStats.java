package dev.aiokpl.testkit;

import dev.aiokpl.testkit.FaultProxy.EntryEvent;
import dev.aiokpl.testkit.FaultProxy.EntryOutcome;
import dev.aiokpl.testkit.FaultProxy.Stats;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/** What a {@link FaultProxy} did: its counters and entry log, lock-free, read as a {@link Stats} snapshot. */
final class ProxyStats {

    final AtomicLong putRecordsRequests = new AtomicLong();
    final AtomicLong entriesReceived = new AtomicLong();
    final AtomicLong entriesForwarded = new AtomicLong();
    private final AtomicLong entriesAccepted = new AtomicLong();
    private final Map<String, AtomicLong> entriesRejected = new ConcurrentHashMap<>();
    private final Map<RequestFault, AtomicLong> requestFaults = new ConcurrentHashMap<>();
    final AtomicLong requestsWithRejects = new AtomicLong();
    final AtomicLong unknownOutcome = new AtomicLong();
    final AtomicLong heldRequests = new AtomicLong();
    final AtomicLong linkBytes = new AtomicLong();
    private final ConcurrentLinkedQueue<EntryEvent> entryLog = new ConcurrentLinkedQueue<>();

    void requestFault(RequestFault fault) {
        requestFaults.computeIfAbsent(fault, k -> new AtomicLong()).incrementAndGet();
    }

    /** Logs one entry's outcome and counts it as accepted or rejected. */
    void entry(EntryEvent event) {
        if (event.outcome() == EntryOutcome.REJECTED) {
            entriesRejected.computeIfAbsent(event.errorCode(), k -> new AtomicLong()).incrementAndGet();
        } else if (event.outcome() == EntryOutcome.ACCEPTED) {
            entriesAccepted.incrementAndGet();
        }
        entryLog.add(event);
    }

    Stats snapshot() {
        Map<String, Long> rejected = new LinkedHashMap<>();
        entriesRejected.forEach((k, v) -> rejected.put(k, v.get()));
        Map<RequestFault, Long> faults = new EnumMap<>(RequestFault.class);
        requestFaults.forEach((k, v) -> faults.put(k, v.get()));
        return new Stats(putRecordsRequests.get(), entriesReceived.get(), entriesForwarded.get(), entriesAccepted.get(),
                Map.copyOf(rejected), faults.isEmpty() ? Map.of() : Map.copyOf(faults), requestsWithRejects.get(),
                unknownOutcome.get(), heldRequests.get(), linkBytes.get());
    }

    List<EntryEvent> entryLog() {
        return new ArrayList<>(entryLog);
    }

    void reset() {
        putRecordsRequests.set(0);
        entriesReceived.set(0);
        entriesForwarded.set(0);
        entriesAccepted.set(0);
        entriesRejected.clear();
        requestFaults.clear();
        requestsWithRejects.set(0);
        unknownOutcome.set(0);
        heldRequests.set(0);
        linkBytes.set(0);
        entryLog.clear();
    }
}
