package dev.aiokpl.internal.retry;

import static dev.aiokpl.internal.testing.TestRecords.STREAM;
import static dev.aiokpl.internal.testing.TestRecords.pendingAt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.Attempt;
import dev.aiokpl.internal.TimeBase;
import dev.aiokpl.internal.collector.PutBatch;
import dev.aiokpl.internal.hash.HashKey;
import dev.aiokpl.internal.record.KinesisRecord;
import dev.aiokpl.internal.record.PendingRecord;
import dev.aiokpl.internal.retry.RecordingDecisions.Decision;
import dev.aiokpl.internal.sender.ErrorClassifier;
import dev.aiokpl.internal.shardmap.ShardMap.ShardRange;
import dev.aiokpl.internal.testing.ManualTicker;
import dev.aiokpl.internal.testing.ScriptedKinesisClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/** Every classification row of SPEC section 3 (retrier), one Kinesis record at a time. */
class RetrierTest {

    private static final Instant WALL = Instant.parse("2030-01-01T00:00:00Z");
    private static final long MS = 1_000_000L;
    private static final long BASE = 100 * MS;

    /** Two shards splitting the key space at 2^127, and the parent they came from. */
    private static final HashKey HALF = HashKey.of(Long.MIN_VALUE, 0); // 2^127
    private static final HashKey BELOW_HALF = HashKey.of(Long.MAX_VALUE, -1L); // 2^127 - 1
    private static final ShardRange PARENT = new ShardRange("parent", HashKey.MIN, HashKey.MAX);
    private static final ShardRange LOW = new ShardRange("low", HashKey.MIN, BELOW_HALF);
    private static final ShardRange HIGH = new ShardRange("high", HALF, HashKey.MAX);

    private final ManualTicker ticker = new ManualTicker();
    private final TimeBase time = new TimeBase(ticker, Clock.fixed(WALL, ZoneOffset.UTC));
    private final RecordingDecisions outcomes = new RecordingDecisions().knows(PARENT, LOW, HIGH);
    private double random = 0.5;
    private final Backoff backoff = new Backoff(BASE, 2_000 * MS, () -> random);

    private final long arrival = ticker.read();
    private final long start = arrival + 120 * MS;
    private final long end = start + 35 * MS;

    private Retrier retrier(boolean failIfThrottled) {
        return new Retrier(failIfThrottled, backoff, time);
    }

    private static KinesisRecord kr(String predicted, PendingRecord... records) {
        return new KinesisRecord(STREAM, records.length > 1 ? "a" : records[0].partitionKey,
                records[0].hashKey().toDecimalString(), new byte[10], List.of(records), predicted, 0);
    }

    private static PutBatch batch(KinesisRecord... krs) {
        return new PutBatch(STREAM, List.of(krs), 10L * krs.length);
    }

    private static PutRecordsResponse response(PutRecordsResultEntry... entries) {
        return PutRecordsResponse.builder().records(entries).build();
    }

    private static PutRecordsResultEntry ok(String shard, String seq) {
        return PutRecordsResultEntry.builder().shardId(shard).sequenceNumber(seq).build();
    }

    private static PutRecordsResultEntry error(String code, String message) {
        return PutRecordsResultEntry.builder().errorCode(code).errorMessage(message).build();
    }

    private PendingRecord low(int n) {
        return pendingAt(HashKey.of(0, n), arrival);
    }

    private PendingRecord high(int n) {
        return pendingAt(HashKey.of(-1L, n), arrival);
    }

    // ------------------------------------------------------------------ successes

    @Test
    void successOnThePredictedShardSucceedsWithTheAttemptsTimes() {
        PendingRecord r1 = low(1);
        PendingRecord r2 = low(2);
        retrier(false).onResponse(batch(kr("low", r1, r2)), start, end, response(ok("low", "4900")), null, outcomes);

        assertThat(outcomes.kinds()).containsExactly("succeeded", "succeeded");
        for (Decision d : outcomes.decisions) {
            Attempt a = d.attempt();
            assertThat(a.successful()).isTrue();
            assertThat(a.shardId()).isEqualTo("low");
            assertThat(a.sequenceNumber()).isEqualTo("4900");
            assertThat(a.startedAt()).isEqualTo(WALL.plusNanos(start - arrival));
            assertThat(a.endedAt()).isEqualTo(WALL.plusNanos(end - arrival));
            assertThat(a.duration()).isEqualTo(Duration.ofMillis(35));
            assertThat(a.delay()).as("waited from arrival to the request").isEqualTo(Duration.ofMillis(120));
            assertThat(a.errorCode()).isNull();
        }
        assertThat(r1.waitStartNanos).isEqualTo(end);
        assertThat(outcomes.staleEvidence).isEmpty();
        assertThat(outcomes.shardLookups).as("an aggregate's range is checked even on its predicted shard")
                .isEqualTo(1);
    }

