package dev.aiokpl.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.Producer;
import dev.aiokpl.testkit.FaultProxy;
import dev.aiokpl.testkit.FaultProxy.EntryEvent;
import dev.aiokpl.testkit.FaultProxy.EntryOutcome;
import dev.aiokpl.testkit.HashKeys;
import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import dev.aiokpl.testkit.StreamReader;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The proxy enforces the service's per-shard limits (1000 records/s, 1 MiB/s); one hot shard is offered
 * three times its byte limit. Once settled, the producer's adaptive limiter keeps the shard near its
 * limit (≥ 90 % of 1 MiB/s) with few throttled requests (< 5 %); records it cannot send in time expire
 * (recordTtl), none is lost, and the cold shard is not slowed down.
 */
@IntegrationTest
class HotShardIT {

    static final Duration DURATION = Duration.ofSeconds(Long.getLong("aiokpl.faults.hotShardSeconds", 12));
    static final Duration SETTLE = Duration.ofSeconds(4);
    static final double SHARD_BYTES_PER_SECOND = 1024 * 1024;
    static final int DATA_SIZE = 10_000;
    static final double OFFERED = 3 * SHARD_BYTES_PER_SECOND / DATA_SIZE; // records/s
    static final double COLD_PER_SECOND = 20;

    @Test
    void aHotShardRunsNearItsLimitWithFewThrottles() {
        KinesisEmulator kinesalite = KinesisEmulator.kinesalite();
        String stream = kinesalite.uniqueStreamName("faults-hot-shard");
        kinesalite.createStream(stream, 2);
        List<Shard> shards = kinesalite.listShards(stream);
        Shard hot = shards.get(0);
        Shard cold = shards.get(1);
        List<String> hotKeys = keysIn(hot, 64);
        List<String> coldKeys = keysIn(cold, 8);
        Ledger ledger = new Ledger();
        Ledger coldLedger = new Ledger(1_000_000_000L);
        try (FaultProxy proxy = FaultProxy.start(kinesalite, 4);
             KinesisAsyncClient reader = kinesalite.newClient()) {
            proxy.enforceShardLimits(true);
            long start;
            try (Producer producer = Scenarios.producer(kinesalite, Scenarios.config(kinesalite, proxy.endpoint())
                    .recordTtl(Duration.ofSeconds(3)).build())) {
                start = System.nanoTime();
                double perTick = COLD_PER_SECOND / OFFERED;
                double[] coldDue = {0};
                Scenarios.pace(DURATION, OFFERED, i -> {
                    ledger.put(producer, stream, hotKeys.get((int) (i % hotKeys.size())), null, DATA_SIZE);
                    coldDue[0] += perTick;
                    if (coldDue[0] >= 1) {
                        coldDue[0] -= 1;
                        coldLedger.put(producer, stream, coldKeys.get((int) (i % coldKeys.size())), null, DATA_SIZE);
                    }
                });
                assertThat(ledger.awaitAll(Duration.ofSeconds(30))).as("futures not completed").isZero();
                assertThat(coldLedger.awaitAll(Duration.ofSeconds(5))).isZero();
            }
            List<EntryEvent> log = proxy.entryLog();
            Window w = window(log, hot.shardId(), start + SETTLE.toNanos(), start + DURATION.toNanos());
            Ledger.Verdict v = ledger.verify(StreamReader.readAll(reader, stream));
            Ledger.Verdict coldVerdict = coldLedger.verify(StreamReader.readAll(reader, stream));
            System.out.println("hot shard: " + v + "; window " + w + "; proxy " + proxy.stats());
            System.out.println("cold shard: " + coldVerdict);
            System.out.println("hot shard per second (accepted KiB / throttled entries): " + perSecond(log, hot.shardId(), start));

            assertThat(v.incomplete()).isZero();
            assertThat(v.failedByCode()).as("only Expired failures").containsOnlyKeys("Expired");
            assertThat(v.lost().size()).as("lost: %s", Ledger.Verdict.sample(v.lost())).isZero();
            assertThat(v.unexplainedCopies(Scenarios.UNKNOWN_OUTCOME_CODES)).isEmpty();
            assertThat(v.corrupted()).isZero();
            assertThat(coldVerdict.confirmed()).as("the cold shard is not held back").isEqualTo(coldVerdict.sent());
            assertThat(coldVerdict.lost()).isEmpty();
            Scenarios.report("hot shard, limits enforced", String.format(Locale.ROOT,
                    "1 of 2 shards offered 3 MiB/s; after %d s: %.0f %% of 1 MiB/s, %.1f %% of requests and %.1f %% "
                            + "of Kinesis records throttled", SETTLE.toSeconds(), 100 * w.bytesPerSecond / SHARD_BYTES_PER_SECOND,
                    100 * w.throttledRequestShare(), 100 * w.throttledEntryShare()), v, ledger.secondsToLastCompletion(),
                    "Expired = offered beyond the limit; cold shard " + coldVerdict.confirmed() + "/" + coldVerdict.sent()
                            + " confirmed");
            assertThat(w.bytesPerSecond / SHARD_BYTES_PER_SECOND).as("share of the shard's 1 MiB/s").isGreaterThanOrEqualTo(0.9);
            assertThat(w.throttledRequestShare()).as("share of requests throttled").isLessThan(0.05);
        }
    }

    /** What the hot shard got in the settled window. */
    record Window(double bytesPerSecond, long requests, long throttledRequests, long entries, long throttledEntries) {
        double throttledRequestShare() {
            return requests == 0 ? 0 : (double) throttledRequests / requests;
        }

        double throttledEntryShare() {
            return entries == 0 ? 0 : (double) throttledEntries / entries;
        }
    }

    private static Window window(List<EntryEvent> log, String shardId, long from, long to) {
        long bytes = 0;
        long entries = 0;
        long throttledEntries = 0;
        Map<Long, Boolean> requests = new TreeMap<>();
        for (EntryEvent e : log) {
            if (e.nanos() < from || e.nanos() >= to || !shardId.equals(e.shardId())) {
                continue;
            }
            entries++;
            boolean throttled = e.outcome() == EntryOutcome.REJECTED;
            requests.merge(e.request(), throttled, Boolean::logicalOr);
            if (throttled) {
                throttledEntries++;
            } else if (e.outcome() == EntryOutcome.ACCEPTED) {
                bytes += e.bytes();
            }
        }
        long throttledRequests = requests.values().stream().filter(b -> b).count();
        return new Window(bytes / ((to - from) / 1e9), requests.size(), throttledRequests, entries, throttledEntries);
    }

    private static String perSecond(List<EntryEvent> log, String shardId, long start) {
        Map<Long, long[]> seconds = new TreeMap<>();
        for (EntryEvent e : log) {
            if (!shardId.equals(e.shardId())) {
                continue;
            }
            long[] s = seconds.computeIfAbsent((e.nanos() - start) / 1_000_000_000L, k -> new long[2]);
            if (e.outcome() == EntryOutcome.ACCEPTED) {
                s[0] += e.bytes();
            } else if (e.outcome() == EntryOutcome.REJECTED) {
                s[1]++;
            }
        }
        List<String> out = new ArrayList<>();
        seconds.forEach((k, v) -> out.add(k + "s:" + v[0] / 1024 + "/" + v[1]));
        return String.join(" ", out);
    }

    private static List<String> keysIn(Shard shard, int n) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; keys.size() < n; i++) {
            String key = "key-" + i;
            BigInteger hash = HashKeys.of(key);
            if (HashKeys.inRange(shard, hash)) {
                keys.add(key);
            }
        }
        return keys;
    }
}
