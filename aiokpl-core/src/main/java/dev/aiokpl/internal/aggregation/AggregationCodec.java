package dev.aiokpl.internal.aggregation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Encodes and decodes the KPL aggregation format (SPEC section 7): the magic {@code F3 89 9A C2},
 * a protobuf {@code AggregatedRecord}, then the MD5 of the protobuf bytes.
 *
 * <p>The decoder is strict where KCL is lenient: anything that is not a well-formed aggregate is an
 * {@link InvalidAggregateException}, never another exception, and its work and allocation are
 * linear in the input's length.
 */
public final class AggregationCodec {

    /**
     * The four magic bytes that open every aggregate. Do not modify: the codec keeps its own copy,
     * so changing this array changes nothing but the caller's view.
     */
    public static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

    static final byte[] MAGIC_BYTES = MAGIC.clone();
    static final int MAGIC_LENGTH = 4;
    static final int MD5_LENGTH = 16;

    private static final int WIRE_VARINT = 0;
    private static final int WIRE_FIXED64 = 1;
    private static final int WIRE_LENGTH_DELIMITED = 2;
    private static final int WIRE_START_GROUP = 3;
    private static final int WIRE_END_GROUP = 4;
    private static final int WIRE_FIXED32 = 5;

    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(AggregationCodec::newMd5);

    private AggregationCodec() {}

    /**
     * Whether {@code data} starts with the magic bytes and is long enough to hold an aggregate
     * (magic + MD5). A true answer does not promise that {@link #decode} will succeed.
     */
    public static boolean isAggregated(byte[] data) {
        return data != null
                && data.length >= MAGIC_LENGTH + MD5_LENGTH
                && Arrays.equals(data, 0, MAGIC_LENGTH, MAGIC_BYTES, 0, MAGIC_LENGTH);
    }

    /**
     * Decodes an aggregate into its user records, in order.
     *
     * <p>Unknown fields are skipped as protobuf requires; Tags are checked but not returned.
     * Partition keys and explicit hash keys are decoded from UTF-8 leniently (malformed bytes become
     * U+FFFD); explicit hash keys are returned as written, not validated as numbers.
     *
     * @throws InvalidAggregateException on a missing magic, an MD5 mismatch, truncated or malformed
     *     protobuf (including groups, which the format never uses), a table index out of range, or a
     *     missing required field
     * @throws NullPointerException if {@code aggregate} is null
     */
    public static List<DecodedRecord> decode(byte[] aggregate) {
        Objects.requireNonNull(aggregate, "aggregate");
        if (aggregate.length < MAGIC_LENGTH
                || !Arrays.equals(aggregate, 0, MAGIC_LENGTH, MAGIC_BYTES, 0, MAGIC_LENGTH)) {
            throw new InvalidAggregateException("does not start with the aggregation magic F3 89 9A C2");
        }
        if (aggregate.length < MAGIC_LENGTH + MD5_LENGTH) {
            throw new InvalidAggregateException(
                    "too short for an aggregate: " + aggregate.length + " bytes, at least "
                            + (MAGIC_LENGTH + MD5_LENGTH) + " needed");
        }
        int protoEnd = aggregate.length - MD5_LENGTH;
        checkMd5(aggregate, protoEnd);
        return new Parser(aggregate, protoEnd).parse();
    }

    /**
     * Encodes records into one aggregate, de-duplicating keys; a convenience over
     * {@link AggregateBuilder}.
     *
     * @throws NullPointerException if {@code records} or an element is null
     */
    public static byte[] encode(List<DecodedRecord> records) {
        AggregateBuilder builder = new AggregateBuilder();
        for (DecodedRecord r : records) {
            builder.add(r.partitionKey(), r.explicitHashKey(), r.data());
        }
        return builder.build();
    }

    private static void checkMd5(byte[] aggregate, int protoEnd) {
        MessageDigest md5 = MD5.get();
        md5.update(aggregate, MAGIC_LENGTH, protoEnd - MAGIC_LENGTH);
        byte[] expected = md5.digest();
        if (!Arrays.equals(expected, 0, MD5_LENGTH, aggregate, protoEnd, protoEnd + MD5_LENGTH)) {
            throw new InvalidAggregateException("MD5 trailer does not match the protobuf bytes");
        }
    }

