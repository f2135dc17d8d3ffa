package dev.aiokpl.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aiokpl.Producer;
import dev.aiokpl.ProducerFullException;
import dev.aiokpl.testkit.FaultProxy;
import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import dev.aiokpl.testkit.StreamReader;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The endpoint stalls (the proxy holds every PutRecords): putRecord fills the producer up to
 * {@code maxOutstandingRecords} (small records) or {@code maxOutstandingBytes} (large records), then
 * blocks for {@code maxBlockTime} and throws {@link ProducerFullException}; the heap stays within the
 * bound plus a stated overhead; once the stall ends, everything drains and is in the stream.
 */
@IntegrationTest
class BackpressureIT {

    static final int MAX_RECORDS = 10_000;
    static final long MAX_BYTES = 8L * 1024 * 1024;
    static final Duration MAX_BLOCK = Duration.ofMillis(300);
    static final long MIB = 1024 * 1024;
    /**
     * Heap per outstanding byte while requests are in flight: the user's data, plus what the SDK holds
     * of the serialized request (JSON with kinesalite, so base64) until the answer. Measured: about 4
     * bytes of heap per outstanding byte of 60 KiB records.
     */
    static final double HEAP_PER_BYTE = 4;
    /** Heap per outstanding record: record, future, keys, aggregate bookkeeping, and this test's ledger entry. */
    static final long HEAP_PER_RECORD = 1024;
    /** Fixed: the idle producer (about 1 MiB) and what GC timing leaves around. */
    static final long HEAP_FIXED = 16 * MIB;

    @Test
    void aStalledEndpointBlocksAtTheBoundsAndDrainsAfterwards() {
        KinesisEmulator kinesalite = KinesisEmulator.kinesalite();
        String stream = kinesalite.uniqueStreamName("faults-backpressure");
        kinesalite.createStream(stream, 2);
        Ledger ledger = new Ledger();
        try (FaultProxy proxy = FaultProxy.start(kinesalite, 5);
             KinesisAsyncClient reader = kinesalite.newClient()) {
            long baseline = usedHeapAfterGc();
            try (Producer producer = Scenarios.producer(kinesalite, Scenarios.config(kinesalite, proxy.endpoint())
                    .maxOutstandingRecords(MAX_RECORDS)
                    .maxOutstandingBytes(MAX_BYTES)
                    .maxBlockTime(MAX_BLOCK)
                    .requestTimeout(Duration.ofSeconds(60)) // the stall is not a timeout
                    .build())) {
                producer.putRecord(stream, "warm-up", new byte[] {1}).join().orThrow();
                long idle = usedHeapAfterGc() - baseline;

                // 1. small records: the record bound holds
                proxy.hold();
                Fill records = fill(producer, ledger, stream, 200);
                long heapAtRecords = usedHeapAfterGc() - baseline - proxy.heldBytes();
                assertThat(records.accepted).isEqualTo(MAX_RECORDS);
                assertThat(producer.outstandingRecords()).isEqualTo(MAX_RECORDS);
                assertThat(records.blockedFor).isBetween(MAX_BLOCK, MAX_BLOCK.plusSeconds(2));
                assertThat(records.error).hasMessageContaining("maxOutstandingRecords=" + MAX_RECORDS);
                long boundAtRecords = bound(producer.outstandingBytes(), MAX_RECORDS);
                drain(proxy, producer, ledger);

                // 2. large records: the byte bound holds
                proxy.hold();
                Fill bytes = fill(producer, ledger, stream, 60 * 1024);
                long heapAtBytes = usedHeapAfterGc() - baseline - proxy.heldBytes();
                assertThat(producer.outstandingBytes()).isLessThanOrEqualTo(MAX_BYTES)
                        .isGreaterThan(MAX_BYTES - 61 * 1024);
                assertThat(bytes.blockedFor).isBetween(MAX_BLOCK, MAX_BLOCK.plusSeconds(2));
                assertThat(bytes.error).hasMessageContaining("maxOutstandingBytes=" + MAX_BYTES);
                long boundAtBytes = bound(producer.outstandingBytes(), bytes.accepted);
                drain(proxy, producer, ledger);

                String heap = String.format(Locale.ROOT, "heap above the JVM before the producer (the idle producer: "
                        + "%.1f MiB; the proxy's held bodies excluded): %.1f MiB at %d records / %.1f MiB of data "
                        + "(bound %.1f MiB); %.1f MiB at %d records / %.1f MiB of data (bound %.1f MiB)",
                        idle / (double) MIB, heapAtRecords / (double) MIB, records.accepted,
                        records.bytes / (double) MIB, boundAtRecords / (double) MIB, heapAtBytes / (double) MIB,
                        bytes.accepted, bytes.bytes / (double) MIB, boundAtBytes / (double) MIB);
                System.out.println("backpressure: " + heap + "; blocked " + records.blockedFor.toMillis() + " ms and "
                        + bytes.blockedFor.toMillis() + " ms");
                assertThat(heapAtRecords).as(heap).isLessThan(boundAtRecords);
                assertThat(heapAtBytes).as(heap).isLessThan(boundAtBytes);

                Ledger.Verdict v = ledger.verify(StreamReader.readAll(reader, stream));
                System.out.println("backpressure: " + v);
                assertThat(v.incomplete()).isZero();
                assertThat(v.confirmed()).isEqualTo(v.sent());
                assertThat(v.lost()).isEmpty();
                assertThat(v.duplicated()).isEmpty();
                assertThat(v.corrupted()).isZero();
                Scenarios.report("stalled endpoint (memory bound)", "every PutRecords held until released, twice",
                        v, ledger.secondsToLastCompletion(), "ProducerFullException after " + records.blockedFor.toMillis()
                                + " / " + bytes.blockedFor.toMillis() + " ms (maxBlockTime " + MAX_BLOCK.toMillis()
                                + " ms); " + heap);
            }
        }
    }

    /** The heap the producer may use for what it holds, as stated in docs/reliability.md. */
    private static long bound(long outstandingBytes, long outstandingRecords) {
        return (long) (HEAP_PER_BYTE * outstandingBytes) + HEAP_PER_RECORD * outstandingRecords + HEAP_FIXED;
    }

    private record Fill(long accepted, long bytes, Duration blockedFor, ProducerFullException error) {
    }

    /** Puts records of {@code size} bytes until putRecord throws; returns how many were accepted. */
    private static Fill fill(Producer producer, Ledger ledger, String stream, int size) {
        long accepted = 0;
        long bytes = 0;
        while (true) {
            long start = System.nanoTime();
            Ledger.Sent sent;
            try {
                sent = ledger.put(producer, stream, 64, size);
            } catch (ProducerFullException full) {
                return new Fill(accepted, bytes, Duration.ofNanos(System.nanoTime() - start), full);
            }
            accepted++;
            bytes += size + sent.partitionKey.length();
            assertThat(accepted).as("putRecord never blocked").isLessThanOrEqualTo(MAX_RECORDS);
        }
    }

    private static void drain(FaultProxy proxy, Producer producer, Ledger ledger) {
        assertThat(proxy.heldRequests()).isPositive();
        proxy.release();
        assertThat(producer.flush()).succeedsWithin(Duration.ofSeconds(60));
        assertThat(ledger.awaitAll(Duration.ofSeconds(5))).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.outstandingRecords() == 0);
    }

    private static long usedHeapAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
