package dev.aiokpl.bench.e2e;

import java.time.LocalTime;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One benchmark run in its own JVM: creates one producer, puts every record of the {@link Workload}
 * as fast as the producer accepts them, waits for every future, then prints one {@code RESULT} line
 * (key=value pairs) for {@link E2eBenchmark}. CPU and memory are read from {@code /proc} for the
 * whole process tree before the first put and once the last record is confirmed, so the producer's
 * start (the KPL's native child included) is counted, its shutdown is not.
 *
 * <p>Arguments, all {@code key=value}: {@code producer} (aiokpl; aiokpl-sdk, the same with
 * {@code directPutRecords(false)}; aiokpl-ordered, the same with {@code orderedDelivery(true)}; kpl; sdk),
 * {@code port},
 * {@code stream}, {@code records}, {@code bytes}, {@code keys}, {@code nonce}, {@code rateLimit},
 * {@code cloudwatchPort}, {@code kplTempDir}, {@code sdkInFlight}, {@code timeoutSeconds}, {@code prime}
 * (send record 0 alone and wait for it before the clock starts), {@code warm} (start the clock as record N
 * is put, the put loop running on; latency percentiles and send-phase CPU then cover the records from N
 * on), {@code maxOutstanding} (0: none; else
 * the harness itself keeps at most that many records unconfirmed, as applications using the KPL do
 * with {@code getOutstandingRecordsCount()}, since the KPL has no limit of its own).
 */
public final class ProducerRun {

    /** What each producer adapter calls when a record is confirmed or has failed for good. */
    final class Completions {
        private final long[] latency;
        private final String[] shard;
        private final String[] sequence;
        private final CountDownLatch remaining;
        /** Counts down the primed record (prime), else nothing. */
        private final CountDownLatch primed;
        private final AtomicInteger failed = new AtomicInteger();
        private final AtomicInteger retried = new AtomicInteger();
        private volatile String firstError;
        private final Semaphore outstanding;

        Completions(int records, int maxOutstanding, int awaitedFirst) {
            primed = new CountDownLatch(awaitedFirst);
            outstanding = maxOutstanding > 0 ? new Semaphore(maxOutstanding) : null;
            latency = new long[records];
            shard = new String[records];
            sequence = new String[records];
            remaining = new CountDownLatch(records);
        }

        /** Called before each put; blocks while the harness's own outstanding limit is reached. */
        void started(int i) throws InterruptedException {
            if (outstanding != null) {
                outstanding.acquire();
            }
            latency[i] = System.nanoTime();
        }

        private void done() {
            if (outstanding != null) {
                outstanding.release();
            }
            primed.countDown();
            remaining.countDown();
        }

        void succeeded(int i, String shardId, String sequenceNumber, int attempts) {
            latency[i] = System.nanoTime() - latency[i];
            shard[i] = shardId;
            sequence[i] = sequenceNumber;
            if (attempts > 1) {
                retried.incrementAndGet();
            }
            done();
        }

        void failed(int i, String error) {
            latency[i] = System.nanoTime() - latency[i];
            failed.incrementAndGet();
            if (firstError == null) {
                firstError = error;
            }
            done();
        }
    }

    /** A producer under test. */
    interface Adapter extends AutoCloseable {
        void put(int i, String partitionKey, byte[] data) throws Exception;

        /** Sends whatever is buffered; completion is still awaited through {@link Completions}. */
        void flush();

        @Override
        void close();
    }

    private ProducerRun() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = parse(args);
        String producer = a.get("producer");
        int port = Integer.parseInt(a.get("port"));
        String stream = a.get("stream");
        Workload workload = new Workload(Integer.parseInt(a.get("records")), Integer.parseInt(a.get("bytes")),
                Integer.parseInt(a.get("keys")), Long.parseLong(a.get("nonce")));
        long rateLimit = Long.parseLong(a.getOrDefault("rateLimit", "150"));
        long timeoutSeconds = Long.parseLong(a.getOrDefault("timeoutSeconds", "240"));

        ProducerRun run = new ProducerRun();
        boolean prime = Boolean.parseBoolean(a.getOrDefault("prime", "false"));
        int warmRecords = Integer.parseInt(a.getOrDefault("warm", "0"));
        if (warmRecords < 0 || warmRecords >= workload.records) {
            throw new IllegalArgumentException("warm must be in [0, records): " + warmRecords);
        }
        Completions c = run.new Completions(workload.records, Integer.parseInt(a.getOrDefault("maxOutstanding", "0")),
                prime ? 1 : 0);
        Adapter adapter = switch (producer) {
            case "aiokpl" -> new AiokplAdapter(port, stream, rateLimit, true, false, c);
            case "aiokpl-sdk" -> new AiokplAdapter(port, stream, rateLimit, false, false, c);
            case "aiokpl-ordered" -> new AiokplAdapter(port, stream, rateLimit, true, true, c);
            case "kpl" -> new KplAdapter(port, Integer.parseInt(a.get("cloudwatchPort")), a.get("kplTempDir"),
                    stream, rateLimit, c);
            case "sdk" -> new SdkAdapter(port, stream, Integer.parseInt(a.getOrDefault("sdkInFlight", "8")), c);
            default -> throw new IllegalArgumentException(
                    "producer must be aiokpl, aiokpl-sdk, aiokpl-ordered, kpl or sdk: " + producer);
        };

        int first = 0;
        if (prime) {
            // Record 0 alone, awaited: the client is connected and the shard map loaded before the
            // clock starts, so the run shows the steady state rather than the cold start.
            c.started(0);
            adapter.put(0, workload.key(0), workload.data(0));
            adapter.flush();
            if (!c.primed.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the priming record was not confirmed within 60 s");
            }
            first = 1;
        }
        // With warm=N the clock starts as record N is put, without pausing the put loop: the first N
        // records let the JIT compile the hot path, and no idle gap (which would change the branch
        // profiles and make the JIT recompile) separates them from the timed ones. The records still in
        // flight at that moment (at most maxOutstanding) finish inside the timed window, which makes
        // the per-record figures slightly pessimistic, for every producer alike.
        int firstTimed = Math.max(first, warmRecords);
        Object profiler = null;
        ProcessTree before = null;
        long t0 = 0;
        for (int i = first; i < workload.records; i++) {
            if (i == firstTimed) {
                if (warmRecords > 0) {
                    System.err.println(LocalTime.now() + " warm-up: " + warmRecords + " records put, "
                            + c.remaining.getCount() + " not yet confirmed; " + ProcessTree.threadCpuSummary());
                }
                profiler = startProfiler();
                before = ProcessTree.now();
                System.err.println(LocalTime.now() + " timed put loop starts at record " + i);
                t0 = System.nanoTime();
            }
            c.started(i);
            adapter.put(i, workload.key(i), workload.data(i));
        }
        long putNanos = System.nanoTime() - t0;
        System.err.println(LocalTime.now() + " put loop ends");
        adapter.flush();
        boolean done = c.remaining.await(timeoutSeconds, TimeUnit.SECONDS);
        long wallNanos = System.nanoTime() - t0;
        ProcessTree after = ProcessTree.now();
        stopProfiler(profiler);
        System.err.println(LocalTime.now() + " " + ProcessTree.threadCpuSummary());

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("producer", producer);
        out.put("records", workload.records);
        out.put("timedRecords", workload.records - firstTimed);
        out.put("completed", workload.records - c.remaining.getCount());
        out.put("failed", c.failed.get());
        out.put("retried", c.retried.get());
        out.put("wallNanos", wallNanos);
        out.put("putNanos", putNanos);
        out.put("cpuNanos", after.cpuNanos());
        out.put("cpuSendNanos", after.cpuNanos() - before.cpuNanos());
        out.put("peakRssKb", after.peakRssKb());
        out.put("processes", after.processes());
        if (done) {
            long[] latency = Arrays.copyOfRange(c.latency, firstTimed, workload.records);
            Arrays.sort(latency);
            out.put("p50Micros", latency[latency.length / 2] / 1000);
            out.put("p99Micros", latency[(int) Math.min(latency.length - 1, Math.ceil(latency.length * 0.99) - 1)] / 1000);
            out.put("p100Micros", latency[latency.length - 1] / 1000);
            Set<String> kinesisRecords = new HashSet<>();
            for (int i = 0; i < workload.records; i++) {
                if (c.sequence[i] != null) {
                    kinesisRecords.add(c.shard[i] + '/' + c.sequence[i]);
                }
            }
            out.put("kinesisRecords", kinesisRecords.size());
        }
        if (c.firstError != null) {
            out.put("firstError", c.firstError.replaceAll("\\s+", "_"));
        }
        StringBuilder line = new StringBuilder("RESULT");
        out.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        System.out.println(line);
        System.out.flush();
        try {
            adapter.close();
        } finally {
            System.exit(done ? 0 : 3);
        }
    }

    /**
     * With {@code -Daiokpl.bench.asprof=PATH/libasyncProfiler.so} (from the jar
     * {@code tools.profiler:async-profiler}), profiles the timed phase only (after any warm-up), with the
     * options in {@code aiokpl.bench.asprofArgs} (default {@code event=cpu,interval=1ms}); the collapsed
     * stacks go to {@code aiokpl.bench.asprofOut}. Loaded reflectively: the benchmark needs no profiler.
     */
    private static Object startProfiler() throws Exception {
        String lib = System.getProperty("aiokpl.bench.asprof");
        if (lib == null) {
            return null;
        }
        Object profiler = Class.forName("one.profiler.AsyncProfiler").getMethod("getInstance", String.class)
                .invoke(null, lib);
        String args = System.getProperty("aiokpl.bench.asprofArgs", "event=cpu,interval=1ms");
        System.err.println("async-profiler: " + profiler.getClass().getMethod("execute", String.class)
                .invoke(profiler, "start," + args + ",threads"));
        return profiler;
    }

    private static void stopProfiler(Object profiler) throws Exception {
        if (profiler != null) {
            String out = System.getProperty("aiokpl.bench.asprofOut", "profile.collapsed");
            System.err.println("async-profiler: " + profiler.getClass().getMethod("execute", String.class)
                    .invoke(profiler, "stop,file=" + out + ",collapsed"));
        }
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value: " + arg);
            }
            map.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return map;
    }
}