    private static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java platform", e);
        }
    }

    /** One pass over the protobuf bytes; tables may follow records on the wire, so indexes are checked last. */
    private static final class Parser {
        private final byte[] buf;
        private int pos = MAGIC_LENGTH;
        private final int end;

        private final List<String> partitionKeys = new ArrayList<>();
        private final List<String> explicitHashKeys = new ArrayList<>();

        private int count;
        private long[] pkIndexes = new long[16];
        private long[] ehkIndexes = new long[16];
        private boolean[] hasEhk = new boolean[16];
        private int[] dataOffsets = new int[16];
        private int[] dataLengths = new int[16];

        Parser(byte[] buf, int end) {
            this.buf = buf;
            this.end = end;
        }

        List<DecodedRecord> parse() {
            while (pos < end) {
                int tag = readTag(end);
                int field = tag >>> 3;
                int wire = tag & 7;
                if (field == 1 && wire == WIRE_LENGTH_DELIMITED) {
                    partitionKeys.add(readString(end));
                } else if (field == 2 && wire == WIRE_LENGTH_DELIMITED) {
                    explicitHashKeys.add(readString(end));
                } else if (field == 3 && wire == WIRE_LENGTH_DELIMITED) {
                    int length = readLength(end);
                    int recordEnd = pos + length;
                    parseRecord(recordEnd);
                    pos = recordEnd;
                } else {
                    skipField(wire, end);
                }
            }
            List<DecodedRecord> records = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long pk = pkIndexes[i];
                if (Long.compareUnsigned(pk, partitionKeys.size()) >= 0) {
                    throw new InvalidAggregateException("record " + i + ": partition_key_index "
                            + Long.toUnsignedString(pk) + " is outside the table of " + partitionKeys.size());
                }
                String ehk = null;
                if (hasEhk[i]) {
                    long index = ehkIndexes[i];
                    if (Long.compareUnsigned(index, explicitHashKeys.size()) >= 0) {
                        throw new InvalidAggregateException("record " + i + ": explicit_hash_key_index "
                                + Long.toUnsignedString(index) + " is outside the table of "
                                + explicitHashKeys.size());
                    }
                    ehk = explicitHashKeys.get((int) index);
                }
                int off = dataOffsets[i];
                byte[] data = Arrays.copyOfRange(buf, off, off + dataLengths[i]);
                records.add(new DecodedRecord(partitionKeys.get((int) pk), ehk, data));
            }
            return records;
        }

        private void parseRecord(int recordEnd) {
            boolean hasPk = false;
            boolean hasData = false;
            long pk = 0;
            long ehk = 0;
            boolean ehkPresent = false;
            int dataOffset = 0;
            int dataLength = 0;
            while (pos < recordEnd) {
                int tag = readTag(recordEnd);
                int field = tag >>> 3;
                int wire = tag & 7;
                if (field == 1 && wire == WIRE_VARINT) {
                    pk = readVarint(recordEnd);
                    hasPk = true;
                } else if (field == 2 && wire == WIRE_VARINT) {
                    ehk = readVarint(recordEnd);
                    ehkPresent = true;
                } else if (field == 3 && wire == WIRE_LENGTH_DELIMITED) {
                    dataLength = readLength(recordEnd);
                    dataOffset = pos;
                    pos += dataLength;
                    hasData = true;
                } else if (field == 4 && wire == WIRE_LENGTH_DELIMITED) {
                    int length = readLength(recordEnd);
                    int tagEnd = pos + length;
                    parseTag(tagEnd);
                    pos = tagEnd;
                } else {
                    skipField(wire, recordEnd);
                }
            }
            if (!hasPk) {
                throw new InvalidAggregateException("record " + count + " lacks the required partition_key_index");
            }
            if (!hasData) {
                throw new InvalidAggregateException("record " + count + " lacks the required data");
            }
            if (count == pkIndexes.length) {
                int n = count * 2;
                pkIndexes = Arrays.copyOf(pkIndexes, n);
                ehkIndexes = Arrays.copyOf(ehkIndexes, n);
                hasEhk = Arrays.copyOf(hasEhk, n);
                dataOffsets = Arrays.copyOf(dataOffsets, n);
                dataLengths = Arrays.copyOf(dataLengths, n);
            }
            pkIndexes[count] = pk;
            ehkIndexes[count] = ehk;
            hasEhk[count] = ehkPresent;
            dataOffsets[count] = dataOffset;
            dataLengths[count] = dataLength;
            count++;
        }

        /** Checks a Tag {1: required string key; 2: optional string value}; its content is not kept. */
        private void parseTag(int tagEnd) {
            boolean hasKey = false;
            while (pos < tagEnd) {
                int tag = readTag(tagEnd);
                int field = tag >>> 3;
                int wire = tag & 7;
                if (field == 1 && wire == WIRE_LENGTH_DELIMITED) {
                    hasKey = true;
                }
                skipField(wire, tagEnd);
            }
            if (!hasKey) {
                throw new InvalidAggregateException("record " + count + " has a tag without its required key");
            }
        }

        private int readTag(int limit) {
            long tag = readVarint(limit);
            if (tag >>> 32 != 0 || (tag >>> 3) == 0) {
                throw malformed("invalid field tag " + Long.toUnsignedString(tag));
            }
            return (int) tag;
        }

        private long readVarint(int limit) {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= limit) {
                    throw malformed("truncated varint");
                }
                byte b = buf[pos++];
                value |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw malformed("varint longer than 10 bytes");
        }

        private int readLength(int limit) {
            long length = readVarint(limit);
            if (Long.compareUnsigned(length, limit - pos) > 0) {
                throw malformed("length " + Long.toUnsignedString(length) + " runs past the end ("
                        + (limit - pos) + " bytes left)");
            }
            return (int) length;
        }

        private String readString(int limit) {
            int length = readLength(limit);
            String s = new String(buf, pos, length, StandardCharsets.UTF_8);
            pos += length;
            return s;
        }

        private void skipField(int wire, int limit) {
            switch (wire) {
                case WIRE_VARINT -> readVarint(limit);
                case WIRE_FIXED64 -> skipBytes(8, limit);
                case WIRE_LENGTH_DELIMITED -> {
                    int length = readLength(limit); // before touching pos: "pos += readLength()" reads pos first
                    pos += length;
                }
                case WIRE_FIXED32 -> skipBytes(4, limit);
                case WIRE_START_GROUP, WIRE_END_GROUP -> throw malformed("groups are not part of the format");
                default -> throw malformed("invalid wire type " + wire);
            }
        }

        private void skipBytes(int n, int limit) {
            if (limit - pos < n) {
                throw malformed("truncated fixed-width field");
            }
            pos += n;
        }

        private InvalidAggregateException malformed(String what) {
            return new InvalidAggregateException("malformed protobuf at byte " + pos + ": " + what);
        }
    }
}