    @Test
    void successWithoutPredictionSucceedsOnAnyShard() {
        PendingRecord r = high(1);
        retrier(false).onResponse(batch(kr(null, r)), start, end, response(ok("somewhere", "1")), null, outcomes);
        assertThat(outcomes.kinds()).containsExactly("succeeded");
        assertThat(outcomes.decisions.get(0).attempt().shardId()).isEqualTo("somewhere");
        assertThat(outcomes.staleEvidence).isEmpty();
    }

    @Test
    void successOnASplitChildHoldingEveryKeySucceedsAndReportsTheMapStale() {
        PendingRecord r1 = low(1);
        PendingRecord r2 = low(2);
        retrier(false).onResponse(batch(kr("parent", r1, r2)), start, end, response(ok("low", "77")), null, outcomes);
        assertThat(outcomes.kinds()).containsExactly("succeeded", "succeeded");
        assertThat(outcomes.decisions).allSatisfy(d -> assertThat(d.attempt().shardId()).isEqualTo("low"));
        assertThat(outcomes.staleEvidence).containsExactly(start);
    }

    @Test
    void aChildShardsBoundariesCount() {
        PendingRecord atEnd = pendingAt(BELOW_HALF, arrival);
        PendingRecord atStart = pendingAt(HashKey.MIN, arrival);
        retrier(false).onResponse(batch(kr("parent", atStart, atEnd)), start, end, response(ok("low", "1")), null, outcomes);
        assertThat(outcomes.kinds()).containsExactly("succeeded", "succeeded");

        outcomes.decisions.clear();
        PendingRecord justAbove = pendingAt(HALF, arrival);
        retrier(false).onResponse(batch(kr("parent", low(3), justAbove)), start, end, response(ok("low", "2")), null, outcomes);
        assertThat(outcomes.kinds()).containsExactly("retry", "retry");
    }

    @Test
    void successOnAShardMissingOneKeyRetriesTheWholeAggregateAsWrongShard() {
        PendingRecord inRange1 = low(1);
        PendingRecord outOfRange = high(1);
        PendingRecord inRange2 = low(2);
        retrier(false).onResponse(batch(kr("parent", inRange1, outOfRange, inRange2)), start, end,
                response(ok("low", "5")), null, outcomes);

        assertThat(outcomes.kinds()).containsExactly("retry", "retry", "retry");
        assertThat(outcomes.decisions).extracting(Decision::record).containsExactly(inRange1, outOfRange, inRange2);
        for (Decision d : outcomes.decisions) {
            assertThat(d.attempt().errorCode()).isEqualTo(Retrier.WRONG_SHARD).isEqualTo("Wrong Shard");
            assertThat(d.attempt().errorMessage()).contains("parent").contains("low");
            assertThat(d.attempt().duration()).isEqualTo(Duration.ofMillis(35));
            assertThat(d.notBeforeNanos()).as("no backoff: the map reload is the remedy").isEqualTo(end);
        }
        assertThat(outcomes.staleEvidence).containsExactly(start);
    }

    @Test
    void anAggregateOnItsPredictedShardIsCheckedAgainstTheShardsCurrentRange() {
        // The stream was deleted and re-created under the same name: "low" is back with another range,
        // and the aggregate was built on the old one. KCL would drop it whole.
        PendingRecord inRange = low(1);
        PendingRecord outOfRange = high(1);
        retrier(false).onResponse(batch(kr("low", inRange, outOfRange)), start, end, response(ok("low", "5")), null, outcomes);

        assertThat(outcomes.kinds()).containsExactly("retry", "retry");
        for (Decision d : outcomes.decisions) {
            assertThat(d.attempt().errorCode()).isEqualTo(Retrier.WRONG_SHARD);
            assertThat(d.attempt().errorMessage()).contains("low");
            assertThat(d.notBeforeNanos()).isEqualTo(end);
        }
        assertThat(outcomes.staleEvidence).containsExactly(start);
    }

