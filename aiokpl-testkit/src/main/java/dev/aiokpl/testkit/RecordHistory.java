package dev.aiokpl.testkit;

import dev.aiokpl.UserRecord;
import java.util.ArrayList;
import java.util.List;

/** Every record a {@link MockProducer} accepted, in put order, until cleared. */
final class RecordHistory {

    private final List<UserRecord> records = new ArrayList<>();

    synchronized void add(UserRecord record) {
        records.add(record);
    }

    /** An immutable copy. */
    synchronized List<UserRecord> snapshot() {
        return List.copyOf(records);
    }

    synchronized void clear() {
        records.clear();
    }
}
