package com.example.orders;

import dev.aiokpl.Producer;
import dev.aiokpl.ProducerFullException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** The application code of the README's "Testing your code" example: it knows only {@link Producer}. */
public final class OrderPublisher {

    /** What became of one order. */
    public enum Outcome { SENT, FAILED, RETRY_LATER }

    private final Producer producer;

    public OrderPublisher(Producer producer) {
        this.producer = producer;
    }

    public CompletableFuture<Outcome> publish(String orderId, String json) {
        try {
            return producer.putRecord("orders", orderId, json.getBytes(StandardCharsets.UTF_8))
                    .thenApply(result -> result.successful() ? Outcome.SENT : Outcome.FAILED);
        } catch (ProducerFullException e) {      // full for longer than maxBlockTime
            return CompletableFuture.completedFuture(Outcome.RETRY_LATER);
        }
    }
}
