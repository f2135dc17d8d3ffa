package dev.aiokpl.bench.e2e;

import dev.aiokpl.testkit.ReadRecord;
import dev.aiokpl.testkit.StreamReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.util.VersionInfo;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * The end-to-end benchmark: runs each producer ({@code aiokpl}, the official {@code kpl}, a plain
 * {@code sdk} loop) in its own fresh JVM ({@link ProducerRun}), in alternation (A B C A B C …),
 * against one endpoint, then checks what arrived and prints per-run rows and medians.
 *
 * <ul>
 *   <li>{@code --target kinesalite}: kinesalite 3.3.3 over HTTPS ({@code --ssl}) on 127.0.0.1, a
 *       fresh 4-shard stream per run, read back whole with GetRecords and KCL's de-aggregator
 *       ({@link StreamReader}) to prove nothing was lost and count Kinesis records.</li>
 *   <li>{@code --target null}: {@link NullKinesisServer} in its own JVM, which stores nothing and
 *       counts what it received per stream.</li>
 * </ul>
 *
 * <p>Options: {@code --rounds 5 --records 200000 --bytes 200 --keys 256 --producers aiokpl,kpl,sdk
 * --work DIR --kinesalite PATH/cli.js --scripts DIR --rate-limit N --sdk-in-flight 8
 * --run-timeout 420 --jvm "-Xmx1g ..." --warmup 1 --null-threads 2 --max-outstanding 0 --protocol json --prime --warm N --jfr}
 * ({@code --prime}: each producer sends one record and waits for it before the clock starts; {@code --warm N}: the
 * clock starts as record N is put, without pausing the put loop; {@code --warmup}: rounds
 * of a quarter of the records first, not counted; {@code --jfr}: record the aiokpl runs with JFR into
 * {@code DIR/jfr}; numbers from such an invocation include the recorder's overhead; {@code --protocol}:
 * {@code json} runs every producer JVM with {@code -Daws.cborEnabled=false}, {@code default} (null target only)
 * lets aiokpl and sdk speak the SDK's default CBOR, as against real Kinesis, while the KPL's native core
 * speaks JSON either way; the null endpoint's counts confirm which protocol each run used).
 */
public final class E2eBenchmark {

    static final String MAIN_RUN = ProducerRun.class.getName();
    /** As pinned in aiokpl-bench/pom.xml (its jar's manifest carries no version). */
    static final String KPL_VERSION = "1.1.1";

    private final Map<String, String> options;
    private final Path work;
    private final String target;
    private final int rounds;
    private final int records;
    private final int bytes;
    private final int keys;
    private final List<String> producers;
    private final long runTimeoutSeconds;
    private final List<String> jvmFlags;
    private final boolean jfr;
    private final String protocol;
    private final PrintStream out = System.out;

    private Process endpoint;
    private int port;
    private KinesisAsyncClient admin;
    private HttpClient statsClient;

    E2eBenchmark(Map<String, String> options) {
        this.options = options;
        this.work = Path.of(options.getOrDefault("work", "aiokpl-bench/target/e2e")).toAbsolutePath();
        this.target = options.getOrDefault("target", "kinesalite");
        this.rounds = Integer.parseInt(options.getOrDefault("rounds", "5"));
        this.records = Integer.parseInt(options.getOrDefault("records", "200000"));
        this.bytes = Integer.parseInt(options.getOrDefault("bytes", "200"));
        this.keys = Integer.parseInt(options.getOrDefault("keys", "256"));
        this.producers = List.of(options.getOrDefault("producers", "aiokpl,kpl,sdk").split(","));
        this.runTimeoutSeconds = Long.parseLong(options.getOrDefault("run-timeout", "420"));
        this.jvmFlags = List.of(options.getOrDefault("jvm", "-Xms256m -Xmx1g").trim().split("\\s+"));
        this.jfr = options.containsKey("jfr");
        this.protocol = options.getOrDefault("protocol", "json");
        if (!target.equals("kinesalite") && !target.equals("null")) {
            throw new IllegalArgumentException("--target must be kinesalite or null: " + target);
        }
        if (!protocol.equals("json") && !protocol.equals("default")) {
            throw new IllegalArgumentException("--protocol must be json or default: " + protocol);
        }
        if (protocol.equals("default") && !target.equals("null")) {
            throw new IllegalArgumentException("--protocol default needs --target null: " + target
                    + " speaks JSON only (no CBOR), so its producers must run with --protocol json");
        }
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("aws.cborEnabled", "false");
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option: " + args[i]);
            }
            String key = args[i].substring(2);
            if (key.equals("jfr") || key.equals("prime")) {
                options.put(key, "true");
            } else if (i + 1 < args.length) {
                options.put(key, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + key + " needs a value");
            }
        }
        E2eBenchmark bench = new E2eBenchmark(options);
        int status;
        try {
            status = bench.run();
        } finally {
            bench.stopEndpoint();
        }
        System.exit(status);
    }

    int run() throws Exception {
        Files.createDirectories(work.resolve("logs"));
        String environment = environment();
        out.println(environment);
        startEndpoint();
        List<Row> rows = new ArrayList<>();
        Random random = new Random();
        boolean lost = false;
        int warmUp = Integer.parseInt(options.getOrDefault("warmup", "1"));
        for (int round = 1 - warmUp; round <= 0; round++) {
            for (String producer : producers) {
                // Not counted: warms the endpoint (kinesalite's JIT, the null endpoint's TLS) and
                // extracts the KPL's binary once.
                out.println("warm-up " + runOnce(round, producer, random.nextLong() & Long.MAX_VALUE,
                        Math.max(1000, records / 4)).line());
            }
        }
        for (int round = 1; round <= rounds; round++) {
            for (String producer : producers) {
                Row row = runOnce(round, producer, random.nextLong() & Long.MAX_VALUE, records);
                rows.add(row);
                out.println(row.line());
                lost |= !row.ok();
            }
        }
        String report = environment + "\n" + Row.table(rows) + "\n" + Summary.table(rows, producers) + "\n"
                + "load average at the end: " + Files.readString(Path.of("/proc/loadavg")).trim() + "\n";
        Path file = work.resolve("results-" + target + "-" + Instant.now().toString().replace(':', '-') + ".md");
        Files.writeString(file, report);
        out.println();
        out.println(Row.table(rows));
        out.println(Summary.table(rows, producers));
        out.println("written to " + file);
        return lost ? 1 : 0;
    }

    private String environment() throws IOException, InterruptedException {
        StringBuilder b = new StringBuilder();
        b.append("## e2e ").append(target).append(", ").append(Instant.now()).append("\n\n");
        b.append("- records ").append(records).append(" x ").append(bytes).append(" B, ").append(keys)
                .append(" partition keys, 4 shards, ").append(rounds).append(" rounds, order ")
                .append(String.join(" ", producers)).append("\n");
        b.append("- producer JVMs: ").append(String.join(" ", jvmFlags))
                .append(jfr ? " + JFR on aiokpl" : "").append("\n");
        b.append("- protocol (--protocol ").append(protocol).append("): ")
                .append(producers.stream().map(p -> p + " " + protocolOf(p)).collect(Collectors.joining("; ")))
                .append("\n");
        b.append("- start: ").append(!options.getOrDefault("warm", "0").equals("0")
                ? "warm (the clock starts as record " + options.get("warm") + " is put, the put loop running on: a "
                        + "long-lived process's steady state; send-phase CPU, records/s and latency cover the records from "
                        + "there on, plus the completion of at most max-outstanding earlier ones)"
                : options.containsKey("prime")
                ? "primed (record 0 sent alone and confirmed before the clock starts: steady state)"
                : "cold (the clock starts with the producer just created, as an application's first burst)").append("\n");
        b.append("- records the harness keeps outstanding at most: ")
                .append(options.getOrDefault("max-outstanding", "0").equals("0") ? "no limit (aiokpl blocks at its own "
                        + "maxOutstandingRecords = 100 000; the KPL takes everything)" : options.get("max-outstanding"))
                .append("\n");
        b.append("- rateLimit (aiokpl and KPL): ").append(rateLimit()).append("; sdk requests in flight: ")
                .append(options.getOrDefault("sdk-in-flight", "8")).append("\n");
        Process v = new ProcessBuilder(javaExe(), "-version").redirectErrorStream(true).start();
        String javaVersion = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        v.waitFor(30, TimeUnit.SECONDS);
        b.append("- java: ").append(javaVersion.replace("\n", "; ")).append("\n");
        b.append("- AWS SDK ").append(VersionInfo.SDK_VERSION).append(", KPL ").append(KPL_VERSION).append("\n");
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        b.append("- machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores (").append(cpu)
                .append("), load average at start ").append(Files.readString(Path.of("/proc/loadavg")).trim()).append("\n");
        return b.toString();
    }

    /**
     * Whether {@code producer}'s JVM keeps the SDK's default protocol, CBOR: with {@code --protocol default},
     * aiokpl and sdk do; the KPL's native core speaks JSON whatever its JVM is told.
     */
    private boolean cbor(String producer) {
        return protocol.equals("default") && !producer.equals("kpl");
    }

    /** The protocol {@code producer} speaks in this invocation and why, for the setup lines. */
    private String protocolOf(String producer) {
        if (cbor(producer)) {
            return "CBOR (the SDK's default)";
        }
        return producer.equals("kpl") ? "JSON (its native core's only protocol)" : "JSON (-Daws.cborEnabled=false)";
    }

    private long rateLimit() {
        return Long.parseLong(options.getOrDefault("rate-limit", target.equals("null") ? "10000" : "150"));
    }

    private static String javaExe() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    // ---- the endpoint

    private void startEndpoint() throws Exception {
        if (target.equals("kinesalite")) {
            port = freePort();
            Path scripts = Path.of(options.getOrDefault("scripts", "scripts")).toAbsolutePath();
            String cli = options.get("kinesalite");
            if (cli == null || !Files.exists(Path.of(cli))) {
                throw new IllegalArgumentException("--kinesalite must name kinesalite's cli.js: " + cli);
            }
            ProcessBuilder pb = new ProcessBuilder("node",
                    "-r", scripts.resolve("loopback.js").toString(),
                    "-r", scripts.resolve("kinesalite-guard.js").toString(),
                    "-r", scripts.resolve("exit-with-parent.js").toString(),
                    cli, "--port", Integer.toString(port), "--ssl", "--shardLimit", "1000",
                    "--createStreamMs", "0", "--deleteStreamMs", "0", "--updateStreamMs", "0")
                    .redirectErrorStream(true)
                    .redirectOutput(work.resolve("logs/kinesalite.log").toFile());
            pb.environment().put("AIOKPL_EXIT_WITH_PID", Long.toString(ProcessHandle.current().pid()));
            endpoint = pb.start();
            admin = adminClient();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    admin.listStreams().get(5, TimeUnit.SECONDS);
                    break;
                } catch (Exception notYet) {
                    if (!endpoint.isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException("kinesalite did not answer on 127.0.0.1:" + port
                                + "; see " + work.resolve("logs/kinesalite.log"), notYet);
                    }
                    Thread.sleep(200);
                }
            }
            out.println("kinesalite --ssl on https://127.0.0.1:" + port + " (pid " + endpoint.pid() + ")");
        } else {
            Path keystore = work.resolve("null-endpoint.p12");
            List<String> cmd = new ArrayList<>(List.of(javaExe(), "-Xms256m", "-Xmx1g", "-cp",
                    System.getProperty("java.class.path"), NullKinesisServer.class.getName(),
                    "keystore=" + keystore, "shards=4", "threads=" + options.getOrDefault("null-threads", "2")));
            endpoint = new ProcessBuilder(cmd).redirectError(work.resolve("logs/null-endpoint.log").toFile()).start();
            BufferedReader reader = new BufferedReader(new InputStreamReader(endpoint.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return reader.readLine();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            String line = first.get(60, TimeUnit.SECONDS);
            if (line == null || !line.startsWith("LISTENING ")) {
                throw new IllegalStateException("null endpoint did not start: " + line + "; see "
                        + work.resolve("logs/null-endpoint.log"));
            }
            port = Integer.parseInt(line.substring(10).trim());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(NullKinesisServer.trustStore(keystore));
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            statsClient = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
            out.println("null endpoint on https://127.0.0.1:" + port + " (pid " + endpoint.pid() + ")");
        }
    }

    private void stopEndpoint() {
        if (admin != null) {
            admin.close();
        }
        if (endpoint != null) {
            endpoint.destroy();
            try {
                if (!endpoint.waitFor(10, TimeUnit.SECONDS)) {
                    endpoint.destroyForcibly();
                }
            } catch (InterruptedException e) {
                endpoint.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private KinesisAsyncClient adminClient() {
        return KinesisAsyncClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create("https://127.0.0.1:" + port))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .httpClient(NettyNioAsyncHttpClient.builder().maxConcurrency(8).protocol(Protocol.HTTP1_1)
                        .readTimeout(Duration.ofSeconds(60))
                        .buildWithDefaults(AttributeMap.builder()
                                .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE).build()))
                .build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private long endpointCpuNanos() {
        return endpoint.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    // ---- one run

    private Row runOnce(int round, String producer, long nonce, int records) throws Exception {
        String stream = "e2e-" + (round <= 0 ? "w" + -round : round) + "-" + producer + "-" + Long.toHexString(nonce);
        if (target.equals("kinesalite")) {
            createStream(stream);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExe());
        cmd.addAll(jvmFlags);
        if (!cbor(producer)) {
            cmd.add("-Daws.cborEnabled=false");
        }
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        // One line per shard map load, with the time, to see how long a cold start waits for it.
        cmd.add("-Dorg.slf4j.simpleLogger.log.dev.aiokpl.internal.shardmap=debug");
        cmd.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        cmd.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");
        if (jfr && producer.startsWith("aiokpl")) {
            Files.createDirectories(work.resolve("jfr"));
            cmd.add("-XX:StartFlightRecording=settings=profile,filename="
                    + work.resolve("jfr/" + target + "-" + producer + "-r" + round + ".jfr"));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), MAIN_RUN,
                "producer=" + producer, "port=" + port, "stream=" + stream, "records=" + records,
                "bytes=" + bytes, "keys=" + keys, "nonce=" + nonce, "rateLimit=" + rateLimit(),
                "cloudwatchPort=" + freePort(), "kplTempDir=" + work.resolve("kpl-tmp"),
                "sdkInFlight=" + options.getOrDefault("sdk-in-flight", "8"),
                "timeoutSeconds=" + (runTimeoutSeconds - 30), "prime=" + options.containsKey("prime"),
                "warm=" + options.getOrDefault("warm", "0"),
                "maxOutstanding=" + options.getOrDefault("max-outstanding", "0")));
        Files.createDirectories(work.resolve("kpl-tmp"));
        Path log = work.resolve("logs/" + target + "-" + (round <= 0 ? "w" + -round : "r" + round) + "-" + producer + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        long endpointCpu0 = endpointCpuNanos();
        Process child = pb.start();
        if (!child.waitFor(runTimeoutSeconds, TimeUnit.SECONDS)) {
            child.descendants().forEach(ProcessHandle::destroyForcibly);
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        long endpointCpu = endpointCpuNanos() - endpointCpu0;
        Map<String, String> result = new LinkedHashMap<>();
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith("RESULT ")) {
                for (String kv : line.substring(7).split(" ")) {
                    int eq = kv.indexOf('=');
                    result.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
        }
        Row row = new Row(round, producer, result, endpointCpu);
        if (result.isEmpty()) {
            row.problem = "no RESULT (exit " + (child.isAlive() ? "timeout" : child.exitValue()) + "), see " + log;
        } else if (result.containsKey("firstError")) {
            row.problem = "first error: " + result.get("firstError");
        }
        Workload workload = new Workload(records, bytes, keys, nonce);
        if (target.equals("kinesalite")) {
            readBack(stream, workload, row);
            admin.deleteStream(r -> r.streamName(stream)).get(60, TimeUnit.SECONDS);
        } else {
            nullStats(stream, row, records);
        }
        return row;
    }

    private void createStream(String stream) throws Exception {
        admin.createStream(r -> r.streamName(stream).shardCount(4)).get(60, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (admin.describeStreamSummary(r -> r.streamName(stream)).get(60, TimeUnit.SECONDS)
                .streamDescriptionSummary().streamStatus() != StreamStatus.ACTIVE) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(stream + " did not become ACTIVE");
            }
            Thread.sleep(100);
        }
    }

    private void readBack(String stream, Workload workload, Row row) {
        int records = workload.records;
        long t0 = System.nanoTime();
        List<ReadRecord> read = StreamReader.readAll(admin, stream, Duration.ofSeconds(runTimeoutSeconds));
        BitSet seen = new BitSet(records);
        Set<String> kinesisRecords = new HashSet<>();
        long duplicates = 0;
        long foreign = 0;
        long raw = 0;
        for (ReadRecord r : read) {
            long index = workload.indexOf(r.data());
            if (index < 0 || r.rawMagic()) {
                foreign++;
            } else if (seen.get((int) index)) {
                duplicates++;
            } else {
                seen.set((int) index);
            }
            if (kinesisRecords.add(r.shardId() + '/' + r.sequenceNumber()) && !r.fromAggregate()) {
                raw++;
            }
        }
        row.arrived = seen.cardinality();
        row.duplicates = duplicates;
        row.foreign = foreign;
        row.kinesisRecords = kinesisRecords.size();
        row.rawKinesisRecords = raw;
        row.readSeconds = (System.nanoTime() - t0) / 1e9;
    }

    private void nullStats(String stream, Row row, int records) throws Exception {
        HttpResponse<String> response = statsClient.send(HttpRequest.newBuilder(
                        URI.create("https://127.0.0.1:" + port + "/stats?stream=" + stream))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Long> stats = new LinkedHashMap<>();
        Files.writeString(work.resolve("logs/" + stream + ".stats"), response.body());
        for (String line : response.body().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                stats.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)));
            }
        }
        long received = stats.getOrDefault("userRecords", 0L);
        // Nothing is stored, so a user record sent twice (a retry after a timeout) cannot be told
        // from two records: count the surplus as re-sent, not as a duplicate a consumer would see.
        row.arrived = Math.min(received, records);
        row.resent = Math.max(0, received - records);
        row.kinesisRecords = stats.getOrDefault("kinesisRecords", 0L);
        row.rawKinesisRecords = stats.getOrDefault("rawKinesisRecords", 0L);
        // A run is labelled with the protocol its JVM was set up for; check that the endpoint saw it
        // (AWS_CBOR_ENABLED in the environment, say, would override the default).
        long requests = stats.getOrDefault("requests", 0L);
        long cborRequests = stats.getOrDefault("cborRequests", 0L);
        if (cbor(row.producer) ? cborRequests != requests : cborRequests != 0) {
            String protocolProblem = "expected " + protocolOf(row.producer) + " but the endpoint saw " + cborRequests
                    + " of " + requests + " put requests in CBOR";
            row.problem = row.problem == null ? protocolProblem : row.problem + "; " + protocolProblem;
        }
    }

    // ---- results

    /** One run: what the producer's JVM reported plus what the endpoint received. */
    static final class Row {
        final int round;
        final String producer;
        final Map<String, String> result;
        final long endpointCpuNanos;
        long arrived;
        long duplicates;
        long resent;
        long foreign;
        long kinesisRecords;
        long rawKinesisRecords;
        double readSeconds;
        String problem;

        Row(int round, String producer, Map<String, String> result, long endpointCpuNanos) {
            this.round = round;
            this.producer = producer;
            this.result = result;
            this.endpointCpuNanos = endpointCpuNanos;
        }

        double num(String key) {
            String v = result.get(key);
            return v == null ? Double.NaN : Double.parseDouble(v);
        }

        double recordsPerSecond() {
            return num("timedRecords") / (num("wallNanos") / 1e9);
        }

        double cpuSeconds() {
            return num("cpuNanos") / 1e9;
        }

        double cpuSendSeconds() {
            return num("cpuSendNanos") / 1e9;
        }

        double cpuMicrosPerRecord() {
            return num("cpuNanos") / 1e3 / num("records");
        }

        double cpuSendMicrosPerRecord() {
            return num("cpuSendNanos") / 1e3 / num("timedRecords");
        }

        double rssMb() {
            return num("peakRssKb") / 1024;
        }

        double p50Ms() {
            return num("p50Micros") / 1e3;
        }

        double p99Ms() {
            return num("p99Micros") / 1e3;
        }

        double kinesisPerUser() {
            return (double) kinesisRecords / num("records");
        }

        double rawShare() {
            return kinesisRecords == 0 ? Double.NaN : 100.0 * rawKinesisRecords / kinesisRecords;
        }

        /** Un-aggregated Kinesis records per user record, in percent: the share of user records sent raw. */
        double rawUserShare() {
            return 100.0 * rawKinesisRecords / num("records");
        }

        double endpointCpuSeconds() {
            return endpointCpuNanos / 1e9;
        }

        boolean ok() {
            return problem == null && num("failed") == 0 && arrived == (long) num("records") && duplicates == 0
                    && foreign == 0;
        }

        String line() {
            return String.format("round %d %-6s %9.0f rec/s  cpu %6.2f s (%6.1f us/rec; send phase %6.1f us/rec)  "
                            + "rss %5.0f MB  p50 %7.1f ms  p99 %7.1f ms  kinesis/user %.4f  raw %.2f %%  "
                            + "arrived %d dup %d re-sent %d foreign %d failed %.0f  endpoint cpu %.1f s%s",
                    round, producer, recordsPerSecond(), cpuSeconds(), cpuMicrosPerRecord(), cpuSendMicrosPerRecord(),
                    rssMb(), p50Ms(), p99Ms(), kinesisPerUser(), rawShare(), arrived, duplicates, resent, foreign,
                    num("failed"), endpointCpuSeconds(), problem == null ? "" : "  PROBLEM: " + problem);
        }

        static String table(List<Row> rows) {
            StringBuilder b = new StringBuilder();
            b.append("| round | producer | records/s | CPU s | CPU-µs/rec | send-phase CPU-µs/rec | peak RSS MB "
                    + "| p50 ms | p99 ms | Kinesis rec / user rec | un-aggregated % of Kinesis rec | arrived | lost | dup | re-sent "
                    + "| failed | endpoint CPU s |\n");
            b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (Row r : rows) {
                b.append(String.format("| %d | %s | %.0f | %.2f | %.1f | %.1f | %.0f | %.1f | %.1f | %.4f | %.2f | %d | %d | %d | %d | %.0f | %.1f |%s%n",
                        r.round, r.producer, r.recordsPerSecond(), r.cpuSeconds(), r.cpuMicrosPerRecord(),
                        r.cpuSendMicrosPerRecord(), r.rssMb(), r.p50Ms(), r.p99Ms(), r.kinesisPerUser(), r.rawShare(),
                        r.arrived, (long) r.num("records") - r.arrived, r.duplicates, r.resent, r.num("failed"), r.endpointCpuSeconds(),
                        r.problem == null ? "" : " " + r.problem));
            }
            return b.toString();
        }
    }

    /** Medians over the rounds, per producer, and ratios to the KPL. */
    static final class Summary {
        static double median(List<Row> rows, String producer, ToDoubleFunction<Row> f) {
            double[] v = rows.stream().filter(r -> r.producer.equals(producer)).mapToDouble(f).filter(d -> !Double.isNaN(d))
                    .sorted().toArray();
            if (v.length == 0) {
                return Double.NaN;
            }
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }

        static String table(List<Row> rows, List<String> producers) {
            StringBuilder b = new StringBuilder();
            b.append("| producer (median of ").append(rows.stream().filter(r -> r.producer.equals(producers.get(0))).count())
                    .append(") | records/s | × KPL | CPU s | CPU-µs/rec | KPL ÷ this | send-phase CPU-µs/rec | KPL ÷ this (send phase) "
                            + "| peak RSS MB | p50 ms | p99 ms | Kinesis rec / user rec | un-aggregated % of Kinesis rec | user rec sent un-aggregated % "
                    + "| lost + dup (all runs) | failed (all runs) |\n");
            b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            double kplRate = median(rows, "kpl", Row::recordsPerSecond);
            double kplCpu = median(rows, "kpl", Row::cpuMicrosPerRecord);
            double kplSendCpu = median(rows, "kpl", Row::cpuSendMicrosPerRecord);
            for (String p : producers) {
                double rate = median(rows, p, Row::recordsPerSecond);
                double cpu = median(rows, p, Row::cpuMicrosPerRecord);
                double sendCpu = median(rows, p, Row::cpuSendMicrosPerRecord);
                long lost = rows.stream().filter(r -> r.producer.equals(p))
                        .mapToLong(r -> (long) r.num("records") - r.arrived + r.duplicates + r.foreign).sum();
                long failed = rows.stream().filter(r -> r.producer.equals(p)).mapToLong(r -> (long) r.num("failed")).sum();
                b.append(String.format("| %s | %.0f | %.2f | %.2f | %.1f | %.1f | %.1f | %.1f | %.0f | %.1f | %.1f | %.4f | %.2f | %.2f | %d | %d |%n",
                        p, rate, rate / kplRate, median(rows, p, Row::cpuSeconds), cpu, kplCpu / cpu,
                        sendCpu, kplSendCpu / sendCpu, median(rows, p, Row::rssMb),
                        median(rows, p, Row::p50Ms), median(rows, p, Row::p99Ms), median(rows, p, Row::kinesisPerUser),
                        median(rows, p, Row::rawShare), median(rows, p, Row::rawUserShare), lost, failed));
            }
            return b.toString();
        }
    }
}
