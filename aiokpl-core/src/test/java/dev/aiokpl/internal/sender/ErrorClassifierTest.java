package dev.aiokpl.internal.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.internal.sender.ErrorClassifier.Kind;
import dev.aiokpl.internal.testing.ScriptedKinesisClient;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;

class ErrorClassifierTest {

    @Test
    void throttlingIsItsOwnKind() {
        assertThat(ErrorClassifier.classify("ProvisionedThroughputExceededException")).isEqualTo(Kind.THROTTLED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ResourceNotFoundException", "AccessDeniedException", "ValidationException",
            "KMSAccessDeniedException", "KMSDisabledException", "KMSNotFoundException", "KMSInvalidStateException",
            "CredentialsError", "UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException"})
    void theSpecsNonRetryableCodesFailFast(String code) {
        assertThat(ErrorClassifier.classify(code)).isEqualTo(Kind.NON_RETRYABLE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"InternalFailure", "ServiceUnavailable", "KMSThrottlingException", "LimitExceededException",
            "ApiCallTimeoutException", "ApiCallAttemptTimeoutException", "SdkClientException", "ResponseCountMismatch",
            "Wrong Shard", "", "anything else"})
    void everythingElseIsRetried(String code) {
        assertThat(ErrorClassifier.classify(code)).isEqualTo(Kind.RETRYABLE);
    }

    @Test
    void aServiceErrorIsNamedByItsErrorCode() {
        KinesisException e = ScriptedKinesisClient.serviceError("AccessDeniedException", "not allowed", 400);
        assertThat(ErrorClassifier.code(e)).isEqualTo("AccessDeniedException");
        assertThat(ErrorClassifier.message(e)).isEqualTo("not allowed (HTTP 400)");
    }

    @Test
    void aModeledServiceExceptionWithoutDetailsIsNamedByItsClass() {
        ProvisionedThroughputExceededException e = ProvisionedThroughputExceededException.builder()
                .message("Rate exceeded").statusCode(400).build();
        assertThat(ErrorClassifier.code(e)).isEqualTo("ProvisionedThroughputExceededException");
        assertThat(ErrorClassifier.classify(ErrorClassifier.code(e))).isEqualTo(Kind.THROTTLED);
        assertThat(ErrorClassifier.message(e)).isEqualTo("Rate exceeded");
    }

    @Test
    void aServerErrorWithoutDetailsIsServiceUnavailable() {
        KinesisException e = (KinesisException) KinesisException.builder().statusCode(503).build();
        assertThat(ErrorClassifier.code(e)).isEqualTo("ServiceUnavailable");
        assertThat(ErrorClassifier.message(e)).isNotBlank();
    }

    @Test
    void clientErrorsAreNamedByTheirClassUnlessCredentialsAreMissing() {
        assertThat(ErrorClassifier.code(ScriptedKinesisClient.apiCallTimeout(6000))).isEqualTo("ApiCallTimeoutException");
        assertThat(ErrorClassifier.code(SdkClientException.create("Connection reset"))).isEqualTo("SdkClientException");
        SdkClientException noCredentials = SdkClientException.create("Unable to load credentials from any of the "
                + "providers in the chain AwsCredentialsProviderChain");
        assertThat(ErrorClassifier.code(noCredentials)).isEqualTo("CredentialsError");
        assertThat(ErrorClassifier.code(SdkClientException.create("failed", new IllegalStateException(
                "Unable to load credentials from system settings")))).isEqualTo("CredentialsError");
    }

    @Test
    void aMessageIsNeverNull() {
        assertThat(ErrorClassifier.message(new RuntimeException())).isEqualTo("java.lang.RuntimeException");
        assertThat(ErrorClassifier.message(new RuntimeException((String) null, new IllegalStateException("cause"))))
                .contains("cause");
    }

    @Test
    void unwrapRemovesCompletionAndExecutionWrappers() {
        SdkClientException inner = SdkClientException.create("reset");
        assertThat(ErrorClassifier.unwrap(new CompletionException(new ExecutionException(inner)))).isSameAs(inner);
        assertThat(ErrorClassifier.unwrap(inner)).isSameAs(inner);
        assertThat(ErrorClassifier.unwrap(null)).isNull();
        CompletionException bare = new CompletionException("no cause", null);
        assertThat(ErrorClassifier.unwrap(bare)).isSameAs(bare);
    }
}