    @Test
    void resourceNotFoundReportsTheMapStale() {
        retrier(false).onResponse(batch(kr("low", low(1))), start, end, null,
                ScriptedKinesisClient.resourceNotFound("Stream orders under account 1 not found."), outcomes);
        assertThat(outcomes.kinds()).containsExactly("failed");
        assertThat(outcomes.staleEvidence).containsExactly(start);

        retrier(false).onResponse(batch(kr("low", low(2))), start, end,
                response(error("ResourceNotFoundException", "gone")), null, outcomes);
        assertThat(outcomes.kinds()).containsExactly("failed", "failed");
        assertThat(outcomes.staleEvidence).containsExactly(start, start);
    }

    @Test
    void aRawRecordOnAnotherShardSucceedsAndReportsTheMapStale() {
        // The service routes a raw record by its own hash key: whatever our map says, it is where it
        // belongs, and retrying it would only duplicate it.
        PendingRecord onUnknown = low(1);
        retrier(false).onResponse(batch(kr("parent", onUnknown)), start, end, response(ok("brand-new", "9")), null, outcomes);
        PendingRecord outsideTheMapsRange = high(1);
        retrier(false).onResponse(batch(kr("parent", outsideTheMapsRange)), start, end, response(ok("low", "10")),
                null, outcomes);
        assertThat(outcomes.kinds()).containsExactly("succeeded", "succeeded");
        assertThat(outcomes.decisions.get(0).attempt().shardId()).isEqualTo("brand-new");
        assertThat(outcomes.decisions.get(1).attempt().shardId()).isEqualTo("low");
        assertThat(outcomes.unknown).isEmpty();
        assertThat(outcomes.staleEvidence).containsExactly(start, start);
    }

    @Test
    void anAggregateOnAnUnknownShardIsDeferredUntilTheMapReloads() {
        PendingRecord r1 = low(1);
        PendingRecord r2 = low(2);
        KinesisRecord kr = kr("parent", r1, r2);
        retrier(false).onResponse(batch(kr), start, end, response(ok("brand-new", "9")), null, outcomes);
        assertThat(outcomes.decisions).isEmpty();
        assertThat(outcomes.staleEvidence).containsExactly(start);
        assertThat(outcomes.unknown).containsExactly(new RecordingDecisions.Unknown(kr, "brand-new", "9", start, end));

        // the reloaded map knows the shard, and it holds the keys
        retrier(false).onShardResolved(kr, "brand-new", new ShardRange("brand-new", HashKey.MIN, BELOW_HALF), "9",
                start, end, outcomes);
        assertThat(outcomes.kinds()).containsExactly("succeeded", "succeeded");
        assertThat(outcomes.decisions.get(0).attempt().sequenceNumber()).isEqualTo("9");
    }

    @Test
    void aDeferredAggregateOnAShardStillUnknownAfterTheReloadIsRetriedAsWrongShard() {
        KinesisRecord kr = kr("parent", low(1), low(2));
        retrier(false).onShardResolved(kr, "ghost", null, "9", start, end, outcomes);
        assertThat(outcomes.kinds()).containsExactly("retry", "retry");
        assertThat(outcomes.decisions.get(0).attempt().errorCode()).isEqualTo(Retrier.WRONG_SHARD);
        assertThat(outcomes.decisions.get(0).attempt().errorMessage()).contains("ghost");
    }

    // ------------------------------------------------------------------ throttling

