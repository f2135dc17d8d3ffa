package dev.aiokpl.cli;

import dev.aiokpl.Config;
import java.net.URI;
import java.util.Locale;
import java.util.UUID;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The stream {@code demo} and {@code bench} write to: a new stream on a kinesis-local started for
 * this run (stopped by {@link #close()}), or, with {@code --endpoint}/{@code --region}, an existing
 * stream named by {@code --stream}.
 */
final class Target implements AutoCloseable {

    private final Io io;
    private final LocalKinesis emulator;
    private final AdminClient admin;
    private final Config config;
    private final String stream;
    private final int shards;

    private Target(Io io, LocalKinesis emulator, AdminClient admin, Config config, String stream, int shards) {
        this.io = io;
        this.emulator = emulator;
        this.admin = admin;
        this.config = config;
        this.stream = stream;
        this.shards = shards;
    }

    /**
     * Starts the emulator and creates the stream, or checks the given stream.
     *
     * @param prefix the new stream's name prefix ({@code aiokpl-demo}, {@code aiokpl-bench})
     * @throws ParameterException for bad arguments (a remote target without --stream...)
     * @throws CliException       when the stream does not exist or cannot be created
     */
    static Target open(CommandLine cmd, Io io, ShutdownGuard guard, ConnectionOptions conn, ProducerOptions options,
                       String stream, int shards, String prefix, TotalsSink sink) {
        if (conn.given()) {
            if (stream == null) {
                throw new ParameterException(cmd, "--stream is required with --endpoint or --region (an existing"
                        + " stream; without them a local emulator and a new stream are used)");
            }
            Config config = Settings.config(cmd, conn, options, null, sink);
            AdminClient admin = new AdminClient(config);
            try {
                int open = admin.requireStream(stream);
                return new Target(io, null, admin, config, stream, open);
            } catch (RuntimeException e) {
                admin.close();
                throw e;
            }
        }
        if (shards < 1) {
            throw new ParameterException(cmd, "--shards must be at least 1 (got " + shards + ")");
        }
        if (stream != null && !stream.matches("[a-zA-Z0-9_.-]{1,128}")) {
            throw new ParameterException(cmd, "--stream must be 1..128 characters of [a-zA-Z0-9_.-] (got '"
                    + stream + "')");
        }
        // Validate the options before starting anything.
        Settings.config(cmd, conn, options, URI.create("http://127.0.0.1:1"), sink);
        long started = System.nanoTime();
        io.err().println("starting " + LocalKinesis.PACKAGE + " " + LocalKinesis.VERSION + " on 127.0.0.1...");
        LocalKinesis emulator = LocalKinesis.launch(io.err());
        guard.onSignal(() -> {
            emulator.close();
            return true;
        });
        AdminClient admin = null;
        try {
            // Build the clients while node starts: both take seconds on a cold JVM.
            Config config = Settings.config(cmd, conn, options, emulator.endpoint(), sink);
            admin = new AdminClient(config);
            emulator.awaitReady();
            io.err().printf(Locale.ROOT, "%s ready at %s (%.1f s)%n", LocalKinesis.PACKAGE, emulator.endpoint(),
                    (System.nanoTime() - started) / 1e9);
            String name = stream != null ? stream : prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
            admin.createStream(name, shards);
            io.err().println("created stream " + name + " with " + shards + " shard" + (shards == 1 ? "" : "s"));
            return new Target(io, emulator, admin, config, name, shards);
        } catch (RuntimeException e) {
            if (admin != null) {
                admin.close();
            }
            emulator.close();
            throw e;
        }
    }

    Config config() {
        return config;
    }

    AdminClient admin() {
        return admin;
    }

    String stream() {
        return stream;
    }

    /** The stream's open shards (-1 when a remote stream could not be described). */
    int shards() {
        return shards;
    }

    /** Whether this run started the emulator. */
    boolean local() {
        return emulator != null;
    }

    /** Where the records go, for messages. */
    String where() {
        return admin.where();
    }

    /** Closes the admin client and stops the emulator this run started. Idempotent. */
    @Override
    public void close() {
        admin.close();
        stopEmulator();
    }

    /** Stops the emulator (if this run started one); safe from the signal handler. */
    void stopEmulator() {
        if (emulator != null && emulator.stop()) {
            io.err().println(LocalKinesis.PACKAGE + " stopped");
            io.err().flush();
        }
    }
}
