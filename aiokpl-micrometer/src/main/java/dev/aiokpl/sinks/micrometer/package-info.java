/**
 * {@link dev.aiokpl.sinks.micrometer.MicrometerSink}: the producer's metrics registered as meters in
 * a Micrometer {@code MeterRegistry}.
 */
package dev.aiokpl.sinks.micrometer;