    @Test
    void throttlingSlowsTheShardAndRetriesAfterAJitteredBackoff() {
        PendingRecord r = low(1);
        retrier(false).onResponse(batch(kr("low", r)), start, end,
                response(error(ErrorClassifier.THROTTLED_CODE, "Rate exceeded for shard low")), null, outcomes);
        assertThat(outcomes.throttled).containsExactly("low@" + end);
        assertThat(outcomes.kinds()).containsExactly("retry");
        Decision d = outcomes.decisions.get(0);
        assertThat(d.attempt().errorCode()).isEqualTo("ProvisionedThroughputExceededException");
        assertThat(d.attempt().errorMessage()).isEqualTo("Rate exceeded for shard low");
        assertThat(d.notBeforeNanos() - end).as("first retry: 100 ms × (0.5 + 0.5 × 0.5)").isEqualTo(75 * MS);

        // the second retry backs off twice as long
        retrier(false).onResponse(batch(kr("low", r)), start, end,
                response(error(ErrorClassifier.THROTTLED_CODE, "again")), null, outcomes);
        assertThat(outcomes.decisions.get(1).notBeforeNanos() - end).isEqualTo(150 * MS);
    }

    @Test
    void throttlingFailsAtOnceWithFailIfThrottled() {
        PendingRecord r = low(1);
        retrier(true).onResponse(batch(kr("low", r)), start, end,
                response(error(ErrorClassifier.THROTTLED_CODE, "Rate exceeded")), null, outcomes);
        assertThat(outcomes.kinds()).containsExactly("failed");
        assertThat(outcomes.decisions.get(0).attempt().errorCode()).isEqualTo(ErrorClassifier.THROTTLED_CODE);
        assertThat(outcomes.throttled).as("the shard is still slowed down").hasSize(1);
    }

    @Test
    void throttlingWithoutPredictionSlowsNoShard() {
        retrier(false).onResponse(batch(kr(null, low(1))), start, end,
                response(error(ErrorClassifier.THROTTLED_CODE, "Rate exceeded")), null, outcomes);
        assertThat(outcomes.throttled).containsExactly("null@" + end);
        assertThat(outcomes.kinds()).containsExactly("retry");
    }

    // ------------------------------------------------------------------ non-retryable

    @ParameterizedTest
    @ValueSource(strings = {"ResourceNotFoundException", "AccessDeniedException", "ValidationException",
            "InvalidArgumentException", "KMSAccessDeniedException", "KMSDisabledException", "KMSNotFoundException",
            "KMSInvalidStateException", "KMSOptInRequired", "UnrecognizedClientException",
            "InvalidSignatureException", "IncompleteSignature", "MissingAuthenticationToken", "InvalidClientTokenId",
            "SignatureDoesNotMatch", "AuthFailure"})
    void aNonRetryableEntryErrorFailsAtOnce(String code) {
        PendingRecord r1 = low(1);
        PendingRecord r2 = low(2);
        retrier(false).onResponse(batch(kr("low", r1, r2)), start, end, response(error(code, "because " + code)), null, outcomes);
        assertThat(outcomes.kinds()).containsExactly("failed", "failed");
        for (Decision d : outcomes.decisions) {
            assertThat(d.attempt().errorCode()).isEqualTo(code);
            assertThat(d.attempt().errorMessage()).isEqualTo("because " + code);
            assertThat(d.attempt().delay()).isEqualTo(Duration.ofMillis(120));
        }
        assertThat(outcomes.throttled).isEmpty();
    }

    static Stream<Arguments> nonRetryableRequestErrors() {
        return Stream.of(
                Arguments.of(ScriptedKinesisClient.resourceNotFound("Stream orders under account 1 not found."),
                        "ResourceNotFoundException", "Stream orders under account 1 not found. (HTTP 400)"),
                Arguments.of(ScriptedKinesisClient.serviceError("AccessDeniedException", "User is not authorized", 400),
                        "AccessDeniedException", "User is not authorized (HTTP 400)"),
                Arguments.of(ScriptedKinesisClient.serviceError("KMSDisabledException", "key disabled", 400),
                        "KMSDisabledException", "key disabled (HTTP 400)"),
                Arguments.of(ScriptedKinesisClient.serviceError("UnrecognizedClientException", "bad token", 400),
                        "UnrecognizedClientException", "bad token (HTTP 400)"),
                Arguments.of(ScriptedKinesisClient.serviceError("InvalidSignatureException", "The request signature we "
                        + "calculated does not match the signature you provided.", 400), "InvalidSignatureException",
                        "The request signature we calculated does not match the signature you provided. (HTTP 400)"),
                Arguments.of(ScriptedKinesisClient.clientError(
                        "Unable to load credentials from any of the providers in the chain"),
                        "CredentialsError", "Unable to load credentials from any of the providers in the chain"));
    }

