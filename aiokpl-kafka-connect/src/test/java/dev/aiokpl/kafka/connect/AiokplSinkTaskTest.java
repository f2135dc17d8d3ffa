package dev.aiokpl.kafka.connect;

import static dev.aiokpl.kafka.connect.TaskFixture.STREAM;
import static dev.aiokpl.kafka.connect.TaskFixture.record;
import static dev.aiokpl.kafka.connect.TaskFixture.tp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aiokpl.UserRecord;
import dev.aiokpl.testkit.MockProducer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class AiokplSinkTaskTest {

    private static List<SinkRecord> records(int partition, long from, long to) {
        return LongStream.range(from, to).mapToObj(o -> record(partition, o)).toList();
    }

    private static MockProducer.Builder manual() {
        return MockProducer.builder().autoComplete(false).shardCount(4);
    }

    @Test
    void preCommitStopsAtTheOldestUnconfirmedRecord() {
        TaskFixture f = new TaskFixture(manual().build(), FakeSinkTaskContext.withoutDlq(tp(0)), Map.of());
        f.put(records(0, 0, 5));
        assertThat(f.committed(0)).isZero();

        f.producer.completeNext();
        f.producer.completeNext();
        assertThat(f.committed(0)).isEqualTo(2);

        f.producer.completeAll();
        assertThat(f.committed(0)).isEqualTo(5);
    }

    @Test
    void recordsGoToTheStreamWithTheirKeyAndTheValueBytes() {
        TaskFixture f = new TaskFixture(MockProducer.builder().build(), FakeSinkTaskContext.withoutDlq(tp(0)), Map.of());
        f.put(records(0, 0, 2));
        List<UserRecord> sent = f.producer.history();
        assertThat(sent).extracting(UserRecord::stream).containsOnly(STREAM);
        assertThat(sent).extracting(UserRecord::partitionKey).containsExactly("key-0", "key-1");
        assertThat(StandardCharsets.UTF_8.decode(sent.get(1).data()).toString()).isEqualTo("orders-0-1");
        assertThat(f.committed(0)).isEqualTo(2);
    }

    @Test
    void aTombstoneIsSkippedAndDoesNotHoldTheOffsetBack() {
        TaskFixture f = new TaskFixture(MockProducer.builder().build(), FakeSinkTaskContext.withoutDlq(tp(0)), Map.of());
        f.put(List.of(record(0, 0), new SinkRecord(TaskFixture.TOPIC, 0, null, "k", null, null, 1), record(0, 2)));
        assertThat(f.producer.history()).hasSize(2);
        assertThat(f.committed(0)).isEqualTo(3);
    }

    @Test
    void aFailedRecordGoesToTheDeadLetterQueueAndIsCommittedOnlyOnceThere() {
        FakeSinkTaskContext context = FakeSinkTaskContext.withDlq(tp(0));
        context.dlqCompletesAtOnce = false;
        TaskFixture f = new TaskFixture(manual().build(), context, Map.of());
        f.put(records(0, 0, 3));
        f.producer.completeNext();
        f.producer.failNext("ResourceNotFoundException", "Stream orders-stream under account 000000000000 not found.");
        f.producer.completeNext();

        assertThat(f.committed(0)).as("reported, the DLQ has not confirmed yet").isEqualTo(1);
        assertThat(context.reported).hasSize(1);
        FakeSinkTaskContext.Reported r = context.reported.get(0);
        assertThat(r.record().kafkaOffset()).isEqualTo(1);
        assertThat(r.error()).hasMessageContaining(STREAM).hasMessageContaining("ResourceNotFoundException");

        r.future().complete(null);
        assertThat(f.committed(0)).isEqualTo(3);
        f.put(List.of()); // no failure of the task
    }

    @Test
    void withoutADeadLetterQueueAFailureFailsTheTaskNamingStreamAndCode() {
        TaskFixture f = new TaskFixture(manual().build(), FakeSinkTaskContext.withoutDlq(tp(0)), Map.of());
        f.put(records(0, 0, 3));
        f.producer.completeNext();
        f.producer.failNext("ResourceNotFoundException", "Stream orders-stream under account 000000000000 not found.");
        f.producer.completeNext();

        assertThatThrownBy(() -> f.task.put(records(0, 3, 4)))
                .isInstanceOf(ConnectException.class)
                .isNotInstanceOf(RetriableException.class)
                .hasMessageContaining("'" + STREAM + "'")
                .hasMessageContaining("ResourceNotFoundException")
                .hasMessageContaining("orders-0@1");
        assertThat(f.committed(0)).as("never past the failed record").isEqualTo(1);
        assertThatThrownBy(() -> f.task.put(List.of())).isInstanceOf(ConnectException.class);
    }

    @Test
    void aRecordTheProducerRejectsIsAFailedRecordToo() {
        FakeSinkTaskContext context = FakeSinkTaskContext.withDlq(tp(0));
        TaskFixture f = new TaskFixture(MockProducer.builder().build(), context, Map.of());
        SinkRecord structValue = new SinkRecord(TaskFixture.TOPIC, 0, null, "k", null, Map.of("a", 1), 0);
        f.put(List.of(structValue, record(0, 1)));
        assertThat(f.committed(0)).isEqualTo(2);
        assertThat(context.reported).singleElement().satisfies(r -> assertThat(r.error())
                .hasMessageContaining("InvalidRecord").hasMessageContaining("ByteArrayConverter"));
    }

    @Test
    void aFullProducerPausesThePartitionsThenFailsThePutRetriablyAndARedeliveryIsNotSentTwice() {
        MockProducer producer = manual().maxOutstandingRecords(10).build();
        FakeSinkTaskContext context = FakeSinkTaskContext.withoutDlq(tp(0), tp(1));
        TaskFixture f = new TaskFixture(producer, context,
                Map.of(AiokplSinkConfig.OUTSTANDING_RECORDS_THRESHOLD, "10", AiokplSinkConfig.SLEEP_PERIOD, "250"));

        f.put(records(0, 0, 8));
        assertThat(context.paused).as("80% of the threshold").containsExactlyInAnyOrder(tp(0), tp(1));
        assertThat(context.timeout).as("polls again soon to resume").isPositive().isLessThan(250);

        List<SinkRecord> batch = records(1, 0, 5);
        assertThatThrownBy(() -> f.task.put(batch)).isInstanceOf(RetriableException.class)
                .hasMessageContaining("full");
        assertThat(context.timeout).isEqualTo(250);
        assertThat(producer.history()).hasSize(10);

        producer.completeAll();
        f.put(batch); // Connect redelivers the same batch
        assertThat(producer.history()).as("the two accepted before are not sent again").hasSize(13);
        assertThat(context.paused).as("below half the threshold: resumed").isEmpty();

        producer.completeAll();
        assertThat(f.committed(0)).isEqualTo(8);
        assertThat(f.committed(1)).isEqualTo(5);
    }

    @Test
    void closeWaitsForThePartitionsRecordsThenForgetsThem() throws Exception {
        MockProducer producer = manual().build();
        TaskFixture f = new TaskFixture(producer, FakeSinkTaskContext.withoutDlq(tp(0), tp(1)),
                Map.of(AiokplSinkConfig.CLOSE_TIMEOUT, "10000"));
        f.put(records(0, 0, 3));
        ScheduledExecutorService completer = Executors.newSingleThreadScheduledExecutor();
        try {
            completer.schedule(producer::completeAll, 100, TimeUnit.MILLISECONDS);
            long started = System.nanoTime();
            f.task.close(List.of(tp(0)));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        } finally {
            completer.shutdownNow();
        }
        assertThat(producer.outstandingRecords()).isZero();
    }

    @Test
    void closeIsBoundedAndALateFailureOfARevokedPartitionDoesNotFailTheTask() {
        MockProducer producer = manual().build();
        TaskFixture f = new TaskFixture(producer, FakeSinkTaskContext.withoutDlq(tp(0), tp(1)), Map.of());
        f.put(records(0, 0, 2));
        f.put(records(1, 0, 1));
        f.producer.completeNext();

        long started = System.nanoTime();
        f.task.close(List.of(tp(0))); // closeTimeout=200 ms
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(150));

        producer.failNext("InternalFailure", "late");   // tp0@1: revoked, replayed by its next owner
        f.put(List.of());                                // the task goes on
        assertThat(f.committed(1)).as("tp1@0 still in flight").isZero();
        producer.completeNext();
        assertThat(f.committed(1)).isEqualTo(1);

        f.consumed.remove(tp(0));
        f.put(records(0, 1, 2)); // reassigned later: offset 1 is new again
        assertThat(producer.history()).hasSize(4);
    }

    @Test
    void stopClosesTheProducer() {
        MockProducer producer = manual().build();
        TaskFixture f = new TaskFixture(producer, FakeSinkTaskContext.withoutDlq(tp(0)), Map.of());
        f.put(records(0, 0, 1));
        f.task.stop();
        assertThat(producer.closed()).isTrue();
        assertThat(f.committed(0)).as("failed as Closed by stop: not committed").isZero();
    }
}
