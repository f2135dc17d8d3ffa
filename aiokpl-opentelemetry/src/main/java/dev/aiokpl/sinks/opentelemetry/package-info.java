/**
 * {@link dev.aiokpl.sinks.opentelemetry.OpenTelemetrySink}: the producer's metrics recorded on an
 * OpenTelemetry {@code Meter} (API only; the application owns the SDK).
 */
package dev.aiokpl.sinks.opentelemetry;