    @ParameterizedTest
    @MethodSource("nonRetryableRequestErrors")
    void aNonRetryableRequestErrorFailsEveryRecordAtOnce(Throwable error, String code, String message) {
        PendingRecord r1 = low(1);
        PendingRecord r2 = high(1);
        retrier(false).onResponse(batch(kr("low", r1), kr("high", r2)), start, end, null, error, outcomes);
        assertThat(outcomes.kinds()).containsExactly("failed", "failed");
        for (Decision d : outcomes.decisions) {
            assertThat(d.attempt().errorCode()).isEqualTo(code);
            assertThat(d.attempt().errorMessage()).isEqualTo(message);
        }
    }

    // ------------------------------------------------------------------ clock skew and credentials

    @Test
    void aClockSkewErrorRetriesPromptlyOnceThenWithBackoff() {
        PendingRecord r1 = low(1);
        PendingRecord r2 = high(1);
        Throwable expired = ScriptedKinesisClient.serviceError("InvalidSignatureException", "Signature expired: "
                + "20300101T000000Z is now earlier than 20300101T000100Z (20300101T000600Z - 5 min.)", 400);
        retrier(false).onResponse(batch(kr("low", r1), kr("high", r2)), start, end, null, expired, outcomes);
        assertThat(outcomes.kinds()).containsExactly("retry", "retry");
        for (Decision d : outcomes.decisions) {
            assertThat(d.attempt().errorCode()).isEqualTo("InvalidSignatureException");
            assertThat(d.notBeforeNanos()).as("the signing clock is corrected: retry at once").isEqualTo(end);
        }

        retrier(false).onResponse(batch(kr("low", r1)), start, end, null,
                ScriptedKinesisClient.serviceError("RequestExpired", "Request has expired.", 400), outcomes);
        assertThat(outcomes.decisions.get(2).notBeforeNanos()).as("skewed again: the correction did not help")
                .isEqualTo(end + 150 * MS);
    }

    @Test
    void anExpiredTokenRetriesWithBackoffAndOneRateLimitedWarning() {
        Retrier retrier = retrier(false);
        List<KinesisRecord> krs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            krs.add(kr("low", low(i)));
        }
        PutRecordsResultEntry[] expired = new PutRecordsResultEntry[50];
        java.util.Arrays.fill(expired, error("ExpiredTokenException", "The security token included in the request "
                + "is expired"));
        retrier.onResponse(batch(krs.toArray(new KinesisRecord[0])), start, end, response(expired), null, outcomes);
        assertThat(outcomes.kinds()).hasSize(50).containsOnly("retry");
        assertThat(outcomes.decisions).allSatisfy(d -> {
            assertThat(d.attempt().errorCode()).isEqualTo("ExpiredTokenException");
            assertThat(d.notBeforeNanos()).isEqualTo(end + 75 * MS);
        });
        assertThat(retrier.credentialsWarnings()).as("one line, not one per record").isEqualTo(1);

        long later = end + Duration.ofSeconds(5).toNanos();
        retrier.onResponse(batch(kr("low", low(99))), later, later, null,
                ScriptedKinesisClient.clientError("Failed to load credentials from IMDS."), outcomes);
        assertThat(outcomes.decisions.get(50).kind()).isEqualTo("retry");
        assertThat(outcomes.decisions.get(50).attempt().errorCode()).isEqualTo(ErrorClassifier.CREDENTIALS_FETCH_FAILED);
        assertThat(retrier.credentialsWarnings()).isEqualTo(1);

