/**
 * The collector: packs Kinesis records into PutRecords batches within the service's limits.
 *
 * <p><b>Internal: not API</b>, like all of {@link dev.aiokpl.internal}.
 */
package dev.aiokpl.internal.collector;
