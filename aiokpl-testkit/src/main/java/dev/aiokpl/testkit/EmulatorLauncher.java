package dev.aiokpl.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs (npm, pinned versions) and starts one emulator as a child of this JVM, on free
 * 127.0.0.1 ports, with the repository's Node preloads; the same thing scripts/emulators.sh does.
 */
final class EmulatorLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(EmulatorLauncher.class);

    static final String KINESIS_LOCAL_VERSION = "0.6.2";
    static final String KINESALITE_VERSION = "3.3.3";

    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"");

    private EmulatorLauncher() {
    }

    /** A started emulator: its node process, plain-HTTP port and log file. */
    record Started(Process process, int port, Path log) {

        /** Stops the process (SIGTERM, then SIGKILL after a few seconds); never throws. */
        void stop() {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    static Started start(KinesisEmulator.Kind kind) {
        Path root = repositoryRoot();
        Path scripts = root.resolve("scripts");
        Path loopback = scripts.resolve("loopback.js");
        if (!Files.isRegularFile(loopback)) {
            throw new IllegalStateException("cannot start " + kind.packageName() + ": " + loopback
                    + " is missing (the test kit starts emulators with the repository's scripts/*.js preloads)");
        }
        Path dir = emulatorsDir(root);
        String node = requireTool("node", kind);
        requireTool("npm", kind);

        Path prefix = dir.resolve(kind == KinesisEmulator.Kind.KINESIS_LOCAL ? "kinesis-local" : "kinesalite-pkg");
        String version = kind == KinesisEmulator.Kind.KINESIS_LOCAL ? KINESIS_LOCAL_VERSION : KINESALITE_VERSION;
        install(dir, prefix, kind.packageName(), version);
        Path pkg = prefix.resolve("node_modules").resolve(kind.packageName());

        int port = freePort();
        List<String> command = new ArrayList<>(List.of(node, "-r", loopback.toString(),
                "-r", scripts.resolve("exit-with-parent.js").toString()));
        ProcessBuilder builder = new ProcessBuilder();
        Map<String, String> env = builder.environment();
        env.put("AIOKPL_EXIT_WITH_PID", Long.toString(ProcessHandle.current().pid()));
        if (kind == KinesisEmulator.Kind.KINESIS_LOCAL) {
            command.add(pkg.resolve("main.js").toString());
            int tlsPort = freePort();
            while (tlsPort == port) {
                tlsPort = freePort();
            }
            KinesisMockEnvironment.apply(env, pkg, port, tlsPort, KinesisEmulator.REGION);
        } else {
            command.addAll(List.of("-r", scripts.resolve("kinesalite-guard.js").toString(),
                    pkg.resolve("cli.js").toString(), "--port", Integer.toString(port), "--shardLimit", "1000",
                    "--createStreamMs", "0", "--deleteStreamMs", "0", "--updateStreamMs", "0"));
        }
        Path logs = dir.resolve("logs");
        Path log = logs.resolve(kind.packageName() + "-jvm" + ProcessHandle.current().pid() + ".log");
        Process process;
        try {
            Files.createDirectories(logs);
            pruneOldLogs(logs);
            process = builder.command(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + kind.packageName() + ": " + command, e);
        }
        Started started = new Started(process, port, log);
        try {
            awaitReady(kind, started);
            checkLoopbackOnly(kind, process.pid());
        } catch (RuntimeException e) {
            started.stop();
            throw e;
        }
        LOG.info("{} {} started at http://127.0.0.1:{} (pid {}, log {})", kind.packageName(), version, port,
                process.pid(), log);
        return started;
    }

    /** Deletes emulator logs of earlier JVMs older than a day, so the folder does not grow without bound. */
    private static void pruneOldLogs(Path logs) throws IOException {
        FileTime cutoff = FileTime.from(Instant.now().minus(Duration.ofDays(1)));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(logs, "*.log")) {
            for (Path file : files) {
                if (Files.getLastModifiedTime(file).compareTo(cutoff) < 0) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** The first folder above the working directory holding {@code .git} or the root pom. */
    static Path repositoryRoot() {
        Path start = Paths.get(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(".git")) || isRootPom(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the aiokpl repository root (a folder holding .git or the"
                + " root pom.xml) above " + start + "; set " + KinesisEmulator.Kind.KINESIS_LOCAL.endpointVariable()
                + " / " + KinesisEmulator.Kind.KINESALITE.endpointVariable() + " to running emulators instead");
    }

    private static boolean isRootPom(Path pom) {
        try {
            return Files.isRegularFile(pom)
                    && Files.readString(pom, StandardCharsets.UTF_8).contains("<module>aiokpl-testkit</module>");
        } catch (IOException e) {
            return false;
        }
    }

    private static Path emulatorsDir(Path root) {
        String override = System.getenv("AIOKPL_EMULATORS_DIR");
        return override == null || override.isBlank() ? root.resolve(".emulators") : Paths.get(override);
    }

    private static String requireTool(String tool, KinesisEmulator.Kind kind) {
        String hint = "the test kit runs " + kind.packageName() + " with Node.js: install Node.js 18 or newer"
                + " with npm, or set " + kind.endpointVariable() + " to a running emulator";
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("'" + tool + " --version' did not answer within 30 s; " + hint);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("'" + tool + " --version' failed; " + hint);
            }
            return tool;
        } catch (IOException e) {
            throw new IllegalStateException("'" + tool + "' was not found on PATH; " + hint, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while looking for " + tool, e);
        }
    }

    /** npm-installs package@version into prefix unless present; serialised across JVMs by a file lock. */
    private static void install(Path dir, Path prefix, String pkg, String version) {
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(dir.resolve(".install.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = channel.lock();
                try {
                    installLocked(dir, prefix, pkg, version);
                } finally {
                    lock.release();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install " + pkg + "@" + version + " into " + prefix, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing " + pkg, e);
        }
    }

    private static void installLocked(Path dir, Path prefix, String pkg, String version)
            throws IOException, InterruptedException {
        Path packageJson = prefix.resolve("node_modules").resolve(pkg).resolve("package.json");
        if (version.equals(installedVersion(packageJson))) {
            return;
        }
        LOG.info("installing {}@{} into {}", pkg, version, prefix);
        Files.createDirectories(prefix);
        Path log = dir.resolve("npm-install-" + pkg + ".log");
        Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--ignore-scripts",
                "--loglevel=error", "--prefix", prefix.toString(), pkg + "@" + version)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        npm.getOutputStream().close();
        if (!npm.waitFor(NPM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            npm.destroyForcibly();
            throw new IllegalStateException("npm install " + pkg + "@" + version + " did not finish within "
                    + NPM_TIMEOUT + "; log: " + log + "\n" + tail(log));
        }
        if (npm.exitValue() != 0 || !version.equals(installedVersion(packageJson))) {
            throw new IllegalStateException("npm install " + pkg + "@" + version + " failed (exit "
                    + npm.exitValue() + "); log: " + log + "\n" + tail(log));
        }
    }

    private static String installedVersion(Path packageJson) throws IOException {
        if (!Files.isRegularFile(packageJson)) {
            return null;
        }
        Matcher m = VERSION.matcher(Files.readString(packageJson, StandardCharsets.UTF_8));
        return m.find() ? m.group(1) : null;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    /** Waits until the emulator answers a real Kinesis call, or fails with its log's tail. */
    private static void awaitReady(KinesisEmulator.Kind kind, Started started) {
        EmulatorProbe.awaitReady(URI.create("http://127.0.0.1:" + started.port() + "/"), started.process(),
                kind.packageName() + " (log " + started.log() + ")", START_TIMEOUT, () -> tail(started.log()));
    }

    /** With ss (iproute2) available, fails if the process listens anywhere but 127.0.0.1. */
    private static void checkLoopbackOnly(KinesisEmulator.Kind kind, long pid) {
        List<String> lines;
        try {
            Process ss = new ProcessBuilder("ss", "-H", "-ltnp").redirectErrorStream(true).start();
            ss.getOutputStream().close();
            byte[] out = ss.getInputStream().readAllBytes();
            if (!ss.waitFor(10, TimeUnit.SECONDS) || ss.exitValue() != 0) {
                LOG.warn("ss failed: cannot verify that {} listens on 127.0.0.1 only", kind.packageName());
                return;
            }
            lines = new String(out, StandardCharsets.UTF_8).lines()
                    .filter(line -> line.contains("pid=" + pid + ","))
                    .toList();
        } catch (IOException e) {
            LOG.warn("ss not available: cannot verify that {} listens on 127.0.0.1 only", kind.packageName());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        for (String line : lines) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 4 || !fields[3].startsWith("127.0.0.1:")) {
                throw new IllegalStateException(kind.packageName() + " listens beyond 127.0.0.1: " + line);
            }
        }
    }

    static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
