package dev.aiokpl.kafka.connect;

import static dev.aiokpl.kafka.connect.TaskFixture.record;
import static dev.aiokpl.kafka.connect.TaskFixture.tp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.testkit.MockProducer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * {@code preCommit} never returns an offset past a record whose outcome the task has not seen,
 * whatever order the producer completes records in (success, or failure reported to the
 * dead-letter queue), and commits everything once everything is done.
 */
class PreCommitProperties {

    @Property(tries = 200)
    void preCommitNeverPassesAnUnconfirmedRecord(@ForAll @IntRange(min = 1, max = 3) int partitions,
                                                 @ForAll @IntRange(min = 1, max = 40) int perPartition,
                                                 @ForAll @IntRange(min = 0, max = 30) int failPercent,
                                                 @ForAll long seed) {
        Random random = new Random(seed);
        List<Runnable> callbacks = new ArrayList<>();
        MockProducer producer = MockProducer.builder().autoComplete(false).callbackExecutor(callbacks::add).build();
        TopicPartition[] tps = new TopicPartition[partitions];
        for (int p = 0; p < partitions; p++) {
            tps[p] = tp(p);
        }
        FakeSinkTaskContext context = FakeSinkTaskContext.withDlq(tps);
        TaskFixture f = new TaskFixture(producer, context, Map.of());

        // Put in random interleaved batches; each callback (a completion) is queued, not run.
        Map<TopicPartition, TreeSet<Long>> undelivered = new HashMap<>();
        List<SinkRecord> all = new ArrayList<>();
        long[] next = new long[partitions];
        while (all.size() < partitions * perPartition) {
            List<SinkRecord> batch = new ArrayList<>();
            for (int i = random.nextInt(8); i >= 0; i--) {
                int p = random.nextInt(partitions);
                if (next[p] < perPartition) {
                    SinkRecord r = record(p, next[p]++);
                    batch.add(r);
                    all.add(r);
                    undelivered.computeIfAbsent(tp(p), k -> new TreeSet<>()).add(r.kafkaOffset());
                }
            }
            f.put(batch);
            if (random.nextBoolean()) {
                checkNeverPast(f.preCommit(), undelivered, f.consumed);
            }
        }
        // The producer finishes records in its order; their callbacks run in a random order.
        int failed = 0;
        for (SinkRecord ignored : all) {
            if (random.nextInt(100) < failPercent) {
                failed++;
                producer.failNext("InternalFailure", "injected");
            } else {
                producer.completeNext();
            }
        }
        List<SinkRecord> byPutOrder = producer.history().stream().map(u -> findRecord(all, u.data())).toList();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < callbacks.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        for (int i : order) {
            callbacks.get(i).run();
            SinkRecord done = byPutOrder.get(i);
            undelivered.get(new TopicPartition(done.topic(), done.kafkaPartition())).remove(done.kafkaOffset());
            if (random.nextInt(4) == 0) {
                checkNeverPast(f.preCommit(), undelivered, f.consumed);
            }
        }
        Map<TopicPartition, OffsetAndMetadata> end = f.preCommit();
        for (int p = 0; p < partitions; p++) {
            if (f.consumed.containsKey(tp(p))) {
                assertThat(end.get(tp(p)).offset()).as("everything done: all of " + tp(p)).isEqualTo(next[p]);
            }
        }
        assertThat(context.reported).as("every failed record in the dead-letter queue").hasSize(failed);
    }

    private static SinkRecord findRecord(List<SinkRecord> all, ByteBuffer data) {
        String s = StandardCharsets.UTF_8.decode(data.duplicate()).toString();
        return all.stream().filter(r -> s.equals(new String((byte[]) r.value(), StandardCharsets.UTF_8)))
                .findFirst().orElseThrow();
    }

    /** Every returned offset is at most the oldest record whose callback has not run, and exactly it (all else is done). */
    private static void checkNeverPast(Map<TopicPartition, OffsetAndMetadata> committed,
                                       Map<TopicPartition, TreeSet<Long>> undelivered,
                                       Map<TopicPartition, OffsetAndMetadata> consumed) {
        committed.forEach((tp, offset) -> {
            TreeSet<Long> pending = undelivered.getOrDefault(tp, new TreeSet<>());
            long expected = pending.isEmpty() ? consumed.get(tp).offset() : pending.first();
            assertThat(offset.offset()).as(tp + " with callbacks pending for " + pending).isEqualTo(expected);
        });
    }
}
