package dev.aiokpl.faults;

import dev.aiokpl.Config;
import dev.aiokpl.Producer;
import dev.aiokpl.testkit.KinesisEmulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/** What the fault scenarios share: producers pointed at a proxy or emulator, paced load, the result table. */
final class Scenarios {

    /** Where every scenario appends its row (the module's {@code target/}); docs/reliability.md quotes it. */
    static final Path MATRIX = Path.of("target", "fault-matrix.md");

    /**
     * Error codes after which a record may be in the stream although the producer retries it: the request
     * reached the service, or may have, but no usable answer came back.
     */
    static final Set<String> UNKNOWN_OUTCOME_CODES = Set.of("ApiCallTimeoutException",
            "ApiCallAttemptTimeoutException", "SdkClientException", "ResponseCountMismatch");

    private Scenarios() {
    }

    /** A configuration for {@code endpoint} with the emulator's region and credentials; defaults otherwise. */
    static Config.Builder config(KinesisEmulator emulator, URI endpoint) {
        return Config.builder()
                .region(emulator.region())
                .endpointOverride(endpoint)
                .credentialsProvider(emulator.credentialsProvider());
    }

    /** A producer with its own client; JSON when the emulator (kinesalite, or the proxy before it) needs it. */
    static Producer producer(KinesisEmulator emulator, Config config) {
        return emulator.kind().supportsCbor() ? Producer.create(config)
                : KinesisEmulator.buildWithCborDisabled(() -> Producer.create(config));
    }

    /**
     * Calls {@code send} with consecutive indexes at {@code perSecond} for {@code duration} (paced in
     * 5 ms steps, catching up after a stall). Returns how many were sent.
     */
    static long pace(Duration duration, double perSecond, LongConsumer send) {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long sent = 0;
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                return sent;
            }
            long due = (long) ((now - start) / 1e9 * perSecond);
            while (sent < due) {
                send.accept(sent++);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** Appends one row to {@link #MATRIX} and prints it. */
    static void report(String scenario, String faults, Ledger.Verdict v, double seconds, String notes) {
        String row = String.format(Locale.ROOT, "| %s | %s | %d | %d | %s | %d | %d (+%d copies) | %d | %.1f s | %s |",
                scenario, faults, v.sent(), v.confirmed(), failed(v.failedByCode()), v.lost().size(),
                v.duplicated().size(), v.extraCopies(), v.retried(), seconds, notes);
        System.out.println(row);
        try {
            Files.createDirectories(MATRIX.getParent());
            if (!Files.exists(MATRIX)) {
                Files.writeString(MATRIX, "| scenario | faults | sent | confirmed | failed (by code) | lost "
                        + "| duplicated | retried | time | notes |\n|---|---|---|---|---|---|---|---|---|---|\n",
                        StandardCharsets.UTF_8);
            }
            Files.writeString(MATRIX, row + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String failed(Map<String, Long> byCode) {
        if (byCode.isEmpty()) {
            return "0";
        }
        StringBuilder sb = new StringBuilder();
        byCode.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        return sb.toString();
    }
}
