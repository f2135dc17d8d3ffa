package dev.aiokpl.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.Config;
import dev.aiokpl.Producer;
import dev.aiokpl.testkit.FaultProxy;
import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import dev.aiokpl.testkit.RequestFault;
import dev.aiokpl.testkit.ReadRecord;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Issue 17's integration acceptance: with {@code orderedDelivery} on, every partition key's records are
 * read back in put order (shard by shard, a child after its parents, as KCL reads); off, the inversions
 * are only counted and printed, so the difference is on record. Each case runs in both modes and prints
 * one line, e.g. {@code OrderedDeliveryIT unordered/throttled: 50000 records, 37 inversions over 9 keys}.
 */
@IntegrationTest
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class OrderedDeliveryIT {

    static final int RECORDS = 50_000;
    static final int KEYS = 16;
    static final int SHARDS = 4;
    static final int DATA_SIZE = 200;
    static final double THROTTLED_SHARE = 0.10;
    static final double INTERNAL_FAILURE_SHARE = 0.01;
    /** Long enough that no request times out: a timed-out request has an unknown outcome and may duplicate. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    static final Duration COMPLETION_BOUND = Duration.ofSeconds(90);
    static final Duration READ_BOUND = Duration.ofMinutes(2);
    /** The split case on kinesis-local, which is slow: a paced load, the split after {@link #SPLIT_AFTER}. */
    static final Duration SPLIT_LOAD = Duration.ofSeconds(8);
    static final Duration SPLIT_AFTER = Duration.ofSeconds(3);
    static final int SPLIT_RECORDS_PER_SECOND = 1_000;

    /** The producer's setting under test. */
    enum Mode {
        ORDERED(true), UNORDERED(false);

        final boolean orderedDelivery;

        Mode(boolean orderedDelivery) {
            this.orderedDelivery = orderedDelivery;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void noFaults(Mode mode) {
        KinesisEmulator kinesalite = KinesisEmulator.kinesalite();
        String stream = newStream(kinesalite, "ordered-clean");
        Ledger ledger = new Ledger();
        putAll(kinesalite, kinesalite.endpoint(), mode, stream, ledger, i -> { });
        check(mode, "no-faults", kinesalite, stream, ledger, "");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void throttledAndFailingRequests(Mode mode) {
        KinesisEmulator kinesalite = KinesisEmulator.kinesalite();
        String stream = newStream(kinesalite, "ordered-throttled");
        Ledger ledger = new Ledger();
        FaultProxy.Stats stats;
        try (FaultProxy proxy = FaultProxy.start(kinesalite, 17)) {
            proxy.throttleRecords(THROTTLED_SHARE)
                    .injectRequests(RequestFault.INTERNAL_FAILURE, INTERNAL_FAILURE_SHARE);
            // Aggregated, the load fits in a few dozen requests (ordered: about 20 entries of up to 1 MiB), so
            // 1 % of requests or 10 % of entries may hit none: two more HTTP 500s, scripted, and from a third
            // of the way, every entry throttled until one was (at most 10 s), then 10 % again.
            Thread throttleBurst = new Thread(() -> {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (throttled(proxy) == 0 && System.nanoTime() < until) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
                proxy.throttleRecords(THROTTLED_SHARE);
            }, "ordered-it-throttle-burst");
            throttleBurst.setDaemon(true);
            putAll(kinesalite, proxy.endpoint(), mode, stream, ledger, i -> {
                if (i == RECORDS / 4 || i == RECORDS / 2) {
                    proxy.injectNext(RequestFault.INTERNAL_FAILURE, 1);
                }
                if (i == RECORDS / 3) {
                    proxy.throttleRecords(1.0);
                    throttleBurst.start();
                }
            });
            try {
                throttleBurst.join(TimeUnit.SECONDS.toMillis(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stats = proxy.stats();
        }
        assertThat(stats.entriesRejected().get(FaultProxy.THROTTLED)).as("throttled entries").isPositive();
        assertThat(stats.requestFaults().get(RequestFault.INTERNAL_FAILURE)).as("HTTP 500 answers").isPositive();
        check(mode, "throttled", kinesalite, stream, ledger, "; proxy: " + stats.rejectedTotal() + " of "
                + stats.entriesReceived() + " entries throttled, " + stats.requestFaultsTotal() + " of "
                + stats.putRecordsRequests() + " requests HTTP 500");
    }

    private static long throttled(FaultProxy proxy) {
        Long n = proxy.stats().entriesRejected().get(FaultProxy.THROTTLED);
        return n == null ? 0 : n;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void shardSplitUnderLoad(Mode mode) throws Exception {
        KinesisEmulator local = KinesisEmulator.kinesisLocal();
        String stream = local.uniqueStreamName("ordered-split");
        local.createStream(stream, 2);
        Shard parent = local.listShards(stream).get(0);
        BigInteger start = new BigInteger(parent.hashKeyRange().startingHashKey());
        BigInteger end = new BigInteger(parent.hashKeyRange().endingHashKey());
        String middle = start.add(end).shiftRight(1).toString();
        Ledger ledger = new Ledger();
        List<String> children;
        try (Producer producer = producer(local, local.endpoint(), mode)) {
            long t0 = System.nanoTime();
            CompletableFuture<List<String>> split = CompletableFuture.supplyAsync(() -> {
                LockSupport.parkNanos(t0 + SPLIT_AFTER.toNanos() - System.nanoTime());
                return local.splitShard(stream, parent.shardId(), middle);
            });
            Scenarios.pace(SPLIT_LOAD, SPLIT_RECORDS_PER_SECOND, i -> ledger.put(producer, stream, KEYS, DATA_SIZE));
            children = split.get(60, TimeUnit.SECONDS);
            assertThat(ledger.awaitAll(COMPLETION_BOUND)).as("futures not completed").isZero();
        }
        Map<String, Long> confirmedByShard = new TreeMap<>();
        for (Ledger.Sent s : ledger.sent()) {
            if (s.result() != null && s.result().successful()) {
                confirmedByShard.merge(s.result().shardId(), 1L, Long::sum);
            }
        }
        assertThat(confirmedByShard).as("records landed on the parent").containsKey(parent.shardId());
        assertThat(children).as("children that got records: %s", confirmedByShard)
                .anyMatch(confirmedByShard::containsKey);
        check(mode, "split", local, stream, ledger, "; split " + parent.shardId() + " into " + children
                + " after " + SPLIT_AFTER.toSeconds() + " s; confirmed by shard " + confirmedByShard);
    }

    /** A new stream of {@link #SHARDS} shards. */
    private static String newStream(KinesisEmulator emulator, String prefix) {
        String stream = emulator.uniqueStreamName(prefix);
        emulator.createStream(stream, SHARDS);
        return stream;
    }

    /**
     * Puts {@link #RECORDS} records from this one thread, calling {@code beforePut} with each index, then
     * waits (bounded) for every result and closes.
     */
    private static void putAll(KinesisEmulator emulator, URI endpoint, Mode mode, String stream, Ledger ledger,
            LongConsumer beforePut) {
        try (Producer producer = producer(emulator, endpoint, mode)) {
            for (int i = 0; i < RECORDS; i++) {
                beforePut.accept(i);
                ledger.put(producer, stream, KEYS, DATA_SIZE);
            }
            assertThat(ledger.awaitAll(COMPLETION_BOUND)).as("futures not completed").isZero();
        }
    }

    private static Producer producer(KinesisEmulator emulator, URI endpoint, Mode mode) {
        Config config = Scenarios.config(emulator, endpoint)
                .orderedDelivery(mode.orderedDelivery)
                .requestTimeout(REQUEST_TIMEOUT)
                .build();
        return Scenarios.producer(emulator, config);
    }

    /**
     * Reads the stream back, prints the case's line, then checks that nothing is missing and, in ordered
     * mode, that no key is out of order.
     */
    private static void check(Mode mode, String scenario, KinesisEmulator emulator, String stream, Ledger ledger,
            String notes) {
        List<ReadRecord> read;
        try (KinesisAsyncClient reader = emulator.newClient()) {
            read = KeyOrder.readInLineageOrder(reader, stream, emulator.listShards(stream), READ_BOUND);
        }
        Ledger.Verdict v = ledger.verify(read);
        KeyOrder.Inversions inv = KeyOrder.inversions(read, v);
        System.out.println(String.format(Locale.ROOT,
                "OrderedDeliveryIT %s/%s: %d records, %d inversions over %d keys (%d descents; %d confirmed "
                        + "and checked, failed %s, %d lost, %d retried, %.1f s)%s%s",
                mode.label(), scenario, v.sent(), inv.count(), inv.keys(), inv.descents(), inv.checked(),
                v.failedByCode(), v.lost().size(), v.retried(), ledger.secondsToLastCompletion(),
                inv.examples().isEmpty() ? "" : "; e.g. " + inv.examples(), notes));

        assertThat(v.incomplete()).as("futures not completed normally").isZero();
        assertThat(v.failedByCode()).as("records that finally failed").isEmpty();
        assertThat(v.lost().size()).as("confirmed but not read back: %s", Ledger.Verdict.sample(v.lost())).isZero();
        assertThat(v.corrupted()).as("unparseable or altered").isZero();
        assertThat(v.wrongSequence().size()).as("read elsewhere than reported: %s",
                Ledger.Verdict.sample(v.wrongSequence())).isZero();
        assertThat(v.unexplainedCopies(Scenarios.UNKNOWN_OUTCOME_CODES)).as("copies without an unknown outcome")
                .isEmpty();
        assertThat(inv.checked()).as("confirmed records checked for order").isEqualTo(v.confirmed());
        if (mode == Mode.ORDERED) {
            assertThat(inv.count()).as("per-key inversions in ordered mode over %d keys, e.g. %s", inv.keys(),
                    inv.examples()).isZero();
        }
    }
}
