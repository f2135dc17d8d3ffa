package dev.aiokpl.internal.testing;

import dev.aiokpl.internal.shardmap.ListShards;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/** A {@link ListShards} port whose calls wait until the test answers them. */
public final class ScriptedListShards implements ListShards {

    private final List<CompletableFuture<ListShardsResponse>> calls = new ArrayList<>();

    @Override
    public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
        CompletableFuture<ListShardsResponse> page = new CompletableFuture<>();
        calls.add(page);
        return page;
    }

    /** How many calls were made. */
    public int calls() {
        return calls.size();
    }

    /** Answers the latest call with one page holding {@code shards}. */
    public void answer(List<Shard> shards) {
        calls.get(calls.size() - 1).complete(ListShardsResponse.builder().shards(shards).build());
    }
}
