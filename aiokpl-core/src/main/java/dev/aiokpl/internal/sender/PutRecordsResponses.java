package dev.aiokpl.internal.sender;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.thirdparty.jackson.core.JsonFactory;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORFactory;

/**
 * Reads PutRecords answers (awsJson1.1 or the SDK's CBOR) into the SDK's own types, as the SDK's
 * unmarshallers would: a 2xx body into a {@link PutRecordsResponse}, anything else into a
 * {@link KinesisException} whose {@link AwsErrorDetails} carry the service's error code and message.
 * Parsing uses the Jackson copy the SDK ships (its {@code third-party-jackson-*} modules).
 */
public final class PutRecordsResponses {

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final JsonFactory CBOR = CBORFactory.builder().build();
    private static final String SERVICE = "Kinesis";

    private PutRecordsResponses() {
    }

    /** A successful answer's body. */
    public static PutRecordsResponse success(byte[] body, boolean cbor) throws IOException {
        PutRecordsResponse.Builder response = PutRecordsResponse.builder();
        List<PutRecordsResultEntry> records = null;
        try (JsonParser p = (cbor ? CBOR : JSON).createParser(body)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, "the response");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "FailedRecordCount" -> {
                        if (value != JsonToken.VALUE_NULL) {
                            response.failedRecordCount(p.getIntValue());
                        }
                    }
                    case "EncryptionType" -> response.encryptionType(value == JsonToken.VALUE_NULL ? null : p.getText());
                    case "Records" -> records = entries(p, value);
                    default -> p.skipChildren();
                }
            }
        }
        if (records == null) {
            throw new IOException("PutRecords response without Records");
        }
        return response.records(records).build();
    }

    private static List<PutRecordsResultEntry> entries(JsonParser p, JsonToken start) throws IOException {
        expect(start, JsonToken.START_ARRAY, "Records");
        List<PutRecordsResultEntry> records = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            expect(t, JsonToken.START_OBJECT, "a Records entry");
            PutRecordsResultEntry.Builder e = PutRecordsResultEntry.builder();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                String text = value == JsonToken.VALUE_NULL || value.isStructStart() ? null : p.getText();
                switch (field) {
                    case "SequenceNumber" -> e.sequenceNumber(text);
                    case "ShardId" -> e.shardId(text);
                    case "ErrorCode" -> e.errorCode(text);
                    case "ErrorMessage" -> e.errorMessage(text);
                    default -> p.skipChildren();
                }
            }
            records.add(e.build());
        }
        return records;
    }

    /**
     * A failed answer: the error code from the {@code X-Amzn-ErrorType} header (before any {@code :}),
     * else from the body's {@code __type} (after any {@code #}); the message from the body's
     * {@code message} (any case). A body that cannot be read leaves them unset, as with the SDK.
     *
     * @param timeOffsetSeconds the clock offset the request was signed with ({@code SdkGlobalTime}'s), which
     *                          lets {@link KinesisException#isClockSkewException()} compare the client's clock
     *                          with the answer's {@code Date}, as for the SDK's own exceptions
     */
    public static KinesisException error(SdkHttpResponse http, byte[] body, boolean cbor, int timeOffsetSeconds) {
        String code = http.firstMatchingHeader("X-Amzn-ErrorType").map(h -> {
            int colon = h.indexOf(':');
            return colon >= 0 ? h.substring(0, colon) : h;
        }).filter(s -> !s.isBlank()).orElse(null);
        String message = null;
        String bodyType = null;
        if (body.length > 0) {
            try (JsonParser p = (cbor ? CBOR : JSON).createParser(body)) {
                if (p.nextToken() == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String field = p.currentName();
                        JsonToken value = p.nextToken();
                        if (value.isStructStart()) {
                            p.skipChildren();
                        } else if (field.equals("__type")) {
                            bodyType = p.getText();
                        } else if (field.equalsIgnoreCase("message")) {
                            message = p.getText();
                        }
                    }
                }
            } catch (IOException | RuntimeException unreadable) {
                // Not JSON/CBOR (a proxy's HTML page, a truncated body): the status code still tells.
            }
        }
        if (code == null && bodyType != null) {
            code = bodyType.substring(bodyType.lastIndexOf('#') + 1);
        }
        String requestId = http.firstMatchingHeader("x-amzn-RequestId").orElse(null);
        return (KinesisException) KinesisException.builder()
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(message)
                        .serviceName(SERVICE)
                        .sdkHttpResponse(http)
                        .rawResponse(SdkBytes.fromByteArrayUnsafe(body))
                        .build())
                .statusCode(http.statusCode())
                .requestId(requestId)
                .clockSkew(Duration.ofSeconds(timeOffsetSeconds))
                .message((message == null ? "" : message) + " (Service: " + SERVICE + ", Status Code: " + http.statusCode()
                        + ", Request ID: " + requestId + ", Error Code: " + code + ")")
                .build();
    }

    private static void expect(JsonToken actual, JsonToken expected, String what) throws IOException {
        if (actual != expected) {
            throw new IOException("unexpected " + actual + " for " + what + " in a PutRecords response");
        }
    }
}