        long muchLater = end + Duration.ofSeconds(31).toNanos();
        retrier.onResponse(batch(kr("low", low(100))), muchLater, muchLater, response(expired[0]), null, outcomes);
        assertThat(retrier.credentialsWarnings()).isEqualTo(2);
    }

    // ------------------------------------------------------------------ retryable

    static Stream<Arguments> retryableRequestErrors() {
        return Stream.of(
                Arguments.of(ScriptedKinesisClient.serviceError("InternalFailure", "Internal service failure.", 500),
                        "InternalFailure", "Internal service failure. (HTTP 500)"),
                Arguments.of(ScriptedKinesisClient.serviceError("ServiceUnavailable", "try later", 503),
                        "ServiceUnavailable", "try later (HTTP 503)"),
                Arguments.of(software.amazon.awssdk.services.kinesis.model.KinesisException.builder()
                        .message("Bad gateway").statusCode(502).build(), "ServiceUnavailable", "Bad gateway"),
                Arguments.of(ScriptedKinesisClient.serviceError("LimitExceededException", "too many", 400),
                        "LimitExceededException", "too many (HTTP 400)"),
                Arguments.of(ScriptedKinesisClient.apiCallTimeout(6000), "ApiCallTimeoutException", null),
                Arguments.of(ScriptedKinesisClient.clientError("Connection reset by peer"), "SdkClientException",
                        "Connection reset by peer"),
                Arguments.of(new java.util.concurrent.CompletionException(
                        ScriptedKinesisClient.clientError("Connection reset")), "SdkClientException", "Connection reset"));
    }

    @ParameterizedTest
    @MethodSource("retryableRequestErrors")
    void aRetryableRequestErrorRetriesEveryRecordWithBackoff(Throwable error, String code, String message) {
        PendingRecord r1 = low(1);
        PendingRecord r2 = high(1);
        // the sender hands the retrier unwrapped errors
        retrier(false).onResponse(batch(kr("low", r1), kr("high", r2)), start, end, null, ErrorClassifier.unwrap(error), outcomes);
        assertThat(outcomes.kinds()).containsExactly("retry", "retry");
        for (Decision d : outcomes.decisions) {
            assertThat(d.attempt().errorCode()).isEqualTo(code);
            if (message != null) {
                assertThat(d.attempt().errorMessage()).isEqualTo(message);
            } else {
                assertThat(d.attempt().errorMessage()).isNotBlank();
            }
            assertThat(d.notBeforeNanos()).isEqualTo(end + 75 * MS);
        }
        assertThat(outcomes.throttled).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"InternalFailure", "KMSThrottlingException", "ServiceUnavailable", "SomethingNew"})
    void aRetryableEntryErrorRetriesWithBackoff(String code) {
        retrier(false).onResponse(batch(kr("low", low(1))), start, end, response(error(code, "msg")), null, outcomes);
        assertThat(outcomes.kinds()).containsExactly("retry");
        assertThat(outcomes.decisions.get(0).attempt().errorCode()).isEqualTo(code);
        assertThat(outcomes.decisions.get(0).notBeforeNanos()).isEqualTo(end + 75 * MS);
    }

    @ParameterizedTest
    @ValueSource(ints = {-2, -1, 1})
    void aResponseWithTheWrongRecordCountRetriesEveryRecord(int delta) {
        List<KinesisRecord> krs = new ArrayList<>();
        List<PutRecordsResultEntry> entries = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            krs.add(kr("low", low(i)));
        }
        for (int i = 0; i < 3 + delta; i++) {
            entries.add(ok("low", "s" + i));
        }
        retrier(false).onResponse(batch(krs.toArray(new KinesisRecord[0])), start, end,
                PutRecordsResponse.builder().records(entries).build(), null, outcomes);
        assertThat(outcomes.kinds()).containsExactly("retry", "retry", "retry");
        assertThat(outcomes.decisions).allSatisfy(d -> {
            assertThat(d.attempt().errorCode()).isEqualTo(Retrier.COUNT_MISMATCH);
            assertThat(d.attempt().errorMessage()).contains(String.valueOf(3 + delta)).contains("3");
        });
    }

    @Test
    void eachEntryOfAResponseIsClassifiedOnItsOwn() {
        PendingRecord ok = low(1);
        PendingRecord throttled = low(2);
        PendingRecord denied = high(1);
        PendingRecord internal = high(2);
        retrier(false).onResponse(batch(kr("low", ok), kr("low", throttled), kr("high", denied), kr("high", internal)),
                start, end, response(ok("low", "1"), error(ErrorClassifier.THROTTLED_CODE, "slow"),
                        error("AccessDeniedException", "no"), error("InternalFailure", "oops")), null, outcomes);
        assertThat(outcomes.kinds()).containsExactly("succeeded", "retry", "failed", "retry");
        assertThat(outcomes.decisions).extracting(Decision::record).containsExactly(ok, throttled, denied, internal);
        assertThat(outcomes.throttled).containsExactly("low@" + end);
    }

    static Stream<Arguments> malformedSuccesses() {
        return Stream.of(Arguments.of(null, "5", "ShardId"), Arguments.of("", "5", "ShardId"),
                Arguments.of("low", null, "SequenceNumber"), Arguments.of("low", " ", "SequenceNumber"),
                Arguments.of(null, null, "ShardId and SequenceNumber"));
    }

    @ParameterizedTest
    @MethodSource("malformedSuccesses")
    void aSuccessEntryMissingItsShardIdOrSequenceNumberIsRetriedAsMalformedResponse(String shard, String seq,
            String missing) {
        PendingRecord r1 = low(1);
        PendingRecord r2 = low(2);
        PendingRecord after = high(1);
        retrier(false).onResponse(batch(kr("low", r1, r2), kr("high", after)), start, end,
                response(ok(shard, seq), ok("high", "6")), null, outcomes);

        assertThat(outcomes.kinds()).containsExactly("retry", "retry", "succeeded");
        for (Decision d : outcomes.decisions.subList(0, 2)) {
            assertThat(d.attempt().errorCode()).isEqualTo(Retrier.MALFORMED_RESPONSE).isEqualTo("MalformedResponse");
            assertThat(d.attempt().errorMessage()).contains("without " + missing);
            assertThat(d.notBeforeNanos()).as("an ordinary retry, with backoff").isEqualTo(end + 75 * MS);
        }
        assertThat(outcomes.staleEvidence).isEmpty();
    }

    @Test
    void anExceptionHandlingOneKinesisRecordDoesNotStrandTheRestOfTheBatch() {
        PendingRecord before = low(1);
        PendingRecord exploding = low(2);
        PendingRecord sameAggregate = low(3);
        PendingRecord after = high(1);
        outcomes.explosion = new IllegalStateException("boom");
        outcomes.explodeOn = exploding;
        retrier(false).onResponse(batch(kr("low", before), kr("low", exploding, sameAggregate), kr("high", after)),
                start, end, response(ok("low", "1"), ok("low", "2"), ok("high", "3")), null, outcomes);

        assertThat(outcomes.decisions).extracting(Decision::record)
                .containsExactly(before, exploding, sameAggregate, after);
        assertThat(outcomes.kinds()).containsExactly("succeeded", "retry", "retry", "succeeded");
        for (Decision d : outcomes.decisions.subList(1, 3)) {
            assertThat(d.attempt().errorCode()).isEqualTo(Retrier.INTERNAL_ERROR);
            assertThat(d.attempt().errorMessage()).contains("IllegalStateException").contains("boom");
        }
    }

    @Test
    void recordsAlreadyDecidedAreLeftAlone() {
        PendingRecord done = low(1);
        done.done = true;
        PendingRecord live = low(2);
        retrier(false).onResponse(batch(kr("low", done, live)), start, end, response(ok("low", "1")), null, outcomes);
        assertThat(outcomes.decisions).extracting(Decision::record).containsExactly(live);
    }

    @Test
    void theDelayOfALaterAttemptCountsFromTheEndOfThePreviousOne() {
        PendingRecord r = low(1);
        retrier(false).onResponse(batch(kr("low", r)), start, end, response(error("InternalFailure", "x")), null, outcomes);
        long start2 = end + 300 * MS;
        long end2 = start2 + 10 * MS;
        retrier(false).onResponse(batch(kr("low", r)), start2, end2, response(ok("low", "2")), null, outcomes);
        Attempt second = outcomes.decisions.get(1).attempt();
        assertThat(second.delay()).isEqualTo(Duration.ofMillis(300));
        assertThat(second.duration()).isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void backoffForExposesTheJitteredDelay() {
        random = 0.0;
        assertThat(retrier(false).backoffFor(1)).isEqualTo(Duration.ofMillis(50));
        random = 0.999_999;
        assertThat(retrier(false).backoffFor(3)).isBetween(Duration.ofMillis(399), Duration.ofMillis(400));
        assertThat(retrier(false).backoffFor(50)).isBetween(Duration.ofMillis(1999), Duration.ofMillis(2000));
    }
}
