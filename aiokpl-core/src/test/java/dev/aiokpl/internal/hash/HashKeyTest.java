package dev.aiokpl.internal.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HashKeyTest {

    private static final BigInteger TWO_128 = BigInteger.ONE.shiftLeft(128);
    private static final String MAX_DECIMAL = TWO_128.subtract(BigInteger.ONE).toString();

    static BigInteger md5(String key) throws Exception {
        return new BigInteger(1, MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    static BigInteger toBigInteger(HashKey k) {
        return new BigInteger(Long.toUnsignedString(k.hi())).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(k.lo())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "user-123", "partitionKey", "0", "\u00e9t\u00e9", "\u65e5\u672c\u8a9e",
        "\uD83D\uDE00 emoji", "a-key-that-is-longer-than-the-ascii-fast-path-would-ever-need-to-cover-"
            + "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"
            + "12345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"})
    void partitionKeyHashIsMd5ReadAsUnsignedBigEndian(String key) throws Exception {
        assertThat(toBigInteger(HashKey.ofPartitionKey(key))).isEqualTo(md5(key));
    }

    @Test
    void knownMd5Vectors() {
        // RFC 1321 test suite: MD5("") and MD5("abc").
        assertThat(HashKey.ofPartitionKey("")).isEqualTo(HashKey.of(0xd41d8cd98f00b204L, 0xe9800998ecf8427eL));
        assertThat(HashKey.ofPartitionKey("abc")).isEqualTo(HashKey.of(0x900150983cd24fb0L, 0xd6963f7d28e17f72L));
    }

    @Test
    void partitionKeyHashIsThreadSafe() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            keys.add("key-" + i + (i % 3 == 0 ? "\u00fc" : ""));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 50; round++) {
                        for (String k : keys) {
                            if (!toBigInteger(HashKey.ofPartitionKey(k)).equals(md5(k))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void boundaries() {
        assertThat(HashKey.parseDecimal("0")).isEqualTo(HashKey.MIN);
        assertThat(HashKey.parseDecimal(MAX_DECIMAL)).isEqualTo(HashKey.MAX);
        assertThat(HashKey.MIN.toDecimalString()).isEqualTo("0");
        assertThat(HashKey.MAX.toDecimalString()).isEqualTo(MAX_DECIMAL);
        assertThat(HashKey.MAX.hi()).isEqualTo(-1L);
        assertThat(HashKey.MAX.lo()).isEqualTo(-1L);
        assertThat(HashKey.MIN.compareTo(HashKey.MAX)).isNegative();
        assertThat(HashKey.parseDecimal("18446744073709551615")).isEqualTo(HashKey.of(0, -1L));
        assertThat(HashKey.parseDecimal("18446744073709551616")).isEqualTo(HashKey.of(1, 0));
        assertThat(HashKey.parseDecimal("9223372036854775808")).isEqualTo(HashKey.of(0, Long.MIN_VALUE));
        assertThat(HashKey.of(0, Long.MIN_VALUE).toDecimalString()).isEqualTo("9223372036854775808");
        assertThat(HashKey.of(1, 0).toString()).isEqualTo("18446744073709551616");
    }

    @Test
    void rejectsTwoToThe128AndBeyond() {
        assertRejected(TWO_128.toString());
        assertRejected("340282366920938463463374607431768211465");
        assertRejected("999999999999999999999999999999999999999");
        assertRejected("1" + "0".repeat(39));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "+1", "-1", "-0", " 1", "1 ", "1 2", "01", "00", "0x10", "1e3", "1.0", "12a",
        "\u0661", "\uFF11", "\t", "1_000"})
    void rejectsNonCanonicalDecimals(String value) {
        assertRejected(value);
    }

    @Test
    void rejectsNullNamingTheField() {
        assertThatThrownBy(() -> HashKey.parseDecimal(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("explicitHashKey");
    }

    @Test
    void quotesLongValuesTruncated() {
        String huge = "7".repeat(100_000);
        assertThatThrownBy(() -> HashKey.parseDecimal(huge))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("explicitHashKey")
                .hasMessageContaining("\"" + "7".repeat(64) + "\"")
                .hasMessageContaining("100000 chars")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
    }

    @Test
    void truncationDoesNotSplitASurrogatePair() {
        String value = "x".repeat(63) + "\uD83D\uDE00" + "y".repeat(10);
        assertThatThrownBy(() -> HashKey.parseDecimal(value))
                .hasMessageContaining("\"" + "x".repeat(63) + "\"");
    }

    @Test
    void comparesUnsigned() {
        HashKey high = HashKey.of(Long.MIN_VALUE, 0); // 2^127: negative as a signed long
        HashKey low = HashKey.of(Long.MAX_VALUE, -1L);
        assertThat(high.compareTo(low)).isPositive();
        assertThat(HashKey.of(0, -1L).compareTo(HashKey.of(0, 1))).isPositive();
        assertThat(HashKey.of(5, 5).compareTo(HashKey.of(5, 5))).isZero();
    }

    @Test
    void isWithinIsInclusiveAtBothEnds() {
        HashKey start = HashKey.parseDecimal("100");
        HashKey end = HashKey.parseDecimal("200");
        assertThat(HashKey.parseDecimal("100").isWithin(start, end)).isTrue();
        assertThat(HashKey.parseDecimal("200").isWithin(start, end)).isTrue();
        assertThat(HashKey.parseDecimal("150").isWithin(start, end)).isTrue();
        assertThat(HashKey.parseDecimal("99").isWithin(start, end)).isFalse();
        assertThat(HashKey.parseDecimal("201").isWithin(start, end)).isFalse();
        assertThat(HashKey.MAX.isWithin(HashKey.MIN, HashKey.MAX)).isTrue();
        assertThat(HashKey.MIN.isWithin(HashKey.MIN, HashKey.MAX)).isTrue();
    }

    @Test
    void equalsAndHashCodeFollowTheValue() {
        assertThat(HashKey.of(1, 2)).isEqualTo(HashKey.of(1, 2)).hasSameHashCodeAs(HashKey.of(1, 2));
        assertThat(HashKey.of(1, 2)).isNotEqualTo(HashKey.of(2, 1));
        assertThat(HashKey.of(0, 0)).isSameAs(HashKey.MIN);
        assertThat(HashKey.of(1, 2)).isNotEqualTo("1");
    }

    private static void assertRejected(String value) {
        assertThatThrownBy(() -> HashKey.parseDecimal(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("explicitHashKey")
                .hasMessageContaining("\"" + value + "\"");
    }
}
