package dev.aiokpl.internal.metrics;

import dev.aiokpl.sinks.EventfulMetricsSink;
import dev.aiokpl.sinks.MetricEvent;

/** The eventful sink of docs/metrics.md, kept here so the page's code compiles and runs. */
public class EventfulStdoutSink extends StdoutSink implements EventfulMetricsSink {

    @Override
    public void record(MetricEvent event) {
        System.out.println("event " + event.name() + "=" + event.value() + " dims=" + event.dimensions());
    }
}
