package dev.aiokpl.kafka.connect;

import dev.aiokpl.testkit.MockProducer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/** A started task on a {@link MockProducer} and a {@link FakeSinkTaskContext}, tracking what Connect would have consumed. */
final class TaskFixture {

    static final String TOPIC = "orders";
    static final String STREAM = "orders-stream";

    final MockProducer producer;
    final FakeSinkTaskContext context;
    final AiokplSinkTask task;
    /** Connect's current offsets: just past the last record a put accepted without throwing. */
    final Map<TopicPartition, OffsetAndMetadata> consumed = new HashMap<>();

    TaskFixture(MockProducer producer, FakeSinkTaskContext context, Map<String, String> extra) {
        this.producer = producer;
        this.context = context;
        this.task = new AiokplSinkTask(config -> producer);
        task.initialize(context);
        Map<String, String> props = new HashMap<>(baseProps());
        props.putAll(extra);
        task.start(props);
    }

    static Map<String, String> baseProps() {
        return Map.of(AiokplSinkConfig.REGION, "us-east-1", AiokplSinkConfig.STREAM_NAME, STREAM,
                AiokplSinkConfig.CLOSE_TIMEOUT, "200");
    }

    static TopicPartition tp(int partition) {
        return new TopicPartition(TOPIC, partition);
    }

    static SinkRecord record(int partition, long offset) {
        return new SinkRecord(TOPIC, partition, null, "key-" + offset, null,
                (TOPIC + "-" + partition + "-" + offset).getBytes(StandardCharsets.UTF_8), offset);
    }

    /** Puts the records as Connect would: on success, the consumed offsets advance. */
    void put(List<SinkRecord> records) {
        task.put(records);
        for (SinkRecord r : records) {
            consumed.put(new TopicPartition(r.topic(), r.kafkaPartition()), new OffsetAndMetadata(r.kafkaOffset() + 1));
        }
    }

    Map<TopicPartition, OffsetAndMetadata> preCommit() {
        return task.preCommit(new HashMap<>(consumed));
    }

    long committed(int partition) {
        return preCommit().get(tp(partition)).offset();
    }
}
