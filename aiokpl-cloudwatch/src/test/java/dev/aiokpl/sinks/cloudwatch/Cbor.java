package dev.aiokpl.sinks.cloudwatch;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small CBOR (RFC 8949) decoder and encoder for the fake CloudWatch endpoint: enough to read
 * what the SDK's Smithy RPC v2 CBOR protocol writes and to answer it.
 */
final class Cbor {

    /** A tagged item, for example a timestamp (tag 1, epoch seconds). */
    record Tagged(long tag, Object value) {
    }

    private static final Object BREAK = new Object();

    private final ByteBuffer in;

    private Cbor(byte[] bytes) {
        this.in = ByteBuffer.wrap(bytes);
    }

    /** Decodes one item: maps, lists, strings, longs, doubles, booleans, null, byte[] or {@link Tagged}. */
    static Object decode(byte[] bytes) {
        Cbor c = new Cbor(bytes);
        Object value = c.item();
        if (c.in.hasRemaining()) {
            throw new IllegalArgumentException("trailing bytes: " + c.in.remaining());
        }
        return value;
    }

    private Object item() {
        int initial = in.get() & 0xff;
        int major = initial >>> 5;
        int info = initial & 0x1f;
        switch (major) {
            case 0:
                return argument(info);
            case 1:
                return -1 - argument(info);
            case 2:
                return info == 31 ? chunks(2) : bytes(argument(info));
            case 3:
                return info == 31
                        ? new String(chunks(3), StandardCharsets.UTF_8)
                        : new String(bytes(argument(info)), StandardCharsets.UTF_8);
            case 4: {
                List<Object> list = new ArrayList<>();
                if (info == 31) {
                    for (Object o = item(); o != BREAK; o = item()) {
                        list.add(o);
                    }
                } else {
                    for (long n = argument(info); n > 0; n--) {
                        list.add(item());
                    }
                }
                return list;
            }
            case 5: {
                Map<Object, Object> map = new LinkedHashMap<>();
                if (info == 31) {
                    for (Object k = item(); k != BREAK; k = item()) {
                        map.put(k, item());
                    }
                } else {
                    for (long n = argument(info); n > 0; n--) {
                        map.put(item(), item());
                    }
                }
                return map;
            }
            case 6:
                return new Tagged(argument(info), item());
            default:
                return simple(info);
        }
    }

    private Object simple(int info) {
        switch (info) {
            case 20:
                return Boolean.FALSE;
            case 21:
                return Boolean.TRUE;
            case 22:
            case 23:
                return null;
            case 25:
                return halfToDouble(in.getShort() & 0xffff);
            case 26:
                return (double) in.getFloat();
            case 27:
                return in.getDouble();
            case 31:
                return BREAK;
            default:
                throw new IllegalArgumentException("unsupported simple value " + info);
        }
    }

    private long argument(int info) {
        if (info < 24) {
            return info;
        }
        switch (info) {
            case 24:
                return in.get() & 0xffL;
            case 25:
                return in.getShort() & 0xffffL;
            case 26:
                return in.getInt() & 0xffffffffL;
            case 27:
                return in.getLong();
            default:
                throw new IllegalArgumentException("unsupported additional info " + info);
        }
    }

    private byte[] bytes(long n) {
        byte[] b = new byte[Math.toIntExact(n)];
        in.get(b);
        return b;
    }

    private byte[] chunks(int major) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            int initial = in.get() & 0xff;
            if (initial == 0xff) {
                return out.toByteArray();
            }
            if (initial >>> 5 != major) {
                throw new IllegalArgumentException("bad chunk type " + (initial >>> 5));
            }
            out.writeBytes(bytes(argument(initial & 0x1f)));
        }
    }

    private static double halfToDouble(int half) {
        int exp = (half >>> 10) & 0x1f;
        int mant = half & 0x3ff;
        double value;
        if (exp == 0) {
            value = mant * Math.pow(2, -24);
        } else if (exp == 31) {
            value = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else {
            value = (mant + 1024) * Math.pow(2, exp - 25);
        }
        return (half & 0x8000) != 0 ? -value : value;
    }

    /** Encodes a map of strings to strings, for error responses. */
    static byte[] encodeStringMap(Map<String, String> map) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        head(out, 5, map.size());
        for (Map.Entry<String, String> e : map.entrySet()) {
            string(out, e.getKey());
            string(out, e.getValue());
        }
        return out.toByteArray();
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        head(out, 3, b.length);
        out.writeBytes(b);
    }

    private static void head(ByteArrayOutputStream out, int major, long n) {
        if (n < 24) {
            out.write((major << 5) | (int) n);
        } else if (n < 256) {
            out.write((major << 5) | 24);
            out.write((int) n);
        } else {
            out.write((major << 5) | 25);
            out.write((int) (n >>> 8));
            out.write((int) n);
        }
    }
}
