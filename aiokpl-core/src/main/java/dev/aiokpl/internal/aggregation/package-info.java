/**
 * The aggregator: one open aggregate per predicted shard, and the aggregation wire format (SPEC section 7).
 *
 * <p><b>Internal: not API</b>, like all of {@link dev.aiokpl.internal}.
 */
package dev.aiokpl.internal.aggregation;
