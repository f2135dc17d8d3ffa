package dev.aiokpl.internal.aggregation;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Objects;

/**
 * Builds one KPL aggregate (SPEC section 7) with exact size accounting, so the aggregator can ask
 * "would this record still fit?" before adding it. Reusable through {@link #reset()}; not thread-safe.
 *
 * <p>Record data is referenced, not copied, until {@link #build()}: callers must not change a
 * record's bytes between {@link #add} and {@code build()}. The UTF-8 bytes of keys are cached
 * across {@code reset()} (up to a bound), so a producer that reuses a few partition keys encodes
 * each of them once.
 */
public final class AggregateBuilder {

    /** Magic bytes plus MD5 trailer: what an aggregate costs beyond its protobuf message. */
    static final int FRAMING_BYTES = AggregationCodec.MAGIC_LENGTH + AggregationCodec.MD5_LENGTH;

    /** Largest aggregate we can put in one Java array. */
    static final long MAX_ENCODED_SIZE = Integer.MAX_VALUE - 8;

    // Protobuf tags: (field number << 3) | wire type.
    static final int TAG_PARTITION_KEY_TABLE = (1 << 3) | 2;
    static final int TAG_EXPLICIT_HASH_KEY_TABLE = (2 << 3) | 2;
    static final int TAG_RECORDS = (3 << 3) | 2;
    static final int TAG_RECORD_PARTITION_KEY_INDEX = (1 << 3);
    static final int TAG_RECORD_EXPLICIT_HASH_KEY_INDEX = (2 << 3);
    static final int TAG_RECORD_DATA = (3 << 3) | 2;

    private static final int INITIAL_RECORDS = 64;

    private final KeyTable partitionKeys = new KeyTable();
    private final KeyTable explicitHashKeys = new KeyTable();
    private final MessageDigest md5;

    private int[] partitionKeyIndexes = new int[INITIAL_RECORDS];
    private int[] explicitHashKeyIndexes = new int[INITIAL_RECORDS]; // -1: none
    private byte[][] data = new byte[INITIAL_RECORDS][];
    private int count;

    /** Length of the records' fields (tags, length prefixes, bodies); the tables keep their own. */
    private long recordsLength;

