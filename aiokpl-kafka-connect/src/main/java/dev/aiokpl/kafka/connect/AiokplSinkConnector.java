package dev.aiokpl.kafka.connect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Connect sink to Kinesis Data Streams, on the aiokpl producer: aggregation, shard
 * prediction, per-shard rate limiting, retries; offsets committed only once Kinesis confirmed
 * their records. Replaces awslabs' {@code kinesis-kafka-connector}
 * ({@code com.amazon.kinesis.kafka.AmazonKinesisSinkConnector}) and keeps its configuration keys;
 * see {@link AiokplSinkConfig} and {@code docs/kafka-connect.md}.
 *
 * <pre>
 * connector.class=dev.aiokpl.kafka.connect.AiokplSinkConnector
 * topics=orders
 * region=us-east-1
 * streamName=orders
 * value.converter=org.apache.kafka.connect.converters.ByteArrayConverter
 * </pre>
 */
public class AiokplSinkConnector extends SinkConnector {

    /** The version of this connector: the jar's Implementation-Version, or {@code unknown} outside a jar. */
    public static final String VERSION = implementationVersion();

    private static final Logger LOG = LoggerFactory.getLogger(AiokplSinkConnector.class);

    private Map<String, String> props;

    @Override
    public String version() {
        return VERSION;
    }

    /** Validates the configuration (a bad key fails the connector, naming it) and keeps it for the tasks. */
    @Override
    public void start(Map<String, String> props) {
        new AiokplSinkConfig(props);
        for (String key : AiokplSinkConfig.IGNORED_LEGACY_KEYS) {
            if (props.containsKey(key)) {
                LOG.warn("{}={}: a key of awslabs' kinesis-kafka-connector with no meaning here; ignored"
                        + " (see docs/kafka-connect.md)", key, props.get(key));
            }
        }
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return AiokplSinkTask.class;
    }

    /** Every task gets the connector's configuration; each has its own producer. */
    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            configs.add(props);
        }
        return configs;
    }

    @Override
    public void stop() {
        // Nothing to release: the tasks own the producers.
    }

    @Override
    public ConfigDef config() {
        return AiokplSinkConfig.CONFIG_DEF;
    }

    private static String implementationVersion() {
        String v = AiokplSinkConnector.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }
}
