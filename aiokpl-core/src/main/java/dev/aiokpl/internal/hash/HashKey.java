package dev.aiokpl.internal.hash;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A Kinesis hash key: an unsigned 128-bit integer held as two longs, so that shard lookup and range
 * checks on the hot path never allocate a {@code BigInteger}.
 */
public final class HashKey implements Comparable<HashKey> {

    /** The smallest hash key, 0. */
    public static final HashKey MIN = new HashKey(0L, 0L);

    /** The largest hash key, 2^128-1. */
    public static final HashKey MAX = new HashKey(-1L, -1L);

    /** Decimal digits of {@link #MAX}; also the longest canonical decimal a hash key can have. */
    private static final String MAX_DECIMAL = "340282366920938463463374607431768211455";

    /** How much of a rejected value an error message quotes. */
    private static final int MAX_QUOTED_CHARS = 64;

    /** Digits parsed per long multiply-add; 10^18 < 2^63 so a chunk always fits a long. */
    private static final int CHUNK_DIGITS = 18;

    private static final long[] POWERS_OF_TEN = new long[CHUNK_DIGITS + 1];

    static {
        long p = 1;
        for (int i = 0; i <= CHUNK_DIGITS; i++) {
            POWERS_OF_TEN[i] = p;
            p *= 10;
        }
    }

    private static final ThreadLocal<Hasher> MD5 = ThreadLocal.withInitial(Hasher::new);

    private final long hi;
    private final long lo;

    private HashKey(long hi, long lo) {
        this.hi = hi;
        this.lo = lo;
    }

    /** Returns the hash key whose upper 64 bits are {@code hi} and lower 64 bits are {@code lo}, both unsigned. */
    public static HashKey of(long hi, long lo) {
        if (hi == 0L && lo == 0L) {
            return MIN;
        }
        if (hi == -1L && lo == -1L) {
            return MAX;
        }
        return new HashKey(hi, lo);
    }

    /** The upper 64 bits, to be read as unsigned. */
    public long hi() {
        return hi;
    }

    /** The lower 64 bits, to be read as unsigned. */
    public long lo() {
        return lo;
    }

    /**
     * The hash key Kinesis derives from a partition key: the MD5 of its UTF-8 bytes read as an
     * unsigned 128-bit big-endian integer. Thread-safe; allocates nothing for ASCII keys of up to
     * 256 characters.
     *
     * @throws NullPointerException if {@code partitionKey} is null
     */
    public static HashKey ofPartitionKey(String partitionKey) {
        Hasher h = MD5.get();
        h.hash(partitionKey);
        return of(h.hi, h.lo);
    }

    /**
     * This thread's partition-key hasher, for the hot path: {@link Hasher#hash} leaves the hash key in
     * {@link Hasher#hi()} and {@link Hasher#lo()} without allocating. Use it on the calling thread only.
     */
    public static Hasher hasher() {
        return MD5.get();
    }

    /** Compares two hash keys given as unsigned 64-bit halves, like {@link #compareTo}. */
    public static int compare(long hi1, long lo1, long hi2, long lo2) {
        int c = Long.compareUnsigned(hi1, hi2);
        return c != 0 ? c : Long.compareUnsigned(lo1, lo2);
    }

    /**
     * Parses a canonical decimal hash key in 0..2^128-1: ASCII digits only, no sign, no spaces, no
     * leading zeros (except {@code "0"} itself), not empty.
     *
     * @throws IllegalArgumentException naming the field {@code explicitHashKey} and quoting the value
     *     (truncated) when it is null or not such a decimal
     */
    public static HashKey parseDecimal(String explicitHashKey) {
        if (explicitHashKey == null) {
            throw new IllegalArgumentException("explicitHashKey must not be null");
        }
        int length = explicitHashKey.length();
        if (length == 0) {
            throw invalid(explicitHashKey, "must not be empty");
        }
        if (length > MAX_DECIMAL.length()) {
            throw invalid(explicitHashKey, "must be at most 2^128-1");
        }
        for (int i = 0; i < length; i++) {
            char c = explicitHashKey.charAt(i);
            if (c < '0' || c > '9') {
                throw invalid(explicitHashKey, "must contain only the digits 0-9 (no sign, no spaces)");
            }
        }
        if (length > 1 && explicitHashKey.charAt(0) == '0') {
            throw invalid(explicitHashKey, "must not have leading zeros");
        }
        // Same length and both all digits: string order is numeric order.
        if (length == MAX_DECIMAL.length() && explicitHashKey.compareTo(MAX_DECIMAL) > 0) {
            throw invalid(explicitHashKey, "must be at most 2^128-1");
        }
        // The value is now known to fit in 128 bits, and so does every prefix of it.
        long hi = 0;
        long lo = 0;
        int pos = 0;
        while (pos < length) {
            int chunkDigits = Math.min(CHUNK_DIGITS, length - pos);
            long chunk = 0;
            for (int end = pos + chunkDigits; pos < end; pos++) {
                chunk = chunk * 10 + (explicitHashKey.charAt(pos) - '0');
            }
            long multiplier = POWERS_OF_TEN[chunkDigits];
            long newLo = lo * multiplier + chunk;
            long carry = unsignedMultiplyHigh(lo, multiplier)
                    + (Long.compareUnsigned(newLo, lo * multiplier) < 0 ? 1 : 0);
            hi = hi * multiplier + carry;
            lo = newLo;
        }
        return of(hi, lo);
    }