    /** Creates an empty builder. */
    public AggregateBuilder() {
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java platform", e);
        }
    }

    /**
     * The exact encoded size in bytes (magic + protobuf + MD5) the aggregate would have if this
     * record were added now. Allocates nothing. Saturates at {@link Integer#MAX_VALUE}.
     *
     * @param explicitHashKey the record's explicit hash key, or null
     * @throws NullPointerException if {@code partitionKey} is null
     * @throws IllegalArgumentException if {@code dataLength} is negative
     */
    public int sizeWith(String partitionKey, String explicitHashKey, int dataLength) {
        long size = FRAMING_BYTES + protoLength() + protoGrowth(partitionKey, explicitHashKey, dataLength);
        return (int) Math.min(size, Integer.MAX_VALUE);
    }

    /**
     * Adds a record. Its data is referenced until {@link #build()} or {@link #reset()}.
     *
     * @param explicitHashKey the record's explicit hash key (written as given), or null
     * @throws NullPointerException if {@code partitionKey} or {@code data} is null
     * @throws IllegalStateException if the aggregate would no longer fit in a Java array
     */
    public void add(String partitionKey, String explicitHashKey, byte[] data) {
        Objects.requireNonNull(data, "data");
        long growth = protoGrowth(partitionKey, explicitHashKey, data.length);
        if (FRAMING_BYTES + protoLength() + growth > MAX_ENCODED_SIZE) {
            throw new IllegalStateException("an aggregate cannot exceed " + MAX_ENCODED_SIZE + " bytes");
        }
        int pkIndex = partitionKeys.add(partitionKey);
        int ehkIndex = explicitHashKey == null ? -1 : explicitHashKeys.add(explicitHashKey);
        if (count == this.data.length) {
            grow();
        }
        partitionKeyIndexes[count] = pkIndex;
        explicitHashKeyIndexes[count] = ehkIndex;
        this.data[count] = data;
        count++;
        recordsLength += recordFieldLength(pkIndex, ehkIndex, data.length);
    }

    /** How many records have been added since creation or the last {@link #reset()}. */
    public int count() {
        return count;
    }

    /**
     * The exact encoded size in bytes (magic + protobuf + MD5) of the current content; for no
     * records, the size of an empty aggregate (20 bytes).
     */
    public int encodedSize() {
        return (int) (FRAMING_BYTES + protoLength());
    }

    /** Encodes magic + protobuf + MD5 into a new array of exactly {@link #encodedSize()} bytes. */
    public byte[] build() {
        int protoLength = (int) protoLength();
        byte[] out = new byte[FRAMING_BYTES + protoLength];
        System.arraycopy(AggregationCodec.MAGIC_BYTES, 0, out, 0, AggregationCodec.MAGIC_LENGTH);
        int pos = AggregationCodec.MAGIC_LENGTH;
        pos = partitionKeys.write(out, pos, TAG_PARTITION_KEY_TABLE);
        pos = explicitHashKeys.write(out, pos, TAG_EXPLICIT_HASH_KEY_TABLE);
        for (int i = 0; i < count; i++) {
            int pkIndex = partitionKeyIndexes[i];
            int ehkIndex = explicitHashKeyIndexes[i];
            byte[] d = data[i];
            out[pos++] = (byte) TAG_RECORDS;
            pos = writeVarint(out, pos, recordBodyLength(pkIndex, ehkIndex, d.length));
            out[pos++] = (byte) TAG_RECORD_PARTITION_KEY_INDEX;
            pos = writeVarint(out, pos, pkIndex);
            if (ehkIndex >= 0) {
                out[pos++] = (byte) TAG_RECORD_EXPLICIT_HASH_KEY_INDEX;
                pos = writeVarint(out, pos, ehkIndex);
            }
            out[pos++] = (byte) TAG_RECORD_DATA;
            pos = writeVarint(out, pos, d.length);
            System.arraycopy(d, 0, out, pos, d.length);
            pos += d.length;
        }
        md5.update(out, AggregationCodec.MAGIC_LENGTH, protoLength);
        try {
            md5.digest(out, pos, AggregationCodec.MD5_LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException("MD5 digest does not fit 16 bytes", e);
        }
        return out;
    }

    /** Clears the content for reuse, keeping internal arrays and (up to a bound) cached key bytes. */
    public void reset() {
        Arrays.fill(data, 0, count, null);
        count = 0;
        recordsLength = 0;
        partitionKeys.reset();
        explicitHashKeys.reset();
    }

    private long protoLength() {
        return partitionKeys.encodedLength + explicitHashKeys.encodedLength + recordsLength;
    }

    /** How many bytes the protobuf message grows by if this record is added. */
    private long protoGrowth(String partitionKey, String explicitHashKey, int dataLength) {
        Objects.requireNonNull(partitionKey, "partitionKey");
        if (dataLength < 0) {
            throw new IllegalArgumentException("dataLength must be >= 0, got " + dataLength);
        }
        long growth = 0;
        int pkIndex = partitionKeys.indexOf(partitionKey);
        if (pkIndex < 0) {
            pkIndex = partitionKeys.size;
            growth += partitionKeys.fieldLengthOfNew(partitionKey);
        }
        int ehkIndex = -1;
        if (explicitHashKey != null) {
            ehkIndex = explicitHashKeys.indexOf(explicitHashKey);
            if (ehkIndex < 0) {
                ehkIndex = explicitHashKeys.size;
                growth += explicitHashKeys.fieldLengthOfNew(explicitHashKey);
            }
        }
        return growth + recordFieldLength(pkIndex, ehkIndex, dataLength);
    }

    private static long recordFieldLength(int pkIndex, int ehkIndex, int dataLength) {
        long body = recordBodyLength(pkIndex, ehkIndex, dataLength);
        return 1 + varintSize(body) + body;
    }

    private static long recordBodyLength(int pkIndex, int ehkIndex, int dataLength) {
        long body = 1 + varintSize(pkIndex) + 1 + varintSize(dataLength) + (long) dataLength;
        if (ehkIndex >= 0) {
            body += 1 + varintSize(ehkIndex);
        }
        return body;
    }

    private void grow() {
        int n = data.length * 2;
        partitionKeyIndexes = Arrays.copyOf(partitionKeyIndexes, n);
        explicitHashKeyIndexes = Arrays.copyOf(explicitHashKeyIndexes, n);
        data = Arrays.copyOf(data, n);
    }

    /** Bytes a non-negative value takes as a protobuf varint. */
    static int varintSize(long value) {
        int size = 1;
        while ((value & ~0x7FL) != 0) {
            value >>>= 7;
            size++;
        }
        return size;
    }

    /** Writes a non-negative value as a protobuf varint; returns the position after it. */
    static int writeVarint(byte[] out, int pos, long value) {
        while ((value & ~0x7FL) != 0) {
            out[pos++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out[pos++] = (byte) value;
        return pos;
    }

    /**
     * Length of {@code s} encoded as {@link String#getBytes} does with UTF-8: an unpaired surrogate
     * becomes a single '?'.
     */
    static int utf8Length(String s) {
        int n = s.length();
        int length = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                length += 1;
            } else if (!Character.isSurrogate(c)) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                length += 2; // two chars, four bytes
                i++;
            }
        }
        return length;
    }

    /**
     * One de-duplicated key table. Entries outlive {@link #reset()} in {@code cache} so their UTF-8
     * bytes are reused; an entry belongs to the current table only when its generation is current.
     */
    private static final class KeyTable {
        private static final int MAX_CACHED_KEYS = 1024;
        private static final long MAX_CACHED_BYTES = 64 * 1024;

        private final HashMap<String, Entry> cache = new HashMap<>();
        private long cachedBytes;
        private Entry[] entries = new Entry[16];
        private int size;
        private long generation;
        /** Length of this table's fields in the protobuf message. */
        private long encodedLength;

        // sizeWith() is usually followed by add() for the same key: skip the second lookup.
        private String lastKey;
        private Entry lastEntry;

        private Entry lookup(String key) {
            if (key != lastKey) {
                lastEntry = cache.get(key);
                lastKey = key;
            }
            return lastEntry;
        }

        /** The key's index in the current table, or -1. */
        int indexOf(String key) {
            Entry e = lookup(key);
            return e != null && e.generation == generation ? e.index : -1;
        }

        /** Length of the table field a key not yet in the table would add. */
        long fieldLengthOfNew(String key) {
            Entry e = lookup(key);
            int length = e != null ? e.utf8.length : utf8Length(key);
            return 1 + varintSize(length) + (long) length;
        }

        /** Adds the key if absent; returns its index. */
        int add(String key) {
            Entry e = lookup(key);
            if (e == null) {
                e = new Entry(key.getBytes(StandardCharsets.UTF_8));
                e.generation = generation - 1;
                cache.put(key, e);
                cachedBytes += e.utf8.length;
                lastEntry = e;
            }
            if (e.generation != generation) {
                e.generation = generation;
                e.index = size;
                if (size == entries.length) {
                    entries = Arrays.copyOf(entries, size * 2);
                }
                entries[size++] = e;
                encodedLength += 1 + varintSize(e.utf8.length) + (long) e.utf8.length;
            }
            return e.index;
        }

        int write(byte[] out, int pos, int tag) {
            for (int i = 0; i < size; i++) {
                byte[] utf8 = entries[i].utf8;
                out[pos++] = (byte) tag;
                pos = writeVarint(out, pos, utf8.length);
                System.arraycopy(utf8, 0, out, pos, utf8.length);
                pos += utf8.length;
            }
            return pos;
        }

        void reset() {
            Arrays.fill(entries, 0, size, null);
            size = 0;
            encodedLength = 0;
            generation++;
            lastKey = null;
            lastEntry = null;
            if (cache.size() > MAX_CACHED_KEYS || cachedBytes > MAX_CACHED_BYTES) {
                cache.clear();
                cachedBytes = 0;
            }
        }
    }

    private static final class Entry {
        final byte[] utf8;
        long generation;
        int index;

        Entry(byte[] utf8) {
            this.utf8 = utf8;
        }
    }
}
