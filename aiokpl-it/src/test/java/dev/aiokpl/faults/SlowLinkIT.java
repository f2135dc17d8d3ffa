package dev.aiokpl.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.Config;
import dev.aiokpl.Producer;
import dev.aiokpl.testkit.FaultProxy;
import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import dev.aiokpl.testkit.StreamReader;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * A congested link between a producer with default settings and kinesalite: the {@link FaultProxy}'s
 * {@link FaultProxy#bandwidthLimit bandwidth cap}, shared by all connections (SPEC §3 "Slow endpoints",
 * issue 13). All records are put at once, as fast as putRecord takes them; sizes come from a seeded
 * {@link Random}, so every run sends the same records.
 *
 * <p>Each run prints its figures on one line starting {@code slow link:}. The link time is what the link
 * needs for the payload: the records' data as base64 (as it travels in JSON) at the cap; aggregation
 * framing, JSON and HTTP headers come on top and show in the bytes over the link.
 */
@IntegrationTest
class SlowLinkIT {

    static final long MB = 1_000_000;
    static final int SHARDS = 4;
    static final int KEYS = 256;
    static final int MIN_SIZE = 100;
    static final int MAX_SIZE = 300;
    static final long SEED = 13;
    /** Acceptance: copies beyond the first, as a share of the records sent. */
    static final double MAX_DUPLICATE_SHARE = 0.01;
    /** Acceptance: the whole run within this multiple of the link time. */
    static final double MAX_LINK_TIME_MULTIPLE = 2.0;
    /**
     * Case 2's tolerance over {@code max(uncapped time, link time)}. A sender that probes the link's
     * capacity (additive increase, multiplicative decrease) keeps it about 3/4 busy on average, as TCP
     * Reno's sawtooth between W/2 and W does: 1/0.75 ≈ 1.33; with the framing that crosses on top of
     * the payload (aggregation, JSON, headers: 5 % measured), 1.4 ...
     */
    static final double CAP_TOLERANCE = 1.4;
    /** ... plus the start (shard map, first requests) and a shared machine's scheduling jitter. */
    static final Duration CAP_SLACK = Duration.ofSeconds(1);

    /** The case: 40 000 records of 100–300 B through 1 MB/s, about 11 s of link time. */
    @Test
    void aOneMegabytePerSecondLinkCarriesEveryRecordWithDefaultSettings() {
        KinesisEmulator kinesalite = KinesisEmulator.kinesalite();
        Run run = run(kinesalite, "1 MB/s", MB, 40_000);
        run.assertAccepted();
        assertThat(run.seconds).as(run.line).isLessThanOrEqualTo(MAX_LINK_TIME_MULTIPLE * run.linkSeconds());
        run.report("1 MB/s link toward the endpoint, all connections together; default settings");
    }

    /** A 5 MB/s cap costs the time the link needs, no more: compared with the same records uncapped. */
    @Test
    void aFiveMegabytePerSecondCapSlowsNothingBeyondTheLink() {
        KinesisEmulator kinesalite = KinesisEmulator.kinesalite();
        warmUp(kinesalite);
        Run uncapped = run(kinesalite, "uncapped", 0, 100_000);
        uncapped.assertAccepted();
        Run capped = run(kinesalite, "5 MB/s", 5 * MB, 100_000);
        capped.assertAccepted();

        double reference = Math.max(uncapped.seconds, capped.linkSeconds());
        double allowed = reference * CAP_TOLERANCE + CAP_SLACK.toMillis() / 1e3;
        System.out.printf(Locale.ROOT, "slow link: 5 MB/s vs uncapped, 100000 records: %.1f s vs max(%.1f s "
                + "uncapped, %.1f s link) = %.1f s (%.2fx; allowed %.1f s)%n", capped.seconds, uncapped.seconds,
                capped.linkSeconds(), reference, capped.seconds / reference, allowed);
        assertThat(capped.seconds).as("capped time; uncapped %.1f s; %s", uncapped.seconds, capped.line)
                .isLessThanOrEqualTo(allowed);
        capped.report(String.format(Locale.ROOT, "5 MB/s link; default settings; uncapped %.1f s",
                uncapped.seconds));
    }

    /**
     * Puts 20 000 records through an uncapped proxy, unmeasured, so that neither timed run pays for this
     * JVM's warm-up (the JIT, the SDK's first calls): without it, the uncapped run, first in a cold JVM,
     * took 10.6 s here, longer than the 5 MB/s run after it (7.8 s).
     */
    private static void warmUp(KinesisEmulator kinesalite) {
        String stream = kinesalite.uniqueStreamName("faults-slow-link-warm-up");
        kinesalite.createStream(stream, SHARDS);
        try (FaultProxy proxy = FaultProxy.start(kinesalite, SEED);
             Producer producer = Scenarios.producer(kinesalite, Scenarios.config(kinesalite, proxy.endpoint()).build())) {
            Ledger ledger = new Ledger();
            for (int i = 0; i < 20_000; i++) {
                ledger.put(producer, stream, KEYS, MAX_SIZE);
            }
            assertThat(ledger.awaitAll(Duration.ofSeconds(60))).as("warm-up records not completed").isZero();
        }
    }

