package dev.aiokpl.internal.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.Config;
import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class KinesisClientsTest {

    private static Config.Builder config() {
        return Config.builder().region("us-east-1").endpointOverride(URI.create("http://127.0.0.1:1"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")));
    }

    @Test
    void putRecordsGoDirectUnlessTurnedOff() {
        try (KinesisClients.Owned direct = KinesisClients.create(config().build());
                KinesisClients.Owned viaClient = KinesisClients.create(config().directPutRecords(false).build())) {
            assertThat(direct.transport()).isInstanceOf(DirectPutRecords.class);
            assertThat(((DirectPutRecords) direct.transport()).endpointKnown())
                    .as("no call made yet: the endpoint is learnt from the client's first request").isFalse();
            assertThat(viaClient.transport()).isInstanceOf(SdkPutRecords.class);
        }
    }
}
