package dev.aiokpl.cli;

import dev.aiokpl.testkit.EmulatorProbe;
import dev.aiokpl.testkit.KinesisMockEnvironment;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local Kinesis emulator of {@code demo} and {@code bench}: the npm package kinesis-local
 * (a build of kinesis-mock), installed on first use into {@code <repository>/.emulators} (the same
 * place and version as {@code scripts/emulators.sh} and the test kit), started on free 127.0.0.1
 * ports with the repository's Node preloads, and stopped by {@link #close()}.
 *
 * <p>Unlike the test kit's launcher it is started in its own session ({@code setsid}) when it can
 * be, so a Ctrl-C in the terminal reaches only this JVM, which then flushes the producer before it
 * stops the emulator. {@code scripts/exit-with-parent.js} still ends it if this JVM is killed.
 */
final class LocalKinesis implements AutoCloseable {

    static final String PACKAGE = "kinesis-local";
    static final String VERSION = "0.6.2";
    static final String REGION = "us-east-1";

    /** System property set by the launcher: the repository root. */
    static final String HOME_PROPERTY = "aiokpl.home";

    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern VERSION_FIELD = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"");

    private final Process process;
    private final int port;
    private final Path log;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private LocalKinesis(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Plain-HTTP endpoint on 127.0.0.1. */
    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The emulator's log file. */
    Path log() {
        return log;
    }

    /**
     * Installs kinesis-local if needed and launches it without waiting for it to answer (its
     * endpoint is known at once; {@link #awaitReady()} waits). Messages go to {@code status}.
     *
     * @throws IllegalStateException with a message for the user when Node.js or npm is missing or
     *                               the install fails
     */
    static LocalKinesis launch(PrintStream status) {
        Path root = repositoryRoot();
        Path scripts = root.resolve("scripts");
        Path dir = emulatorsDir(root);
        String node = requireTool("node");
        requireTool("npm");
        Path prefix = dir.resolve(PACKAGE);
        install(dir, prefix, status);
        Path pkg = prefix.resolve("node_modules").resolve(PACKAGE);

        int port = freePort();
        int tlsPort = freePort();
        while (tlsPort == port) {
            tlsPort = freePort();
        }
        List<String> command = new ArrayList<>();
        if (setsidAvailable()) {
            // -w: should setsid have to fork (it does when already a group leader), it waits for node.
            command.addAll(List.of("setsid", "-w"));
        }
        command.addAll(List.of(node, "-r", scripts.resolve("loopback.js").toString(),
                "-r", scripts.resolve("exit-with-parent.js").toString(), pkg.resolve("main.js").toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.put("AIOKPL_EXIT_WITH_PID", Long.toString(ProcessHandle.current().pid()));
        KinesisMockEnvironment.apply(env, pkg, port, tlsPort, REGION);
        Path logs = dir.resolve("logs");
        Path log = logs.resolve(PACKAGE + "-cli" + ProcessHandle.current().pid() + ".log");
        Process process;
        try {
            Files.createDirectories(logs);
            process = builder.directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + PACKAGE + " (" + String.join(" ", command) + "): "
                    + e.getMessage(), e);
        }
        return new LocalKinesis(process, port, log);
    }

    /**
     * Stops the emulator at once (SIGKILL: it keeps everything in memory, and its graceful stop
     * takes seconds). Never throws; idempotent.
     */
    @Override
    public void close() {
        stop();
    }

    /** As {@link #close()}; returns true for the call that stopped it (from any thread). */
    boolean stop() {
        if (!stopped.compareAndSet(false, true)) {
            return false;
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    /**
     * Waits until the emulator answers a ListStreams call.
     *
     * @throws IllegalStateException if it exits or does not answer within 90 s (with its log's tail)
     */
    void awaitReady() {
        EmulatorProbe.awaitReady(endpoint(), process, PACKAGE + " (log " + log + ")", START_TIMEOUT, () -> tail(log));
    }

    /**
     * The repository the CLI runs from: {@code -Daiokpl.home} (set by {@code ./aiokpl}), else the
     * first folder holding {@code scripts/loopback.js} above this jar or classes folder, else above
     * the working directory.
     */
    static Path repositoryRoot() {
        List<Path> starts = new ArrayList<>();
        String home = System.getProperty(HOME_PROPERTY);
        if (home != null && !home.isBlank()) {
            starts.add(Path.of(home));
        }
        try {
            starts.add(Path.of(LocalKinesis.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            // No code source (unusual class loader): the working directory is the only hint left.
        }
        starts.add(Path.of("").toAbsolutePath());
        for (Path start : starts) {
            for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve("scripts").resolve("loopback.js"))
                        && Files.isRegularFile(dir.resolve("scripts").resolve("exit-with-parent.js"))) {
                    return dir;
                }
            }
        }
        throw new IllegalStateException("cannot find the aiokpl repository (the folder holding scripts/loopback.js)"
                + " to start " + PACKAGE + " from; run ./aiokpl from a checkout, or give --endpoint, --region and"
                + " --stream to use a running Kinesis instead");
    }

    private static Path emulatorsDir(Path root) {
        String override = System.getenv("AIOKPL_EMULATORS_DIR");
        return override == null || override.isBlank() ? root.resolve(".emulators") : Path.of(override);
    }

    private static String requireTool(String tool) {
        String hint = "the local emulator " + PACKAGE + " runs on Node.js: install Node.js 18 or newer with npm"
                + " (for example 'apt-get install nodejs npm'), or give --endpoint, --region and --stream to use a"
                + " running Kinesis instead";
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("'" + tool + " --version' did not answer within 30 s; " + hint);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("'" + tool + " --version' failed; " + hint);
            }
            String version = new String(out, StandardCharsets.UTF_8).trim();
            if (tool.equals("node")) {
                Matcher m = Pattern.compile("^v?(\\d+)\\.").matcher(version);
                if (m.find() && Integer.parseInt(m.group(1)) < 18) {
                    throw new IllegalStateException("Node.js " + version + " is too old; " + hint);
                }
            }
            return tool;
        } catch (IOException e) {
            throw new IllegalStateException(tool + " was not found on the PATH; " + hint, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while looking for " + tool, e);
        }
    }

    private static boolean setsidAvailable() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "setsid"))) {
                return true;
            }
        }
        return false;
    }

    /** npm-installs the pinned version unless present; the lock file is the test kit's, so they never race. */
    private static void install(Path dir, Path prefix, PrintStream status) {
        Path packageJson = prefix.resolve("node_modules").resolve(PACKAGE).resolve("package.json");
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(dir.resolve(".install.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = channel.lock();
                try {
                    if (VERSION.equals(installedVersion(packageJson))) {
                        return;
                    }
                    status.println("installing " + PACKAGE + " " + VERSION + " with npm into " + prefix
                            + " (first run only)...");
                    status.flush();
                    npmInstall(dir, prefix, packageJson);
                } finally {
                    lock.release();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install " + PACKAGE + " " + VERSION + " into " + prefix, e);
        }
    }

    private static void npmInstall(Path dir, Path prefix, Path packageJson) throws IOException {
        Files.createDirectories(prefix);
        Path log = dir.resolve("npm-install-" + PACKAGE + ".log");
        Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--ignore-scripts",
                "--loglevel=error", "--prefix", prefix.toString(), PACKAGE + "@" + VERSION)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        npm.getOutputStream().close();
        try {
            if (!npm.waitFor(NPM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                npm.destroyForcibly();
                throw new IllegalStateException("npm install " + PACKAGE + "@" + VERSION + " did not finish within "
                        + NPM_TIMEOUT.toMinutes() + " min; log " + log + ":\n" + tail(log));
            }
        } catch (InterruptedException e) {
            npm.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing " + PACKAGE, e);
        }
        if (npm.exitValue() != 0 || !VERSION.equals(installedVersion(packageJson))) {
            throw new IllegalStateException("npm install " + PACKAGE + "@" + VERSION + " failed (exit "
                    + npm.exitValue() + "); log " + log + ":\n" + tail(log));
        }
    }

    private static String installedVersion(Path packageJson) {
        try {
            if (!Files.isRegularFile(packageJson)) {
                return null;
            }
            Matcher m = VERSION_FIELD.matcher(Files.readString(packageJson, StandardCharsets.UTF_8));
            return m.find() ? m.group(1) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
