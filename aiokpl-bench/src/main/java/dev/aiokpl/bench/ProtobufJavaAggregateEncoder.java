package dev.aiokpl.bench;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

/**
 * The comparison encoder for {@link CodecBenchmark}: the same aggregate, with the same
 * de-duplication and exact size accounting as {@code AggregateBuilder}, but sized with
 * protobuf-java's {@code CodedOutputStream.compute*} and written with a {@code CodedOutputStream}.
 */
final class ProtobufJavaAggregateEncoder {
    private static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

    private final HashMap<String, Integer> partitionKeyIndexes = new HashMap<>();
    private final List<String> partitionKeys = new ArrayList<>();
    private final HashMap<String, Integer> explicitHashKeyIndexes = new HashMap<>();
    private final List<String> explicitHashKeys = new ArrayList<>();
    private final MessageDigest md5;

    private int[] pkIndex = new int[64];
    private int[] ehkIndex = new int[64];
    private byte[][] data = new byte[64][];
    private int count;
    private int protoSize;

    ProtobufJavaAggregateEncoder() {
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    int sizeWith(String partitionKey, String explicitHashKey, int dataLength) {
        return 4 + protoSize + growth(partitionKey, explicitHashKey, dataLength) + 16;
    }

    void add(String partitionKey, String explicitHashKey, byte[] bytes) {
        protoSize += growth(partitionKey, explicitHashKey, bytes.length);
        int pk = indexOf(partitionKeyIndexes, partitionKeys, partitionKey);
        int ehk = explicitHashKey == null ? -1 : indexOf(explicitHashKeyIndexes, explicitHashKeys, explicitHashKey);
        if (count == data.length) {
            pkIndex = Arrays.copyOf(pkIndex, count * 2);
            ehkIndex = Arrays.copyOf(ehkIndex, count * 2);
            data = Arrays.copyOf(data, count * 2);
        }
        pkIndex[count] = pk;
        ehkIndex[count] = ehk;
        data[count] = bytes;
        count++;
    }

    private static int indexOf(HashMap<String, Integer> indexes, List<String> table, String key) {
        Integer index = indexes.get(key);
        if (index == null) {
            index = table.size();
            indexes.put(key, index);
            table.add(key);
        }
        return index;
    }

    byte[] build() {
        byte[] out = new byte[4 + protoSize + 16];
        System.arraycopy(MAGIC, 0, out, 0, 4);
        CodedOutputStream cos = CodedOutputStream.newInstance(out, 4, protoSize);
        try {
            for (String k : partitionKeys) {
                cos.writeString(1, k);
            }
            for (String k : explicitHashKeys) {
                cos.writeString(2, k);
            }
            for (int i = 0; i < count; i++) {
                cos.writeTag(3, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                cos.writeUInt32NoTag(recordBodySize(pkIndex[i], ehkIndex[i], data[i].length));
                cos.writeUInt64(1, pkIndex[i]);
                if (ehkIndex[i] >= 0) {
                    cos.writeUInt64(2, ehkIndex[i]);
                }
                cos.writeByteArray(3, data[i]);
            }
            cos.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        md5.update(out, 4, protoSize);
        try {
            md5.digest(out, 4 + protoSize, 16);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    void reset() {
        partitionKeyIndexes.clear();
        partitionKeys.clear();
        explicitHashKeyIndexes.clear();
        explicitHashKeys.clear();
        Arrays.fill(data, 0, count, null);
        count = 0;
        protoSize = 0;
    }

    private int growth(String partitionKey, String explicitHashKey, int dataLength) {
        int size = 0;
        Integer pk = partitionKeyIndexes.get(partitionKey);
        if (pk == null) {
            pk = partitionKeys.size();
            size += CodedOutputStream.computeStringSize(1, partitionKey);
        }
        int ehk = -1;
        if (explicitHashKey != null) {
            Integer e = explicitHashKeyIndexes.get(explicitHashKey);
            if (e == null) {
                e = explicitHashKeys.size();
                size += CodedOutputStream.computeStringSize(2, explicitHashKey);
            }
            ehk = e;
        }
        int body = recordBodySize(pk, ehk, dataLength);
        return size + CodedOutputStream.computeTagSize(3) + CodedOutputStream.computeUInt32SizeNoTag(body) + body;
    }

    private static int recordBodySize(int pk, int ehk, int dataLength) {
        int size = CodedOutputStream.computeUInt64Size(1, pk)
                + CodedOutputStream.computeTagSize(3) + CodedOutputStream.computeUInt32SizeNoTag(dataLength) + dataLength;
        if (ehk >= 0) {
            size += CodedOutputStream.computeUInt64Size(2, ehk);
        }
        return size;
    }
}
