package dev.aiokpl.kafka.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aiokpl.testkit.FaultProxy;
import dev.aiokpl.testkit.HashKeys;
import dev.aiokpl.testkit.IntegrationTest;
import dev.aiokpl.testkit.KinesisEmulator;
import dev.aiokpl.testkit.ReadRecord;
import dev.aiokpl.testkit.StreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The connector in a real Connect worker ({@link EmbeddedConnectCluster}: one KRaft broker, one
 * worker, in this JVM) writing to kinesalite through the test kit's {@link FaultProxy}, read back
 * with KCL's de-aggregator.
 */
@IntegrationTest
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ConnectEndToEndIT {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectEndToEndIT.class);
    private static final int PARTITIONS = 3;
    private static final int SHARDS = 4;
    /** User records in each of the two phases (before and after the worker restart). */
    private static final int PER_PHASE = 50_000;
    private static final Duration WAIT = Duration.ofMinutes(2);

    private static EmbeddedConnectCluster connect;
    private static KinesisEmulator kinesalite;
    private static FaultProxy proxy;
    private static Admin admin;

    @BeforeAll
    static void start() {
        kinesalite = KinesisEmulator.kinesalite();
        proxy = FaultProxy.start(kinesalite);
        Map<String, String> workerProps = new HashMap<>();
        workerProps.put("plugin.discovery", "service_load");
        workerProps.put("offset.flush.interval.ms", "500");
        workerProps.put("task.shutdown.graceful.timeout.ms", "10000");
        connect = new EmbeddedConnectCluster.Builder()
                .name("aiokpl-connect-it")
                .numWorkers(1)
                .numBrokers(1)
                .workerProps(workerProps)
                .build();
        connect.start();
        admin = connect.kafka().createAdminClient();
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (connect != null) {
            connect.stop();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private static Map<String, String> connectorProps(String topic, String stream) {
        Map<String, String> props = new HashMap<>();
        props.put("connector.class", AiokplSinkConnector.class.getName());
        props.put("tasks.max", "1");
        props.put("topics", topic);
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        props.put(AiokplSinkConfig.REGION, kinesalite.region());
        props.put(AiokplSinkConfig.STREAM_NAME, stream);
        props.put(AiokplSinkConfig.KINESIS_ENDPOINT, proxy.endpoint().toString());
        props.put(AiokplSinkConfig.CLOSE_TIMEOUT, "1000");
        return props;
    }

    @Test
    void everyRecordArrivesAggregatedAcrossAWorkerRestartWithRecordsInFlight() throws Exception {
        String topic = "e2e-" + System.nanoTime();
        String stream = kinesalite.uniqueStreamName("connect-e2e");
        kinesalite.createStream(stream, SHARDS);
        connect.kafka().createTopic(topic, PARTITIONS);
        proxy.throttleRecords(stream, 0.05);

        long[] nextOffset = new long[PARTITIONS];
        produce(topic, 0, PER_PHASE, nextOffset);
        LOG.info("phase 1 produced; starting the connector");
        connect.configureConnector("e2e", connectorProps(topic, stream));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("e2e", 1, "the connector did not start");
        await("phase 1 committed").atMost(WAIT).until(() -> committed("e2e") == PER_PHASE);

        LOG.info("phase 1 committed");
        // Phase 2 with the stream stalled: records in flight when the worker stops.
        proxy.hold(stream);
        produce(topic, PER_PHASE, PER_PHASE, nextOffset);
        await("PutRecords held").atMost(WAIT).until(() -> proxy.heldRequests() > 0);
        connect.removeWorker();
        long committedAtStop = committed("e2e");
        LOG.info("worker stopped with {} of {} offsets committed, {} requests held", committedAtStop, 2 * PER_PHASE,
                proxy.heldRequests());
        assertThat(committedAtStop).as("phase 1 committed, held records not").isBetween((long) PER_PHASE, 2L * PER_PHASE - 1);
        proxy.release(); // what was held lands now: the replay after the restart duplicates it

        connect.addWorker();
        LOG.info("worker added");
        await("everything committed after the restart").atMost(WAIT).until(() -> committed("e2e") == 2L * PER_PHASE);
        LOG.info("phase 2 committed");
        connect.deleteConnector("e2e");

        List<ReadRecord> read;
        List<Shard> shards;
        try (KinesisAsyncClient client = kinesalite.newClient()) {
            read = StreamReader.readAll(client, stream);
            shards = kinesalite.listShards(stream);
        }
        Map<String, Long> counts = read.stream().collect(Collectors.groupingBy(ReadRecord::dataAsString,
                Collectors.counting()));
        List<String> missing = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            for (long o = 0; o < nextOffset[p]; o++) {
                if (!counts.containsKey(payload(topic, p, o))) {
                    missing.add(topic + "-" + p + "@" + o);
                }
            }
        }
        long duplicates = read.size() - counts.size();
        long kinesisRecords = read.stream().map(ReadRecord::sequenceNumber).distinct().count();
        Map<String, Shard> byId = shards.stream().collect(Collectors.toMap(Shard::shardId, Function.identity()));
        long outOfRange = read.stream()
                .filter(r -> !HashKeys.inRange(byId.get(r.shardId()), r.explicitHashKey() != null
                        ? new BigInteger(r.explicitHashKey()) : HashKeys.of(r.partitionKey())))
                .count();
        LOG.info("read {} user records in {} Kinesis records: {} duplicates, {} missing; proxy {}", read.size(),
                kinesisRecords, duplicates, missing.size(), proxy.stats());

        assertThat(missing).as("every Kafka record is in the stream").isEmpty();
        assertThat(counts).as("nothing but what was produced").hasSize(2 * PER_PHASE);
        assertThat(read).noneMatch(ReadRecord::rawMagic);
        assertThat(outOfRange).as("every record on the shard its hash key belongs to").isZero();
        assertThat(kinesisRecords * 50).as("aggregated: at least 50x fewer Kinesis records").isLessThanOrEqualTo(read.size());
        assertThat(proxy.stats().entriesRejected()).as("throttled on the way").isNotEmpty();
    }

    @Test
    void aMissingStreamWithoutDeadLetterQueueFailsTheTaskNamingStreamAndCode() throws Exception {
        String topic = "missing-" + System.nanoTime();
        String stream = kinesalite.uniqueStreamName("connect-missing");
        connect.kafka().createTopic(topic, 1);
        produce(topic, 0, 10, new long[1]);
        connect.configureConnector("missing", connectorProps(topic, stream));

        connect.assertions().assertConnectorIsRunningAndTasksHaveFailed("missing", 1, "the task did not fail");
        ConnectorStateInfo status = connect.connectorStatus("missing");
        assertThat(status.tasks().get(0).trace()).contains("'" + stream + "'").contains("ResourceNotFoundException");
        assertThat(committed("missing")).isZero();
        connect.deleteConnector("missing");
    }

    @Test
    void aMissingStreamWithADeadLetterQueueSendsTheRecordsThere() throws Exception {
        String topic = "dlq-src-" + System.nanoTime();
        String dlq = topic + "-dlq";
        String stream = kinesalite.uniqueStreamName("connect-dlq");
        connect.kafka().createTopic(topic, 1);
        produce(topic, 0, 10, new long[1]);
        Map<String, String> props = connectorProps(topic, stream);
        props.put("errors.tolerance", "all");
        props.put("errors.deadletterqueue.topic.name", dlq);
        props.put("errors.deadletterqueue.topic.replication.factor", "1");
        props.put("errors.deadletterqueue.context.headers.enable", "true");
        connect.configureConnector("dlq", props);

        ConsumerRecords<byte[], byte[]> dead = connect.kafka().consume(10, WAIT.toMillis(), dlq);
        List<String> payloads = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            payloads.add(new String(r.value(), StandardCharsets.UTF_8));
            assertThat(new String(r.headers().lastHeader("__connect.errors.exception.message").value(),
                    StandardCharsets.UTF_8)).contains(stream).contains("ResourceNotFoundException");
        }
        assertThat(payloads).hasSize(10).contains(payload(topic, 0, 0), payload(topic, 0, 9));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("dlq", 1, "the task should keep running");
        await("the dead-lettered records are committed").atMost(WAIT).until(() -> committed("dlq") == 10);
        connect.deleteConnector("dlq");
    }

    private static String payload(String topic, int partition, long offset) {
        return topic + "-" + partition + "-" + offset + "|0123456789abcdefghijklmnopqrstuvwxyz";
    }

    /** Produces {@code count} records round-robin over the partitions, each naming its own topic-partition-offset. */
    private static void produce(String topic, int from, int count, long[] nextOffset) throws Exception {
        int partitions = nextOffset.length;
        Map<String, Object> props = new HashMap<>();
        props.put("linger.ms", "5");
        List<Future<RecordMetadata>> sent = new ArrayList<>(count);
        List<Long> expected = new ArrayList<>(count);
        try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(props)) {
            for (int i = from; i < from + count; i++) {
                int p = i % partitions;
                long offset = nextOffset[p]++;
                byte[] key = ("user-" + (i % 997)).getBytes(StandardCharsets.UTF_8);
                byte[] value = payload(topic, p, offset).getBytes(StandardCharsets.UTF_8);
                sent.add(producer.send(new ProducerRecord<>(topic, p, key, value)));
                expected.add(offset);
            }
            producer.flush();
        }
        for (int i = 0; i < sent.size(); i++) {
            assertThat(sent.get(i).get().offset()).as("the payload names the record's offset").isEqualTo(expected.get(i));
        }
    }

    /**
     * The offsets the connector's consumer group has committed, summed over its partitions (each is
     * the count of records before it). Read from the broker, so it works while the worker is down.
     */
    private static long committed(String connector) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("connect-" + connector)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        return offsets.values().stream().filter(Objects::nonNull).mapToLong(OffsetAndMetadata::offset).sum();
    }
}
