/**
 * The shard map: ListShards, lookup by hash key, refreshes.
 *
 * <p><b>Internal: not API</b>, like all of {@link dev.aiokpl.internal}.
 */
package dev.aiokpl.internal.shardmap;
