/**
 * The retrier: classifies each answer (success, retry, fail) and computes backoff.
 *
 * <p><b>Internal: not API</b>, like all of {@link dev.aiokpl.internal}.
 */
package dev.aiokpl.internal.retry;
