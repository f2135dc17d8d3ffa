package dev.aiokpl.bench.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording of a benchmark run: the hottest methods (CPU samples, by top frame and
 * by the first {@code dev.aiokpl} frame on the stack) and the biggest allocation sites
 * ({@code jdk.ObjectAllocationSample} weight by class and first {@code dev.aiokpl} frame), per user
 * record when given the record count.
 *
 * <p>{@code java -cp ... dev.aiokpl.bench.e2e.JfrTop FILE.jfr [records] [top]}
 */
public final class JfrTop {

    private JfrTop() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        long records = args.length > 1 ? Long.parseLong(args[1]) : 0;
        int top = args.length > 2 ? Integer.parseInt(args[2]) : 25;
        Map<String, Long> selfSamples = new HashMap<>();
        Map<String, Long> aiokplSamples = new HashMap<>();
        Map<String, Long> allocByClassAndSite = new HashMap<>();
        Map<String, Long> allocBySite = new HashMap<>();
        long samples = 0;
        long allocated = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            if (type.equals("jdk.ExecutionSample")) {
                samples++;
                RecordedStackTrace st = e.getStackTrace();
                if (st == null || st.getFrames().isEmpty()) {
                    continue;
                }
                selfSamples.merge(frame(st.getFrames().get(0)), 1L, Long::sum);
                aiokplSamples.merge(firstAiokpl(st.getFrames()), 1L, Long::sum);
            } else if (type.equals("jdk.ObjectAllocationSample")) {
                long weight = e.getLong("weight");
                allocated += weight;
                RecordedStackTrace st = e.getStackTrace();
                String site = st == null ? "?" : firstAiokpl(st.getFrames());
                String cls = e.getClass("objectClass").getName();
                allocByClassAndSite.merge(cls + " @ " + (st == null || st.getFrames().isEmpty() ? "?"
                        : frame(st.getFrames().get(0))) + " <- " + site, weight, Long::sum);
                allocBySite.merge(site, weight, Long::sum);
            }
        }
        System.out.printf("%s: %d CPU samples, %.1f MB allocated (sampled estimate)%s%n", file, samples, allocated / 1e6,
                records > 0 ? String.format(", %.0f B per record", (double) allocated / records) : "");
        print("CPU, top frame", selfSamples, samples, top, "%");
        print("CPU, by first dev.aiokpl frame on the stack (inclusive)", aiokplSamples, samples, top, "%");
        print("allocation, by first dev.aiokpl frame", allocBySite, records > 0 ? -records : allocated, top, "B/rec");
        print("allocation, by class @ allocating frame <- first dev.aiokpl frame", allocByClassAndSite,
                records > 0 ? -records : allocated, top, "B/rec");
    }

    private static void print(String title, Map<String, Long> counts, long total, int top, String unit) {
        System.out.println();
        System.out.println("## " + title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(en -> {
                    if (total < 0) {
                        System.out.printf("%8.1f %s  %s%n", (double) en.getValue() / -total, unit, en.getKey());
                    } else {
                        System.out.printf("%7.2f %%  %s%n", 100.0 * en.getValue() / total, en.getKey());
                    }
                });
    }

    private static String frame(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName() + ":" + f.getLineNumber();
    }

    private static String firstAiokpl(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            if (f.getMethod() != null && f.getMethod().getType().getName().startsWith("dev.aiokpl.")
                    && !f.getMethod().getType().getName().startsWith("dev.aiokpl.bench.")) {
                return frame(f);
            }
        }
        return "(no dev.aiokpl frame: " + (frames.isEmpty() ? "?" : threadHint(frames)) + ")";
    }

    private static String threadHint(List<RecordedFrame> frames) {
        RecordedFrame last = frames.get(frames.size() - 1);
        String bottom = last.getMethod().getType().getName();
        for (RecordedFrame f : frames) {
            String t = f.getMethod().getType().getName();
            if (t.startsWith("io.netty.") || t.startsWith("software.amazon.") || t.startsWith("dev.aiokpl.bench.")) {
                return t.substring(0, t.lastIndexOf('.')) + ".*";
            }
        }
        return bottom;
    }
}
