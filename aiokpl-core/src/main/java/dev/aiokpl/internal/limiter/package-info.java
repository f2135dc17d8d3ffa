/**
 * The per-shard limiter: token buckets for records and bytes, cut on throttling.
 *
 * <p><b>Internal: not API</b>, like all of {@link dev.aiokpl.internal}.
 */
package dev.aiokpl.internal.limiter;
