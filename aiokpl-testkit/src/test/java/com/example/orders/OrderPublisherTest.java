package com.example.orders;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.orders.OrderPublisher.Outcome;
import dev.aiokpl.testkit.MockProducer;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The README's "Testing your code" example, compiled and run: a success, a failure, a full producer. */
class OrderPublisherTest {

    @Test
    void sendsTheOrderKeyedByItsId() {
        MockProducer producer = MockProducer.builder().build();          // completes every record at once
        OrderPublisher publisher = new OrderPublisher(producer);

        assertThat(publisher.publish("order-1", "{\"total\":42}").join()).isEqualTo(Outcome.SENT);
        assertThat(producer.history()).singleElement().satisfies(record -> {
            assertThat(record.stream()).isEqualTo("orders");
            assertThat(record.partitionKey()).isEqualTo("order-1");
        });
    }

    @Test
    void reportsAnOrderThatKinesisRefused() {
        MockProducer producer = MockProducer.builder().autoComplete(false).build();
        CompletableFuture<Outcome> outcome = new OrderPublisher(producer).publish("order-1", "{}");
        assertThat(outcome).isNotDone();                                   // pending until the test decides

        producer.failNext("ProvisionedThroughputExceededException", "Rate exceeded for shard");
        assertThat(outcome.join()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void asksForARetryWhenTheProducerIsFull() {
        MockProducer producer = MockProducer.builder().autoComplete(false)
                .maxOutstandingRecords(1)                                  // maxBlockTime is zero: refuse at once
                .build();
        OrderPublisher publisher = new OrderPublisher(producer);
        publisher.publish("order-1", "{}");

        assertThat(publisher.publish("order-2", "{}").join()).isEqualTo(Outcome.RETRY_LATER);
        producer.completeAll();                                            // room again
        CompletableFuture<Outcome> retried = publisher.publish("order-2", "{}");
        producer.completeNext();
        assertThat(retried.join()).isEqualTo(Outcome.SENT);
    }
}
