/**
 * Ordered delivery ({@code Config.orderedDelivery}): one lane per shard, at most one Kinesis record
 * of a shard in flight, retries at the head of their lane, a split or merged shard's children held
 * until their parents' records are confirmed.
 *
 * <p><b>Internal: not API</b>, like all of {@link dev.aiokpl.internal}.
 */
package dev.aiokpl.internal.ordered;