    /**
     * Puts {@code records} records into a new {@value #SHARDS}-shard stream through a proxy capped at
     * {@code bytesPerSecond} (0: uncapped), waits for every result (bounded: 3× the link time plus
     * {@code recordTtl}), reads the stream back and prints the figures.
     */
    private static Run run(KinesisEmulator kinesalite, String name, long bytesPerSecond, int records) {
        String stream = kinesalite.uniqueStreamName("faults-slow-link");
        kinesalite.createStream(stream, SHARDS);
        Random random = new Random(SEED);
        int[] sizes = new int[records];
        long payloadBytes = 0;
        for (int i = 0; i < records; i++) {
            sizes[i] = MIN_SIZE + random.nextInt(MAX_SIZE - MIN_SIZE + 1);
            payloadBytes += 4L * ((sizes[i] + 2) / 3); // base64, as the data travels in JSON
        }
        long linkRate = bytesPerSecond > 0 ? bytesPerSecond : 5 * MB; // for the bound of an uncapped run
        try (FaultProxy proxy = FaultProxy.start(kinesalite, SEED);
             KinesisAsyncClient reader = kinesalite.newClient()) {
            proxy.bandwidthLimit(bytesPerSecond);
            Config config = Scenarios.config(kinesalite, proxy.endpoint()).build();
            Duration bound = Duration.ofMillis(3 * payloadBytes * 1000 / linkRate).plus(config.recordTtl());
            Ledger ledger;
            long incomplete;
            try (Producer producer = Scenarios.producer(kinesalite, config)) {
                ledger = new Ledger();
                for (int size : sizes) {
                    ledger.put(producer, stream, KEYS, size);
                }
                incomplete = ledger.awaitAll(bound);
            }
            double seconds = ledger.secondsToLastCompletion();
            FaultProxy.Stats stats = proxy.stats();
            Ledger.Verdict v = ledger.verify(StreamReader.readAll(reader, stream));
            Run run = new Run(name, bytesPerSecond, v, incomplete, stats, payloadBytes, seconds, bound);
            System.out.println(run.line);
            return run;
        }
    }

    /** One run's figures. */
    private static final class Run {
        final long bytesPerSecond;
        final Ledger.Verdict verdict;
        final long incomplete;
        final FaultProxy.Stats stats;
        final long payloadBytes;
        final double seconds;
        final String line;

        Run(String name, long bytesPerSecond, Ledger.Verdict v, long incomplete, FaultProxy.Stats stats,
                long payloadBytes, double seconds, Duration bound) {
            this.bytesPerSecond = bytesPerSecond;
            this.verdict = v;
            this.incomplete = incomplete;
            this.stats = stats;
            this.payloadBytes = payloadBytes;
            this.seconds = seconds;
            this.line = String.format(Locale.ROOT, "slow link: %s, %d records: succeeded %d, failed %s, "
                    + "incomplete %d (bound %d s), missing %d, duplicates %d records (+%d copies), failed but stored %d; "
                    + "link %.1f MB for %.1f MB payload (%.2fx) in %d PutRecords; time %.1f s vs link time %s; "
                    + "retried %d %s",
                    name, v.sent(), v.confirmed(), v.failedByCode().isEmpty() ? "0" : v.failedByCode(),
                    incomplete, bound.toSeconds(), v.lost().size(), v.duplicated().size(), v.extraCopies(),
                    v.failedButStored().size(), stats.linkBytes() / 1e6, payloadBytes / 1e6,
                    (double) stats.linkBytes() / payloadBytes, stats.putRecordsRequests(), seconds,
                    bytesPerSecond > 0 ? String.format(Locale.ROOT, "%.1f s (%.2fx)", linkSeconds(),
                            seconds / linkSeconds()) : "- (uncapped)",
                    v.retried(), v.retriedByCode());
        }

        double linkSeconds() {
            return (double) payloadBytes / bytesPerSecond;
        }

        /** Every record succeeded, is in the stream, and at most {@link #MAX_DUPLICATE_SHARE} copies more. */
        void assertAccepted() {
            assertThat(incomplete).as("not completed within the bound: %s", line).isZero();
            assertThat(verdict.failedByCode()).as("failed: %s", line).isEmpty();
            assertThat(verdict.lost()).as("missing: %s", line).isEmpty();
            assertThat(verdict.corrupted()).as("corrupted: %s", line).isZero();
            assertThat(verdict.extraCopies()).as("duplicates: %s", line)
                    .isLessThanOrEqualTo((long) (MAX_DUPLICATE_SHARE * verdict.sent()));
        }

        void report(String faults) {
            Scenarios.report("slow link", faults, verdict, seconds, String.format(Locale.ROOT,
                    "%.1f MB over the link for %.1f MB payload", stats.linkBytes() / 1e6, payloadBytes / 1e6));
        }
    }
}
