/**
 * The pipeline engine: the pipeline thread and its step method, capacity, flush tracking and completion.
 *
 * <p><b>Internal: not API</b>, like all of {@link dev.aiokpl.internal}.
 */
package dev.aiokpl.internal.pipeline;
