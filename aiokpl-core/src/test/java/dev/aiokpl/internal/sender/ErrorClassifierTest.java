package dev.aiokpl.internal.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.internal.sender.ErrorClassifier.Kind;
import dev.aiokpl.internal.testing.ScriptedKinesisClient;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpResponse;
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
            "CredentialsError", "UnrecognizedClientException", "InvalidSignatureException", "SignatureDoesNotMatch"})
    void theSpecsNonRetryableCodesFailFast(String code) {
        assertThat(ErrorClassifier.classify(code)).isEqualTo(Kind.NON_RETRYABLE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture"})
    void theSdksDefiniteClockSkewCodesAreClockSkew(String code) {
        assertThat(ErrorClassifier.classify(code)).isEqualTo(Kind.CLOCK_SKEW);
        assertThat(ErrorClassifier.classify(code, "whatever the message")).isEqualTo(Kind.CLOCK_SKEW);
    }

    @ParameterizedTest
    @ValueSource(strings = {"InvalidSignatureException", "SignatureDoesNotMatch", "AuthFailure"})
    void aSignatureErrorIsClockSkewOnlyWhenItsMessageSaysTheSignatureIsOutOfDate(String code) {
        assertThat(ErrorClassifier.classify(code, "Signature expired: 20300101T000000Z is now earlier than "
                + "20300101T000100Z (20300101T000600Z - 5 min.)")).isEqualTo(Kind.CLOCK_SKEW);
        assertThat(ErrorClassifier.classify(code, "Signature not yet current: 20300101T010000Z is still later than "
                + "20300101T000600Z (20300101T000100Z + 5 min.)")).isEqualTo(Kind.CLOCK_SKEW);
        // a wrong secret key: retrying cannot help
        assertThat(ErrorClassifier.classify(code, "The request signature we calculated does not match the signature "
                + "you provided. Check your AWS Secret Access Key and signing method.")).isEqualTo(Kind.NON_RETRYABLE);
        assertThat(ErrorClassifier.classify(code, null)).isEqualTo(Kind.NON_RETRYABLE);
    }

    @Test
    void aSignatureErrorAnsweredWithAServerDateFarFromOurClockIsClockSkew() {
        String badKey = "The request signature we calculated does not match the signature you provided.";
        KinesisException skewed = signatureError(badKey, Instant.now().plus(Duration.ofHours(1)));
        assertThat(ErrorClassifier.code(skewed)).isEqualTo("SignatureDoesNotMatch");
        assertThat(ErrorClassifier.classify(skewed)).isEqualTo(Kind.CLOCK_SKEW);
        KinesisException inTime = signatureError(badKey, Instant.now());
        assertThat(ErrorClassifier.classify(inTime)).as("no skew evidence: a bad signature").isEqualTo(Kind.NON_RETRYABLE);
    }

    private static KinesisException signatureError(String message, Instant serverNow) {
        SdkHttpResponse http = SdkHttpResponse.builder().statusCode(403).putHeader("Date",
                DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(serverNow, ZoneOffset.UTC))).build();
        return (KinesisException) KinesisException.builder()
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("SignatureDoesNotMatch").errorMessage(message)
                        .sdkHttpResponse(http).serviceName("Kinesis").build())
                .message(message).statusCode(403).clockSkew(Duration.ZERO).build();
    }

    @Test
    void anExpiredTokenAndATransientCredentialsFetchFailureRetryButNoCredentialsAtAllFails() {
        assertThat(ErrorClassifier.classify("ExpiredTokenException")).isEqualTo(Kind.CREDENTIALS_RETRYABLE);

        SdkClientException imdsDown = SdkClientException.create("Failed to load credentials from IMDS.",
                new java.net.SocketTimeoutException("Connect timed out"));
        assertThat(ErrorClassifier.code(imdsDown)).isEqualTo(ErrorClassifier.CREDENTIALS_FETCH_FAILED);
        assertThat(ErrorClassifier.classify(imdsDown)).isEqualTo(Kind.CREDENTIALS_RETRYABLE);

        SdkClientException none = SdkClientException.create("Unable to load credentials from any of the providers in "
                + "the chain AwsCredentialsProviderChain(credentialsProviders=[...]) : [InstanceProfileCredentialsProvider"
                + "(): Failed to load credentials from IMDS.]");
        assertThat(ErrorClassifier.code(none)).isEqualTo("CredentialsError");
        assertThat(ErrorClassifier.classify(none)).isEqualTo(Kind.NON_RETRYABLE);
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
