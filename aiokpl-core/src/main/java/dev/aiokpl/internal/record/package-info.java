/**
 * The records that travel through the pipeline, and the results they complete with.
 *
 * <p><b>Internal: not API</b>, like all of {@link dev.aiokpl.internal}.
 */
package dev.aiokpl.internal.record;
