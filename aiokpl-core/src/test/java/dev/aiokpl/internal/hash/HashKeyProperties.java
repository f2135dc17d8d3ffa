package dev.aiokpl.internal.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

class HashKeyProperties {

    private static final BigInteger TWO_128 = BigInteger.ONE.shiftLeft(128);

    @Provide
    Arbitrary<BigInteger> hashKeys() {
        // Uniform values, plus values near every power of two so carries and limb edges are hit.
        Arbitrary<BigInteger> uniform = Arbitraries.bigIntegers()
                .between(BigInteger.ZERO, TWO_128.subtract(BigInteger.ONE));
        Arbitrary<BigInteger> edges = Arbitraries.integers().between(0, 128)
                .flatMap(bit -> Arbitraries.integers().between(-3, 3)
                        .map(delta -> BigInteger.ONE.shiftLeft(bit).add(BigInteger.valueOf(delta))))
                .filter(v -> v.signum() >= 0 && v.compareTo(TWO_128) < 0);
        Arbitrary<BigInteger> small = Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.valueOf(1_000_000));
        return Arbitraries.oneOf(uniform, edges, small);
    }

    @Property(tries = 2000)
    void parseDecimalRoundTrips(@ForAll("hashKeys") BigInteger value) {
        HashKey key = HashKey.parseDecimal(value.toString());
        assertThat(HashKeyTest.toBigInteger(key)).isEqualTo(value);
        assertThat(key.toDecimalString()).isEqualTo(value.toString());
    }

    @Property(tries = 2000)
    void comparesLikeBigInteger(@ForAll("hashKeys") BigInteger a, @ForAll("hashKeys") BigInteger b) {
        HashKey ka = HashKey.parseDecimal(a.toString());
        HashKey kb = HashKey.parseDecimal(b.toString());
        assertThat(Integer.signum(ka.compareTo(kb))).isEqualTo(a.compareTo(b));
        assertThat(ka.equals(kb)).isEqualTo(a.equals(b));
    }

    @Property(tries = 1000)
    void valuesOf2To128AndAboveAreRejected(@ForAll("hashKeys") BigInteger value) {
        String tooBig = TWO_128.add(value).toString();
        assertThatThrownBy(() -> HashKey.parseDecimal(tooBig))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("explicitHashKey");
    }

    @Property(tries = 1000)
    void partitionKeyHashMatchesMd5(@ForAll @StringLength(min = 1, max = 300) String key) throws Exception {
        assertThat(HashKeyTest.toBigInteger(HashKey.ofPartitionKey(key))).isEqualTo(HashKeyTest.md5(key));
    }

    @Property(tries = 1000)
    void theHasherLeavesTheSameKeyInItsHalves(@ForAll @StringLength(min = 1, max = 300) String key) throws Exception {
        HashKey.Hasher hasher = HashKey.hasher();
        hasher.hash(key);
        BigInteger md5 = HashKeyTest.md5(key);
        assertThat(HashKeyTest.toBigInteger(HashKey.of(hasher.hi(), hasher.lo()))).isEqualTo(md5);
    }

    @Property(tries = 2000)
    void compareOfHalvesMatchesCompareTo(@ForAll("hashKeys") BigInteger a, @ForAll("hashKeys") BigInteger b) {
        HashKey ka = HashKey.parseDecimal(a.toString());
        HashKey kb = HashKey.parseDecimal(b.toString());
        assertThat(Integer.signum(HashKey.compare(ka.hi(), ka.lo(), kb.hi(), kb.lo()))).isEqualTo(a.compareTo(b));
    }

    @Property(tries = 1000)
    void nonDigitStringsAreRejectedOrParsedLikeBigInteger(@ForAll @StringLength(max = 45) String s) {
        boolean canonical = s.matches("0|[1-9][0-9]*") && new BigInteger(s).compareTo(TWO_128) < 0;
        if (canonical) {
            assertThat(HashKey.parseDecimal(s).toDecimalString()).isEqualTo(s);
        } else {
            assertThatThrownBy(() -> HashKey.parseDecimal(s)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
