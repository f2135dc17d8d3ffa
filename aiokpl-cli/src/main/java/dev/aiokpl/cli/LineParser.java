package dev.aiokpl.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns one input line into a record for {@code put}: the line itself is the data; the partition
 * key is a JSON field's value, a random key, or a hash of the line; the explicit hash key, if
 * asked for, is another JSON field's value. Field names are dotted paths into nested objects
 * ({@code user.id}); a number or boolean value is used as its JSON text.
 */
final class LineParser {

    /** What a line becomes: the record's keys, or why it cannot be sent. */
    record Parsed(String partitionKey, String explicitHashKey, String error) {
        boolean valid() {
            return error == null;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private final String partitionKeyField;
    private final boolean randomPartitionKey;
    private final String explicitHashKeyField;

    /**
     * @param partitionKeyField    JSON field holding the partition key, or null
     * @param randomPartitionKey   a random key per record (when no field is given)
     * @param explicitHashKeyField JSON field holding the explicit hash key, or null
     */
    LineParser(String partitionKeyField, boolean randomPartitionKey, String explicitHashKeyField) {
        this.partitionKeyField = partitionKeyField;
        this.randomPartitionKey = randomPartitionKey;
        this.explicitHashKeyField = explicitHashKeyField;
    }

    /** Whether lines are read as JSON (a key comes from a field). */
    boolean json() {
        return partitionKeyField != null || explicitHashKeyField != null;
    }

    Parsed parse(byte[] line) {
        JsonNode root = null;
        if (json()) {
            try {
                root = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                return invalid("not valid JSON: " + e.getOriginalMessage());
            } catch (IOException e) {
                return invalid("not valid JSON: " + e.getMessage());
            }
            if (root == null || !root.isObject()) {
                return invalid("not a JSON object");
            }
        }
        String partitionKey;
        if (partitionKeyField != null) {
            JsonNode value = field(root, partitionKeyField);
            if (value == null || value.isMissingNode() || value.isNull()) {
                return invalid("partition key field '" + partitionKeyField + "' is missing");
            }
            if (!value.isValueNode()) {
                return invalid("partition key field '" + partitionKeyField + "' is not a string or number");
            }
            partitionKey = value.asText();
            if (partitionKey.isEmpty()) {
                return invalid("partition key field '" + partitionKeyField + "' is empty");
            }
        } else if (randomPartitionKey) {
            partitionKey = Long.toHexString(ThreadLocalRandom.current().nextLong());
        } else {
            partitionKey = HEX.toHexDigits(fnv1a64(line));
        }
        String explicitHashKey = null;
        if (explicitHashKeyField != null) {
            JsonNode value = field(root, explicitHashKeyField);
            if (value != null && !value.isMissingNode() && !value.isNull()) {
                if (!value.isValueNode()) {
                    return invalid("explicit hash key field '" + explicitHashKeyField + "' is not a string or number");
                }
                explicitHashKey = value.asText();
            }
        }
        return new Parsed(partitionKey, explicitHashKey, null);
    }

    private static Parsed invalid(String why) {
        return new Parsed(null, null, why);
    }

    private static JsonNode field(JsonNode root, String path) {
        JsonNode node = root;
        for (String part : path.split("\\.", -1)) {
            if (node == null || !node.isObject()) {
                return null;
            }
            node = node.get(part);
        }
        return node;
    }

    /** A stable 64-bit hash of the line: equal lines land on the same shard. */
    static long fnv1a64(byte[] bytes) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
