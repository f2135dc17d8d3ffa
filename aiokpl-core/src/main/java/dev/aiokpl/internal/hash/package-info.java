/**
 * Kinesis hash keys: MD5 of the partition key, or a parsed explicit hash key, as unsigned 128-bit values.
 *
 * <p><b>Internal: not API</b>, like all of {@link dev.aiokpl.internal}.
 */
package dev.aiokpl.internal.hash;
