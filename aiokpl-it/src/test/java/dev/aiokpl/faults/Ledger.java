package dev.aiokpl.faults;

import dev.aiokpl.Attempt;
import dev.aiokpl.Producer;
import dev.aiokpl.RecordResult;
import dev.aiokpl.testkit.ReadRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a fault scenario sent and what became of it: every accepted record with its future, data that
 * can be regenerated from the record's id (so the ledger holds no payloads), and the check of the
 * stream's content against the producer's results.
 *
 * <p>Thread-safe for {@link #put}; the rest is called by the test thread once sending is over.
 */
final class Ledger {

    /** One accepted record. */
    static final class Sent {
        final long id;
        final String partitionKey;
        final int dataSize;
        final long putNanos;
        final CompletableFuture<RecordResult> future;
        volatile long completedNanos;

        Sent(long id, String partitionKey, int dataSize, long putNanos, CompletableFuture<RecordResult> future) {
            this.id = id;
            this.partitionKey = partitionKey;
            this.dataSize = dataSize;
            this.putNanos = putNanos;
            this.future = future;
            future.whenComplete((r, e) -> completedNanos = System.nanoTime());
        }

        /** The result, or null if the future is not (normally) complete. */
        RecordResult result() {
            return future.isDone() && !future.isCompletedExceptionally() ? future.getNow(null) : null;
        }

        /** From putRecord to the future's completion. */
        Duration latency() {
            long done = completedNanos;
            return done == 0 ? null : Duration.ofNanos(done - putNanos);
        }
    }

    private final AtomicLong ids;
    private final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
    private final long startNanos = System.nanoTime();

    /** A ledger whose record ids start at 0. */
    Ledger() {
        this(0);
    }

    /** A ledger whose record ids start at {@code firstId} (two ledgers writing one stream need distinct ids). */
    Ledger(long firstId) {
        this.ids = new AtomicLong(firstId);
    }

    /** The data of record {@code id}: {@code "id=<id>;"} then filler derived from the id, {@code size} bytes at least the prefix. */
    static byte[] data(long id, int size) {
        byte[] prefix = ("id=" + id + ";").getBytes(StandardCharsets.US_ASCII);
        byte[] data = Arrays.copyOf(prefix, Math.max(size, prefix.length));
        for (int i = prefix.length; i < data.length; i++) {
            data[i] = (byte) ('a' + (id * 7 + i) % 26);
        }
        return data;
    }

    /** The id encoded in a record's data, or -1 if it is not one of ours. */
    static long idOf(byte[] data) {
        if (data.length < 5 || data[0] != 'i' || data[1] != 'd' || data[2] != '=') {
            return -1;
        }
        long id = 0;
        for (int i = 3; i < data.length && i < 24; i++) {
            if (data[i] == ';') {
                return id;
            }
            if (data[i] < '0' || data[i] > '9') {
                return -1;
            }
            id = id * 10 + (data[i] - '0');
        }
        return -1;
    }

    /** Puts the next record; exceptions of putRecord (nothing accepted) propagate and nothing is recorded. */
    Sent put(Producer producer, String stream, String partitionKey, String explicitHashKey, int size) {
        long id = ids.getAndIncrement();
        long now = System.nanoTime();
        CompletableFuture<RecordResult> f = producer.putRecord(stream, partitionKey, explicitHashKey, data(id, size));
        Sent s = new Sent(id, partitionKey, size, now, f);
        sent.add(s);
        return s;
    }

    /** Puts with partition key {@code "pk-" + (id % keys)}. */
    Sent put(Producer producer, String stream, int keys, int size) {
        return put(producer, stream, "pk-" + (ids.get() % keys), null, size);
    }

    /** Records sent so far. */
    List<Sent> sent() {
        synchronized (sent) {
            return new ArrayList<>(sent);
        }
    }

    int size() {
        return sent.size();
    }

    /** Seconds since the ledger was created. */
    double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Seconds from the ledger's creation to the last completion so far. */
    double secondsToLastCompletion() {
        long last = startNanos;
        for (Sent s : sent()) {
            last = Math.max(last, s.completedNanos);
        }
        return (last - startNanos) / 1e9;
    }

    /** Waits up to {@code bound} in total for every future; returns how many are still incomplete. */
    long awaitAll(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        long incomplete = 0;
        for (Sent s : sent()) {
            try {
                s.future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                incomplete++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            } catch (ExecutionException e) {
                incomplete++; // a future must never complete exceptionally: count it as not completed normally
            }
        }
        return incomplete;
    }

    /**
     * Checks the stream's content against the results.
     *
     * @param read every record read back from the stream (de-aggregated with each shard's range)
     */
    Verdict verify(List<ReadRecord> read) {
        List<Sent> all = sent();
        Map<Long, Sent> byId = new HashMap<>(all.size() * 2);
        for (Sent s : all) {
            byId.put(s.id, s);
        }
        Map<Long, List<ReadRecord>> copies = new HashMap<>();
        long corrupted = 0;
        long foreign = 0;
        for (ReadRecord r : read) {
            if (r.rawMagic()) {
                corrupted++;
                continue;
            }
            byte[] data = r.data();
            long id = idOf(data);
            Sent s = byId.get(id);
            if (s == null) {
                foreign++;
                continue;
            }
            if (!Arrays.equals(data, data(id, s.dataSize))
                    || !s.partitionKey.equals(r.partitionKey())) {
                corrupted++;
                continue;
            }
            copies.computeIfAbsent(id, k -> new ArrayList<>(1)).add(r);
        }
        long confirmed = 0;
        long incomplete = 0;
        long retried = 0;
        int maxAttempts = 0;
        long extraCopies = 0;
        Map<String, Long> failedByCode = new TreeMap<>();
        Map<String, Long> retriedByCode = new TreeMap<>();
        List<Long> lost = new ArrayList<>();
        List<Long> duplicated = new ArrayList<>();
        List<Long> failedButStored = new ArrayList<>();
        List<Long> wrongSequence = new ArrayList<>();
        for (Sent s : all) {
            RecordResult result = s.result();
            List<ReadRecord> found = copies.getOrDefault(s.id, List.of());
            if (found.size() > 1) {
                duplicated.add(s.id);
                extraCopies += found.size() - 1;
            }
            if (result == null) {
                incomplete++;
                continue;
            }
            List<Attempt> attempts = result.attempts();
            maxAttempts = Math.max(maxAttempts, attempts.size());
            if (attempts.size() > 1) {
                retried++;
                for (int i = 0; i < attempts.size() - 1; i++) {
                    retriedByCode.merge(String.valueOf(attempts.get(i).errorCode()), 1L, Long::sum);
                }
            }
            if (result.successful()) {
                confirmed++;
                if (found.isEmpty()) {
                    lost.add(s.id);
                } else if (found.stream().noneMatch(r -> r.sequenceNumber().equals(result.sequenceNumber())
                        && r.shardId().equals(result.shardId()))) {
                    wrongSequence.add(s.id);
                }
            } else {
                failedByCode.merge(attempts.get(attempts.size() - 1).errorCode(), 1L, Long::sum);
                if (!found.isEmpty()) {
                    failedButStored.add(s.id);
                }
            }
        }
        return new Verdict(all.size(), confirmed, failedByCode, incomplete, lost, duplicated, extraCopies,
                failedButStored, wrongSequence, corrupted, foreign, retried, retriedByCode, maxAttempts, byId);
    }

    /**
     * The check's outcome.
     *
     * @param sent            records accepted by putRecord
     * @param confirmed       results successful
     * @param failedByCode    failed results by their last error code
     * @param incomplete      futures not completed normally
     * @param lost            confirmed records not found in the stream
     * @param duplicated      records found more than once
     * @param extraCopies     copies beyond the first, over all records
     * @param failedButStored failed records that are in the stream anyway
     * @param wrongSequence   confirmed records found, but never at the shard and sequence number reported
     * @param corrupted       records read back whose data or key is not what was sent (or unparseable aggregates)
     * @param foreign         records read back that this ledger never sent
     * @param retried         results with more than one attempt
     * @param retriedByCode   failed attempts before the last one, by error code
     * @param maxAttempts     the most attempts of a record
     */
    record Verdict(long sent, long confirmed, Map<String, Long> failedByCode, long incomplete, List<Long> lost,
            List<Long> duplicated, long extraCopies, List<Long> failedButStored, List<Long> wrongSequence,
            long corrupted, long foreign, long retried, Map<String, Long> retriedByCode, int maxAttempts,
            Map<Long, Sent> byId) {

        long failed() {
            return failedByCode.values().stream().mapToLong(Long::longValue).sum();
        }

        /**
         * Records in the stream more than once (or stored although failed) without any attempt whose
         * outcome the producer could not know (one of {@code unknownOutcomeCodes}): such a copy would be
         * the producer's fault.
         */
        List<Long> unexplainedCopies(Set<String> unknownOutcomeCodes) {
            List<Long> out = new ArrayList<>();
            List<Long> suspects = new ArrayList<>(duplicated);
            suspects.addAll(failedButStored);
            for (long id : suspects) {
                RecordResult r = result(id);
                if (r == null || r.attempts().stream().noneMatch(a -> unknownOutcomeCodes.contains(a.errorCode()))) {
                    out.add(id);
                }
            }
            return out;
        }

        /** The first few ids of a list, for assertion messages. */
        static String sample(List<Long> ids) {
            return ids.size() + " " + ids.subList(0, Math.min(10, ids.size()));
        }

        /** The result of record {@code id}. */
        RecordResult result(long id) {
            return byId.get(id).result();
        }

        @Override
        public String toString() {
            return "sent=" + sent + ", confirmed=" + confirmed + ", failed=" + failedByCode + ", incomplete="
                    + incomplete + ", lost=" + lost.size() + ", duplicated=" + duplicated.size() + " (+" + extraCopies
                    + " copies), failedButStored=" + failedButStored.size() + ", wrongSequence=" + wrongSequence.size()
                    + ", corrupted=" + corrupted + ", foreign=" + foreign + ", retried=" + retried + " " + retriedByCode
                    + ", maxAttempts=" + maxAttempts;
        }
    }
}
