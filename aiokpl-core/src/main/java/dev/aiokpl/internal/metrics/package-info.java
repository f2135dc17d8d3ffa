/**
 * The metrics manager: windowed aggregation of the KPL's metrics and the upload loop to the sink.
 *
 * <p><b>Internal: not API</b>, like all of {@link dev.aiokpl.internal}.
 */
package dev.aiokpl.internal.metrics;
