package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * A value of the wrong type is refused in the client's words (whole number, number, text, true or
 * false, list), never Java's: "durationSeconds has the wrong format for a Integer" named a Java type.
 */
class JsonCoercionTest {

    record Sample(
            Integer count,
            long total,
            String text,
            Boolean flag,
            double ratio,
            BigDecimal amount,
            List<String> items) {}

    static final JsonMapper STRICT = strict();

    static JsonMapper strict() {
        JsonMapper.Builder builder = JsonMapper.builder();
        new JsonCoercion().strictScalars().customize(builder);
        return builder.build();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"count\":\"15\"} | must be a whole number",
                "{\"count\":15.5} | must be a whole number",
                "{\"total\":\"x\"} | must be a whole number",
                "{\"text\":123} | must be text",
                "{\"text\":true} | must be text",
                "{\"flag\":\"yes\"} | must be true or false",
                "{\"ratio\":\"0.5\"} | must be a number",
                "{\"amount\":\"1\"} | must be a number",
                "{\"items\":\"a\"} | must be a list"
            })
    void aValueOfTheWrongTypeIsSaidInUserWords(String body, String expected) {
        Throwable failure = catchThrowable(() -> STRICT.readValue(body, Sample.class));
        assertThat(failure).as(body).isNotNull();
        assertThat(JsonCoercion.whatIsWrong(failure))
                .as(body)
                .isEqualTo(expected)
                .doesNotContain("Integer", "Long", "String", "Boolean", "Double", "BigDecimal", "List");
    }
}
