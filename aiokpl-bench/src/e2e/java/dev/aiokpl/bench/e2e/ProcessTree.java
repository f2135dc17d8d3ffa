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

    /**
     * CPU of the live threads of this JVM and its children, grouped by thread name with numbers
     * dropped ("C2 CompilerThread0" and "...1" are one group), largest first: user and system
     * milliseconds per group, plus the whole processes' user and system time (ended threads
     * included). For the run's log: where the process's CPU went beyond what a profiler samples.
     */
    static String threadCpuSummary() {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(ProcessHandle.current());
        all.addAll(ProcessHandle.current().descendants().collect(Collectors.toList()));
        java.util.Map<String, long[]> groups = new java.util.TreeMap<>();
        StringBuilder totals = new StringBuilder();
        for (ProcessHandle p : all) {
            long[] whole = ticks(Path.of("/proc", Long.toString(p.pid()), "stat"));
            if (whole != null) {
                totals.append(" process ").append(p.pid()).append(": user ").append(whole[0] * 10).append(" ms, sys ")
                        .append(whole[1] * 10).append(" ms;");
            }
            try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(p.pid()), "task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    String stat = read(task.resolve("stat"));
                    long[] t = ticks(stat);
                    if (t == null) {
                        continue;
                    }
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                            .replaceAll("[#-]?\\d+$", "").replaceAll("\\d+", "N");
                    long[] g = groups.computeIfAbsent(name, k -> new long[2]);
                    g[0] += t[0];
                    g[1] += t[1];
                }
            } catch (IOException | RuntimeException gone) {
                // the process ended meanwhile
            }
        }
        StringBuilder out = new StringBuilder("thread CPU (live threads, user+sys ms):");
        groups.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0] + b.getValue()[1],
                a.getValue()[0] + a.getValue()[1])).forEach(e -> out.append(" [").append(e.getKey()).append("] ")
                .append(e.getValue()[0] * 10).append('+').append(e.getValue()[1] * 10));
        return out.append(";").append(totals).toString();
    }

    private static long[] ticks(Path statFile) {
        return ticks(read(statFile));
    }

    /** utime and stime (clock ticks of 10 ms) of a /proc stat line, or null. */
    private static long[] ticks(String stat) {
        if (stat == null) {
            return null;
        }
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after the comm: state(0) ppid(1) ... utime is field 14 overall, i.e. index 11 here
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException | RuntimeException gone) {
            return null;
        }
    }
}
