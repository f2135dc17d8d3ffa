package dev.aiokpl.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** Waits for a freshly started emulator to answer a real Kinesis call (shared by the test kit and the CLI). */
public final class EmulatorProbe {

    private EmulatorProbe() {
    }

    /**
     * Polls with ListStreams (JSON, a dummy signature the emulators accept) until it answers 200.
     *
     * @param endpoint the emulator's plain-HTTP endpoint
     * @param process  the emulator's process: its death ends the wait
     * @param name     what to call it in errors (its npm package)
     * @param timeout  how long to wait at most
     * @param logTail  the last lines of its log, for the error message
     * @throws IllegalStateException if it exits, does not answer in time, or the wait is interrupted
     */
    public static void awaitReady(URI endpoint, Process process, String name, Duration timeout,
            Supplier<String> logTail) {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        HttpRequest listStreams = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(2))
                .header("Content-Type", "application/x-amz-json-1.1")
                .header("X-Amz-Target", "Kinesis_20131202.ListStreams")
                .header("X-Amz-Date", "20240101T000000Z")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=aiokpl/20240101/" + KinesisEmulator.REGION
                        + "/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=0")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (http.send(listStreams, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue()
                        + " during start; last lines of its log:\n" + logTail.get());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(name + " did not answer on " + endpoint + " within " + timeout
                        + "; last lines of its log:\n" + logTail.get());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }
}
