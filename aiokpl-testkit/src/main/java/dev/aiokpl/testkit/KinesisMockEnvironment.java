package dev.aiokpl.testkit;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The environment kinesis-local (kinesis-mock) is started with, shared by the test kit's launcher
 * and the command line's {@code --local} emulator: its ports and TLS certificate, instant stream
 * operations, generous limits, nothing persisted, and WARN logging unless the caller set a level.
 */
public final class KinesisMockEnvironment {

    private KinesisMockEnvironment() {
    }

    /**
     * Puts the settings into {@code env}.
     *
     * @param pkg       the installed {@code kinesis-local} package folder (holds {@code server.json})
     * @param plainPort the plain HTTP port
     * @param tlsPort   the HTTPS port
     * @param region    the emulator's region
     */
    public static void apply(Map<String, String> env, Path pkg, int plainPort, int tlsPort, String region) {
        env.put("KINESIS_MOCK_CERT_PATH", pkg.resolve("server.json").toString());
        env.put("KINESIS_MOCK_PLAIN_PORT", Integer.toString(plainPort));
        env.put("KINESIS_MOCK_TLS_PORT", Integer.toString(tlsPort));
        for (String operation : List.of("CREATE_STREAM", "DELETE_STREAM", "MERGE_SHARDS", "SPLIT_SHARD",
                "UPDATE_SHARD_COUNT", "UPDATE_STREAM_MODE", "REGISTER_STREAM_CONSUMER",
                "DEREGISTER_STREAM_CONSUMER", "START_STREAM_ENCRYPTION", "STOP_STREAM_ENCRYPTION")) {
            env.put(operation + "_DURATION", "0ms");
        }
        env.put("SHARD_LIMIT", "1000");
        env.put("ON_DEMAND_STREAM_COUNT_LIMIT", "100");
        env.put("SHOULD_PERSIST_DATA", "false");
        env.put("LOAD_DATA_IF_EXISTS", "false");
        env.put("AWS_REGION", region);
        env.putIfAbsent("LOG_LEVEL", "WARN");
    }
}
