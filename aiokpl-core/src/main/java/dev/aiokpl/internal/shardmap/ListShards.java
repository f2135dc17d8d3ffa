package dev.aiokpl.internal.shardmap;

import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;

/**
 * The one Kinesis call the {@link ShardMap} makes: one page of {@code ListShards}. Production passes
 * {@code KinesisAsyncClient::listShards}; tests script the pages.
 */
@FunctionalInterface
public interface ListShards {

    /** One page; the future fails (or the call throws) when the service or the client does. */
    CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request);
}
