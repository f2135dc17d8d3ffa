/**
 * Wiring and shared helpers of the producer: DefaultProducer (the real Producer), input validation, time and threads.
 *
 * <p><b>Internal: not API.</b> Public only so the other packages of aiokpl can use it; it may change
 * or disappear in any release without notice. Use {@code dev.aiokpl}, {@code dev.aiokpl.sinks} and
 * {@code dev.aiokpl.testkit} instead.
 */
package dev.aiokpl.internal;
