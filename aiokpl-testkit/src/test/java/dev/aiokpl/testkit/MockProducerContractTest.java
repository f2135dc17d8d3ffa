package dev.aiokpl.testkit;

import dev.aiokpl.Config;
import dev.aiokpl.Producer;
import java.math.BigInteger;

/** {@link ProducerContract} against {@link MockProducer}, auto-completing. */
class MockProducerContractTest extends ProducerContract {

    @Override
    Producer create(Config.Builder config) {
        return MockProducer.builder().shardCount(SHARDS).config(config.build()).build();
    }

    @Override
    String stream() {
        return "orders";
    }

    /** As CreateStream splits 2^128 hash keys over the shards: equal widths, the last takes the rest. */
    @Override
    String shardHolding(BigInteger hashKey) {
        BigInteger width = BigInteger.ONE.shiftLeft(128).divide(BigInteger.valueOf(SHARDS));
        return MockProducer.shardId(Math.min(hashKey.divide(width).intValueExact(), SHARDS - 1));
    }
}
