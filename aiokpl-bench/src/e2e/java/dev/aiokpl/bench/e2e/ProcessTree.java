package dev.aiokpl.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * CPU time and peak resident memory of this JVM and every process it started (the KPL's native
 * {@code kinesis_producer} child), read from {@code /proc}: a process's CPU time counts all its
 * threads, including those that have already ended.
 */
record ProcessTree(long cpuNanos, long peakRssKb, int processes) {

    static ProcessTree now() {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(ProcessHandle.current());
        all.addAll(ProcessHandle.current().descendants().collect(Collectors.toList()));
        long cpu = 0;
        long rss = 0;
        for (ProcessHandle p : all) {
            cpu += p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
            rss += peakRssKb(p.pid());
        }
        return new ProcessTree(cpu, rss, all.size());
    }

    /** {@code VmHWM} of {@code /proc/<pid>/status}: the process's peak resident set. */
    static long peakRssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException gone) {
            // The process ended between listing and reading: it has no memory to count.
        }
        return 0;
    }
}
