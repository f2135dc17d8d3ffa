/**
 * {@link dev.aiokpl.sinks.cloudwatch.CloudWatchSink}: the producer's metrics published to Amazon
 * CloudWatch with PutMetricData, as the KPL does.
 */
package dev.aiokpl.sinks.cloudwatch;
