package dev.aiokpl.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.Shard;

class KeyOrderTest {

    @Test
    void aChildIsReadAfterBothParentsWhateverTheIds() {
        // a merge child whose id sorts before one of its parents', and a split's children
        Shard a = shard("a", null, null);
        Shard merged = shard("b", "a", "z");
        Shard z = shard("z", null, null);
        Shard left = shard("c", "b", null);
        Shard right = shard("d", "b", null);

        assertThat(KeyOrder.lineageOrder(List.of(right, left, merged, z, a)))
                .extracting(Shard::shardId)
                .containsExactly("a", "z", "b", "c", "d");
    }

    @Test
    void aParentNoLongerListedDoesNotHoldItsChildBack() {
        assertThat(KeyOrder.lineageOrder(List.of(shard("b", "expired", null), shard("a", null, null))))
                .extracting(Shard::shardId)
                .containsExactly("a", "b");
    }

    private static Shard shard(String id, String parent, String adjacentParent) {
        return Shard.builder().shardId(id).parentShardId(parent).adjacentParentShardId(adjacentParent).build();
    }
}
