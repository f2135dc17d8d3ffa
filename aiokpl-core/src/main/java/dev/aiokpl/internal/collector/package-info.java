/**
 * The collector: decides when a stream's Kinesis records are ready to go (a request's worth, or due)
 * and holds them in a {@link dev.aiokpl.internal.collector.ReadyQueue}, from which the sender pulls
 * each request within the service's limits and its send window's.
 *
 * <p><b>Internal: not API</b>, like all of {@link dev.aiokpl.internal}.
 */
package dev.aiokpl.internal.collector;
