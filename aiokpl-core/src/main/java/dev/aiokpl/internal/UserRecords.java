package dev.aiokpl.internal;

import dev.aiokpl.UserRecord;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Function;

/**
 * The producers' way to a {@link UserRecord}'s data array without a copy and without a public
 * accessor: {@code UserRecord} installs it here when its class initialises (as {@code RecordResult}
 * does with {@link dev.aiokpl.internal.record.Results}).
 */
public final class UserRecords {

    private static volatile Function<UserRecord, byte[]> dataArray;

    private UserRecords() {
    }

    /**
     * Called once by {@code UserRecord}'s static initialiser; later calls are ignored, so nothing
     * else can replace it.
     */
    public static void install(Function<UserRecord, byte[]> accessor) {
        synchronized (UserRecords.class) {
            if (dataArray == null) {
                dataArray = Objects.requireNonNull(accessor, "accessor");
            }
        }
    }

    /** The record's data array itself (not a copy): do not modify it. */
    public static byte[] data(UserRecord record) {
        // An instance exists, so UserRecord's class is initialised and the accessor installed.
        return dataArray.apply(record);
    }

    /** A copy of the buffer's remaining bytes; its position is unchanged. */
    public static byte[] copy(ByteBuffer buffer) {
        Objects.requireNonNull(buffer, "data");
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
