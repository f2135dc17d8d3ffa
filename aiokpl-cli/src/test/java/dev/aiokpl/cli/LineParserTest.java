package dev.aiokpl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineParserTest {

    private static LineParser.Parsed parse(LineParser parser, String line) {
        return parser.parse(line.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void rawLinesAreKeyedByAStableHash() {
        LineParser parser = new LineParser(null, false, null);
        assertThat(parser.json()).isFalse();
        LineParser.Parsed a = parse(parser, "not json at all");
        assertThat(a.valid()).isTrue();
        assertThat(a.partitionKey()).hasSize(16).isEqualTo(parse(parser, "not json at all").partitionKey());
        assertThat(parse(parser, "another line").partitionKey()).isNotEqualTo(a.partitionKey());
        assertThat(a.explicitHashKey()).isNull();
    }

    @Test
    void randomKeysDiffer() {
        LineParser parser = new LineParser(null, true, null);
        assertThat(parse(parser, "x").partitionKey()).isNotEqualTo(parse(parser, "x").partitionKey());
    }

    @Test
    void theKeyComesFromAFieldNestedFieldsAndNumbersIncluded() {
        LineParser parser = new LineParser("user.id", false, null);
        assertThat(parse(parser, "{\"user\":{\"id\":\"u-1\"}}").partitionKey()).isEqualTo("u-1");
        assertThat(parse(parser, "{\"user\":{\"id\":42}}").partitionKey()).isEqualTo("42");
    }

    @Test
    void missingEmptyOrStructuredKeysAndBadJsonAreInvalidWithAReason() {
        LineParser parser = new LineParser("user_id", false, null);
        assertThat(parse(parser, "{\"user_id\":\"\"}").error()).isEqualTo("partition key field 'user_id' is empty");
        assertThat(parse(parser, "{\"other\":1}").error()).isEqualTo("partition key field 'user_id' is missing");
        assertThat(parse(parser, "{\"user_id\":null}").error()).isEqualTo("partition key field 'user_id' is missing");
        assertThat(parse(parser, "{\"user_id\":[1]}").error())
                .isEqualTo("partition key field 'user_id' is not a string or number");
        assertThat(parse(parser, "{\"user_id\":").error()).startsWith("not valid JSON: ");
        assertThat(parse(parser, "[1,2]").error()).isEqualTo("not a JSON object");
    }

    @Test
    void theExplicitHashKeyIsOptionalPerLine() {
        LineParser parser = new LineParser("k", false, "h");
        LineParser.Parsed with = parse(parser, "{\"k\":\"a\",\"h\":340282366920938463463374607431768211455}");
        assertThat(with.explicitHashKey()).isEqualTo("340282366920938463463374607431768211455");
        assertThat(parse(parser, "{\"k\":\"a\"}").explicitHashKey()).isNull();
    }
}
