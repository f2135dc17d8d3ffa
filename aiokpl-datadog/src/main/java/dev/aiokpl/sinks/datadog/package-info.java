/**
 * {@link dev.aiokpl.sinks.datadog.DatadogSink}: the producer's metrics sent to a Datadog agent over
 * DogStatsD.
 */
package dev.aiokpl.sinks.datadog;
