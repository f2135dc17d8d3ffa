package dev.aiokpl.internal.aggregation;

/**
 * Thrown by {@link AggregationCodec#decode(byte[])} when bytes are not a well-formed KPL aggregate:
 * wrong magic, MD5 mismatch, truncated or malformed protobuf, a table index out of range, or a
 * missing required field. The message says which, and where.
 */
public final class InvalidAggregateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming what is wrong. */
    public InvalidAggregateException(String message) {
        super(message);
    }
}
