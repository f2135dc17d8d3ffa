package dev.aiokpl.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.aiokpl.Config;
import dev.aiokpl.UserRecord;
import dev.aiokpl.testkit.MockProducer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.TestSinkInitContext;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The writer against {@link MockProducer}, with Flink's {@link TestSinkInitContext}. */
class AiokplSinkWriterTest {

    private final ExecutorService other = Executors.newCachedThreadPool();
    private final TestSinkInitContext context = new TestSinkInitContext();

    @AfterEach
    void stop() {
        other.shutdownNow();
    }

    private SinkWriter<String> writer(MockProducer producer, boolean failOnError) {
        AiokplSink<String> sink = AiokplSink.<String>builder()
                .setStreamName("events")
                .setSerializationSchema(new SimpleStringSchema())
                .setPartitionKeyGenerator(s -> "key-" + s)
                .setConfig(() -> Config.builder().region("us-east-1").build())
                .setFailOnError(failOnError)
                .setProducerFactory(config -> producer)
                .build();
        WriterInitContext initContext = context;
        return sink.createWriter(initContext);
    }

    private SinkWriterMetricGroup metrics() {
        return context.metricGroup();
    }

    private CompletableFuture<Void> async(ThrowingRunnable action) {
        return CompletableFuture.runAsync(() -> {
            try {
                action.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, other);
    }

    @Test
    void writesEachElementAsOneRecordAndCountsItWhenConfirmed() throws Exception {
        MockProducer producer = MockProducer.builder().autoComplete(false).build();
        SinkWriter<String> writer = writer(producer, true);

        writer.write("a", null);
        writer.write("bcd", null);
        assertThat(producer.history()).extracting(UserRecord::stream, UserRecord::partitionKey)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("events", "key-a"),
                        org.assertj.core.groups.Tuple.tuple("events", "key-bcd"));
        assertThat(metrics().getNumRecordsSendCounter().getCount()).isZero();

        producer.completeAll();
        writer.flush(false);
        assertThat(metrics().getNumRecordsSendCounter().getCount()).isEqualTo(2);
        assertThat(metrics().getNumBytesSendCounter().getCount()).isEqualTo(4);
        assertThat(metrics().getNumRecordsOutErrorsCounter().getCount()).isZero();
        assertThat(context.getCurrentSendTimeGauge()).isPresent();
        writer.close();
    }

    @Test
    void writeBlocksWhileTheProducerIsFullAndDropsNothing() throws Exception {
        MockProducer producer = MockProducer.builder().autoComplete(false).maxOutstandingRecords(2).build();
        SinkWriter<String> writer = writer(producer, true);
        writer.write("1", null);
        writer.write("2", null);

        Thread[] writing = new Thread[1];
        CompletableFuture<Void> third = async(() -> {
            writing[0] = Thread.currentThread();
            writer.write("3", null);
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> writing[0] != null
                && writing[0].getState() == Thread.State.TIMED_WAITING);
        assertThat(third).isNotDone();           // blocked on ProducerFullException, retrying
        assertThat(producer.history()).hasSize(2);

        producer.completeNext();                 // room for one more
        third.get(10, java.util.concurrent.TimeUnit.SECONDS);
        producer.completeAll();
        writer.flush(false);
        assertThat(producer.history()).extracting(r -> StandardCharsets.UTF_8.decode(r.data()).toString())
                .containsExactly("1", "2", "3");
        assertThat(metrics().getNumRecordsSendCounter().getCount()).isEqualTo(3);
        writer.close();
    }

    @Test
    void flushReturnsOnlyWhenEveryEarlierRecordIsConfirmed() throws Exception {
        MockProducer producer = MockProducer.builder().autoComplete(false).build();
        SinkWriter<String> writer = writer(producer, true);
        for (int i = 0; i < 3; i++) {
            writer.write("r" + i, null);
        }

        CompletableFuture<Void> flush = async(() -> writer.flush(false));
        producer.completeNext();
        producer.completeNext();
        assertThat(flush).isNotDone();
        producer.completeNext();
        flush.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(metrics().getNumRecordsSendCounter().getCount()).isEqualTo(3);
        writer.close();
    }

    @Test
    void aFailedRecordFailsFlushNamingTheStreamAndErrorCode() throws Exception {
        MockProducer producer = MockProducer.builder().autoComplete(false).build();
        SinkWriter<String> writer = writer(producer, true);
        writer.write("a", null);
        writer.write("b", null);
        producer.completeNext();
        producer.failNext("ResourceNotFoundException", "Stream events under account 000000000000 not found.");

        assertThatThrownBy(() -> writer.flush(false)).isInstanceOf(IOException.class)
                .hasMessageContaining("stream events").hasMessageContaining("ResourceNotFoundException");
        assertThatThrownBy(() -> writer.write("c", null)).isInstanceOf(IOException.class);
        assertThat(metrics().getNumRecordsOutErrorsCounter().getCount()).isEqualTo(1);
        assertThat(metrics().getNumRecordsSendCounter().getCount()).isEqualTo(1);
        writer.close();
    }

    @Test
    void withFailOnErrorFalseAFailureIsCountedAndTheWriterGoesOn() throws Exception {
        MockProducer producer = MockProducer.builder().autoComplete(false).build();
        SinkWriter<String> writer = writer(producer, false);
        writer.write("a", null);
        producer.failNext("InternalFailure", "boom");
        writer.flush(false);                                  // the checkpoint succeeds: "a" is lost

        writer.write("b", null);
        producer.completeNext();
        writer.flush(true);
        assertThat(metrics().getNumRecordsOutErrorsCounter().getCount()).isEqualTo(1);
        assertThat(metrics().getNumRecordsSendCounter().getCount()).isEqualTo(1);
        assertThat(producer.history()).hasSize(2);
        writer.close();
    }

    @Test
    void anInvalidElementFailsTheJobOrIsCountedWhenFailOnErrorIsFalse() throws Exception {
        SinkWriter<String> strict = writer(MockProducer.builder().build(), true);
        String tooLong = "k".repeat(300);                    // a 304-character partition key
        assertThatThrownBy(() -> strict.write(tooLong, null)).isInstanceOf(IOException.class)
                .hasMessageContaining("stream events").hasMessageContaining("partitionKey");
        strict.close();

        MockProducer producer = MockProducer.builder().build();
        SinkWriter<String> lenient = writer(producer, false);
        lenient.write(tooLong, null);
        lenient.write("ok", null);
        lenient.flush(false);
        assertThat(producer.history()).hasSize(1);
        assertThat(metrics().getNumRecordsOutErrorsCounter().getCount()).isEqualTo(2);
        lenient.close();
    }

    @Test
    void closeIsBoundedAndClosesTheProducer() throws Exception {
        MockProducer producer = MockProducer.builder().autoComplete(false).build();
        SinkWriter<String> writer = writer(producer, true);
        writer.write("never-confirmed", null);

        async(writer::close).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(producer.closed()).isTrue();
        assertThat(producer.outstandingRecords()).isZero();
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
