/**
 * The sender: PutRecords requests, through the SDK client or written directly, and their error classification.
 *
 * <p><b>Internal: not API</b>, like all of {@link dev.aiokpl.internal}.
 */
package dev.aiokpl.internal.sender;
