package dev.aiokpl.sinks;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The dimension keys the producer uses, and an order-keeping immutable copy helper. */
public final class Dimensions {

    /** The stream name dimension ({@code StreamName} in CloudWatch). */
    public static final String STREAM = "stream";
    /** The shard id dimension ({@code ShardId} in CloudWatch). */
    public static final String SHARD = "shard";
    /** The error code dimension ({@code ErrorCode} in CloudWatch). */
    public static final String ERROR_CODE = "error_code";

    private Dimensions() {
    }

    /**
     * Returns an unmodifiable copy of {@code dimensions} keeping its iteration order; returns the
     * argument itself when it is already such a copy.
     */
    static Map<String, String> copyOf(Map<String, String> dimensions) {
        if (dimensions instanceof Frozen) {
            return dimensions;
        }
        if (dimensions.isEmpty()) {
            return Collections.emptyMap();
        }
        return new Frozen(dimensions);
    }

    /** Marker type for maps already copied, so copying twice costs nothing. */
    private static final class Frozen extends java.util.AbstractMap<String, String> {
        private final Map<String, String> delegate;

        Frozen(Map<String, String> source) {
            this.delegate = Collections.unmodifiableMap(new LinkedHashMap<>(source));
        }

        @Override
        public java.util.Set<Entry<String, String>> entrySet() {
            return delegate.entrySet();
        }

        @Override
        public String get(Object key) {
            return delegate.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return delegate.containsKey(key);
        }

        @Override
        public int size() {
            return delegate.size();
        }
    }
}