    /** The canonical decimal form: digits only, no leading zeros. */
    public String toDecimalString() {
        if (hi == 0L && lo >= 0L) {
            return Long.toString(lo);
        }
        // Long division of four 32-bit limbs by 10^9; each remainder is nine decimal digits.
        long l3 = hi >>> 32;
        long l2 = hi & 0xFFFFFFFFL;
        long l1 = lo >>> 32;
        long l0 = lo & 0xFFFFFFFFL;
        final long billion = 1_000_000_000L;
        int[] groups = new int[5];
        int n = 0;
        while ((l3 | l2 | l1 | l0) != 0) {
            long r = l3 % billion;
            l3 /= billion;
            long cur = (r << 32) | l2;
            l2 = cur / billion;
            r = cur % billion;
            cur = (r << 32) | l1;
            l1 = cur / billion;
            r = cur % billion;
            cur = (r << 32) | l0;
            l0 = cur / billion;
            groups[n++] = (int) (cur % billion);
        }
        StringBuilder sb = new StringBuilder(MAX_DECIMAL.length());
        sb.append(groups[n - 1]);
        for (int i = n - 2; i >= 0; i--) {
            String g = Integer.toString(groups[i]);
            for (int pad = g.length(); pad < 9; pad++) {
                sb.append('0');
            }
            sb.append(g);
        }
        return sb.toString();
    }

    /** Compares as unsigned 128-bit integers. */
    @Override
    public int compareTo(HashKey o) {
        return compare(hi, lo, o.hi, o.lo);
    }

    /** Whether {@code startInclusive <= this <= endInclusive}, as a shard's hash key range is written. */
    public boolean isWithin(HashKey startInclusive, HashKey endInclusive) {
        return compareTo(startInclusive) >= 0 && compareTo(endInclusive) <= 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HashKey other && hi == other.hi && lo == other.lo;
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(hi) + Long.hashCode(lo);
    }

    /** The canonical decimal form, as {@link #toDecimalString()}. */
    @Override
    public String toString() {
        return toDecimalString();
    }

    private static long unsignedMultiplyHigh(long x, long y) {
        // Math.unsignedMultiplyHigh arrives in Java 18; this is its definition.
        return Math.multiplyHigh(x, y) + ((x >> 63) & y) + ((y >> 63) & x);
    }

    private static IllegalArgumentException invalid(String value, String rule) {
        return new IllegalArgumentException(
                "explicitHashKey " + rule + ", a decimal integer in 0..2^128-1; got " + quote(value));
    }

    private static String quote(String value) {
        if (value.length() <= MAX_QUOTED_CHARS) {
            return '"' + value + '"';
        }
        int end = MAX_QUOTED_CHARS;
        if (Character.isHighSurrogate(value.charAt(end - 1))) {
            end--;
        }
        return '"' + value.substring(0, end) + "\"... (" + value.length() + " chars)";
    }

    private static long readLongBigEndian(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFFL);
        }
        return v;
    }

    /**
     * Per-thread MD5 state: the digest, its output buffer and a buffer for ASCII keys; the last hash
     * key it computed. Not thread-safe: one per thread, see {@link #hasher()}.
     */
    public static final class Hasher {
        private static final int ASCII_BUFFER = 256;

        private final MessageDigest md5;
        private final byte[] out = new byte[16];
        private final byte[] ascii = new byte[ASCII_BUFFER];

        Hasher() {
            try {
                md5 = MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("MD5 is required of every Java platform", e);
            }
        }

        private long hi;
        private long lo;

        /** The upper 64 bits of the last hash key computed. */
        public long hi() {
            return hi;
        }

        /** The lower 64 bits of the last hash key computed. */
        public long lo() {
            return lo;
        }

        /** Computes the hash key of a partition key (MD5 of its UTF-8 bytes); read it with hi() and lo(). */
        public void hash(String key) {
            int n = key.length();
            boolean asciiOnly = n <= ASCII_BUFFER;
            for (int i = 0; asciiOnly && i < n; i++) {
                char c = key.charAt(i);
                if (c >= 0x80) {
                    asciiOnly = false;
                } else {
                    ascii[i] = (byte) c;
                }
            }
            if (asciiOnly) {
                md5.update(ascii, 0, n);
            } else {
                md5.update(key.getBytes(StandardCharsets.UTF_8));
            }
            try {
                md5.digest(out, 0, out.length);
            } catch (DigestException e) {
                throw new IllegalStateException("MD5 digest does not fit 16 bytes", e);
            }
            hi = readLongBigEndian(out, 0);
            lo = readLongBigEndian(out, 8);
        }
    }
}
