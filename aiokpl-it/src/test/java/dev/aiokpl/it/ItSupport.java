package dev.aiokpl.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.aiokpl.Attempt;
import dev.aiokpl.Config;
import dev.aiokpl.Producer;
import dev.aiokpl.RecordResult;
import dev.aiokpl.testkit.HashKeys;
import dev.aiokpl.testkit.KinesisEmulator;
import dev.aiokpl.testkit.ReadRecord;
import dev.aiokpl.testkit.StreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/** What the integration tests share: producer configuration, bounded waits and read-back checks. */
final class ItSupport {

    /** How many violations a failed check lists before it stops. */
    private static final int SHOWN = 20;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

    private ItSupport() {
    }

    /** One record given to the producer; its data is unique within a test, so it identifies the record. */
    record Sent(String partitionKey, String explicitHashKey, String data, CompletableFuture<RecordResult> future) {

        /** The hash key Kinesis routes the record by. */
        BigInteger hashKey() {
            return explicitHashKey != null ? new BigInteger(explicitHashKey) : HashKeys.of(partitionKey);
        }

        /** The result; call after {@link #awaitAll}. */
        RecordResult result() {
            return future.getNow(null);
        }
    }

    /**
     * A producer configuration pointed at the emulator (plain HTTP, fake credentials), patient
     * enough for kinesis-local: it handles a request at a time, at a few hundred KB/s on a busy
     * machine, so requests queue behind each other. A request that times out may still have been
     * stored, and its retry then duplicates records, which the read-back checks would rightly
     * report; so few requests in flight (short queues) and a long request timeout, with a record
     * TTL to match.
     */
    static Config.Builder config(KinesisEmulator emulator) {
        return Config.builder()
                .region(emulator.region())
                .endpointOverride(emulator.endpoint())
                .credentialsProvider(emulator.credentialsProvider())
                .maxConnections(4)
                .requestTimeout(Duration.ofSeconds(30))
                .recordTtl(Duration.ofMinutes(2));
    }

    /**
     * Waits until the producer has loaded the stream's shard map, and returns the probe records
     * it put to find out (they are in the stream: count them as sent).
     *
     * <p>Why: records put before the first map is READY wait for it at most 10 s, then go out
     * un-aggregated without a predicted shard; a cold producer on a busy machine can take that
     * long for its first ListShards. The delivery tests check aggregation and must not depend on
     * that race ({@link FirstBurstIT} covers the cold start on its own).
     *
     * <p>How: two records with the same partition key, put back to back, share an aggregate (and
     * so a sequence number) only when their shard was predicted, i.e. the map was READY.
     */
    static List<Sent> awaitShardMap(Producer producer, String stream, Duration timeout) {
        List<Sent> probes = new ArrayList<>();
        await("the shard map of " + stream).atMost(timeout)
                .pollInSameThread()
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    String key = "probe-" + UUID.randomUUID();
                    Sent first = put(producer, stream, key, null, "probe", probes.size());
                    Sent second = put(producer, stream, key, null, "probe", probes.size() + 1);
                    probes.add(first);
                    probes.add(second);
                    RecordResult a = first.future().get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    RecordResult b = second.future().get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    return a.successful() && b.successful() && a.sequenceNumber().equals(b.sequenceNumber());
                });
        return probes;
    }

    /** Puts one record with data {@code <prefix>-<index>}: unique within a test when prefixes are. */
    static Sent put(Producer producer, String stream, String partitionKey, String explicitHashKey, String prefix,
            int index) {
        String data = prefix + "-" + index;
        CompletableFuture<RecordResult> future = producer.putRecord(stream, partitionKey, explicitHashKey,
                data.getBytes(StandardCharsets.UTF_8));
        return new Sent(partitionKey, explicitHashKey, data, future);
    }

    /** Puts {@code count} records with random (UUID) partition keys. */
    static List<Sent> putRandom(Producer producer, String stream, String prefix, int count) {
        List<Sent> sent = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            sent.add(put(producer, stream, UUID.randomUUID().toString(), null, prefix, i));
        }
        return sent;
    }

    /** Waits, at most {@code timeout} in all, until every future is complete. */
    static void awaitAll(List<Sent> sent, Duration timeout) throws InterruptedException {
        CompletableFuture<?>[] futures = sent.stream().map(Sent::future).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(futures).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            long pending = sent.stream().filter(s -> !s.future().isDone()).count();
            fail(pending + " of " + sent.size() + " record futures still incomplete after " + timeout);
        } catch (ExecutionException e) {
            fail("a record future completed exceptionally (futures must complete with a RecordResult)", e.getCause());
        }
    }

    /** Waits for every future (bounded) and checks every record succeeded; lists the first failures. */
    static void awaitSuccess(List<Sent> sent, Duration timeout) throws InterruptedException {
        awaitAll(sent, timeout);
        List<String> failures = new ArrayList<>();
        long failed = 0;
        for (Sent s : sent) {
            RecordResult r = s.result();
            if (!r.successful()) {
                failed++;
                if (failures.size() < SHOWN) {
                    failures.add(s.data() + ": " + r + " " + r.attempts());
                }
            }
        }
        if (failed > 0) {
            fail(failed + " of " + sent.size() + " records failed; first ones:\n" + String.join("\n", failures));
        }
    }

    /**
     * Checks that {@code read} holds exactly the records sent (as a multiset of partition key and
     * data), each once, none raw (unparseable aggregate), each on the shard and with the sequence
     * number its {@link RecordResult} names. Every record sent must have succeeded.
     */
    /**
     * The happy path's verdict for {@code sent}, all confirmed in one attempt: each result names the
     * shard its hash key predicts, the stream holds exactly those records on all {@code shards}
     * shards, and at least 95 % of the {@code records} put arrived inside aggregates.
     */
    static void assertDeliveredAggregated(KinesisEmulator emulator, String stream, List<Sent> sent, int shards,
            int records) {
        assertPredictedShards(sent, emulator.listShards(stream));
        assertThat(sent).allSatisfy(s -> assertThat(s.result().attempts()).hasSize(1));
        List<ReadRecord> read;
        try (KinesisAsyncClient client = emulator.newClient()) {
            read = StreamReader.readAll(client, stream, Duration.ofMinutes(2));
        }
        assertReadBackExactly(sent, read);
        assertThat(read.stream().map(ReadRecord::shardId).distinct()).hasSize(shards);
        assertThat(read.stream().filter(ReadRecord::fromAggregate).count())
                .as("user records that arrived inside aggregates")
                .isGreaterThanOrEqualTo(records * 95L / 100);
    }

    static void assertReadBackExactly(List<Sent> sent, List<ReadRecord> read) {
        Map<String, Sent> byData = new HashMap<>(sent.size() * 2);
        for (Sent s : sent) {
            assertThat(byData.put(s.data(), s)).as("test data must be unique").isNull();
        }
        Set<String> seen = new HashSet<>(sent.size() * 2);
        Set<String> positions = new HashSet<>(read.size() * 2);
        Violations v = new Violations();
        for (ReadRecord r : read) {
            if (r.rawMagic()) {
                v.add("unparseable aggregate read raw: " + r);
                continue;
            }
            if (!positions.add(r.shardId() + "/" + r.sequenceNumber() + "/" + r.subSequenceNumber())) {
                v.add("two user records at the same position: " + r);
            }
            Sent s = byData.get(r.dataAsString());
            if (s == null) {
                v.add("read a record that was never sent: " + r + " data=" + r.dataAsString());
                continue;
            }
            if (!seen.add(s.data())) {
                v.add("duplicate: " + s.data() + " read again as " + r);
                continue;
            }
            if (!s.partitionKey().equals(r.partitionKey())) {
                v.add(s.data() + ": sent with partition key " + s.partitionKey() + ", read with " + r.partitionKey());
            }
            RecordResult result = s.result();
            if (!r.shardId().equals(result.shardId())) {
                v.add(s.data() + ": result names shard " + result.shardId() + " but it was read from " + r.shardId());
            }
            if (!r.sequenceNumber().equals(result.sequenceNumber())) {
                v.add(s.data() + ": result names sequence number " + result.sequenceNumber() + " but it was read with "
                        + r.sequenceNumber());
            }
        }
        long missing = 0;
        for (Sent s : sent) {
            if (!seen.contains(s.data())) {
                missing++;
                v.add("missing (sent, reported " + s.result() + "): " + s.data());
            }
        }
        v.assertNone("read back " + read.size() + " user records for " + sent.size() + " sent, " + missing
                + " missing");
    }

    /** Checks that every successful record's shard is the open shard (of {@code shards}) holding its hash key. */
    static void assertPredictedShards(List<Sent> sent, List<Shard> shards) {
        Violations v = new Violations();
        for (Sent s : sent) {
            String expected = HashKeys.openShardFor(shards, s.hashKey()).shardId();
            if (!expected.equals(s.result().shardId())) {
                v.add(s.data() + " (hash key " + s.hashKey() + "): result names shard " + s.result().shardId()
                        + ", the open shard holding its hash key is " + expected);
            }
        }
        v.assertNone("records put on a shard other than the one owning their hash key");
    }

    /** A one-line account of a run, for the test log: Kinesis records, attempts, slowest request. */
    static String summary(List<Sent> sent) {
        Set<String> kinesisRecords = new HashSet<>();
        int maxAttempts = 0;
        Duration slowest = Duration.ZERO;
        Duration longestWait = Duration.ZERO;
        for (Sent s : sent) {
            RecordResult r = s.result();
            if (r.successful()) {
                kinesisRecords.add(r.shardId() + "/" + r.sequenceNumber());
            }
            maxAttempts = Math.max(maxAttempts, r.attempts().size());
            for (Attempt a : r.attempts()) {
                slowest = a.duration().compareTo(slowest) > 0 ? a.duration() : slowest;
                longestWait = a.delay().compareTo(longestWait) > 0 ? a.delay() : longestWait;
            }
        }
        return sent.size() + " user records in " + kinesisRecords.size() + " Kinesis records; at most " + maxAttempts
                + " attempt(s) per record; slowest request " + slowest.toMillis() + " ms; longest wait before an attempt "
                + longestWait.toMillis() + " ms";
    }

    /** How many attempts of these records failed with {@code errorCode}. */
    static long attemptsWith(List<Sent> sent, String errorCode) {
        long n = 0;
        for (Sent s : sent) {
            for (Attempt a : s.result().attempts()) {
                if (errorCode.equals(a.errorCode())) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * Every user record in the stream, de-aggregated by KCL WITHOUT the shard-range check (what a
     * consumer would see if KCL did not drop out-of-range aggregates). Compared with
     * {@link dev.aiokpl.testkit.StreamReader#readAll}, it tells how many sub-records KCL discards.
     */
    static long countUnfiltered(KinesisAsyncClient client, KinesisEmulator emulator, String stream, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        AggregatorUtil aggregatorUtil = new AggregatorUtil();
        long count = 0;
        for (Shard shard : emulator.listShards(stream)) {
            String iterator = client.getShardIterator(r -> r.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).get(30, TimeUnit.SECONDS).shardIterator();
            while (iterator != null) {
                if (System.nanoTime() - deadline > 0) {
                    fail("reading " + stream + " did not finish within " + timeout);
                }
                String current = iterator;
                GetRecordsResponse response = client.getRecords(r -> r.shardIterator(current).limit(10_000))
                        .get(30, TimeUnit.SECONDS);
                for (Record record : response.records()) {
                    count += aggregatorUtil.deaggregate(List.of(KinesisClientRecord.fromRecord(record))).size();
                }
                Long behind = response.millisBehindLatest();
                if (response.records().isEmpty() && (behind == null || behind == 0L)) {
                    break;
                }
                iterator = response.nextShardIterator();
            }
        }
        return count;
    }

    /** Collects check failures and reports the first few together. */
    static final class Violations {
        private final List<String> shown = new ArrayList<>();
        private long count;

        void add(String violation) {
            count++;
            if (shown.size() < SHOWN) {
                shown.add(violation);
            }
        }

        void assertNone(String what) {
            if (count > 0) {
                fail(what + ": " + count + " violation(s); first ones:\n" + String.join("\n", shown));
            }
        }
    }
}
