package dev.renderbank.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A createTask's input is passed through as JSON text: it must be exactly one JSON object, or the
 * body built around it would not be one well-formed JSON object (or would carry fields of its own).
 */
class SubmitRequestTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "",
                "   ",
                "[]",
                "\"a cat\"",
                "42",
                "null",
                "{\"prompt\":\"a cat\"",
                "{\"prompt\":\"a cat\"} {\"prompt\":\"a dog\"}",
                "{\"prompt\":\"a cat\"},\"model\":\"another-model\",\"x\":{}",
                "{prompt: \"a cat\"}"
            })
    void anInputThatIsNotExactlyOneJsonObjectIsRefused(String input) {
        assertThatThrownBy(() -> new SubmitRequest("job-1", "google/nano-banana", input, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anObjectIsKeptAsItIsAndNoInputIsAnEmptyObject() {
        String stored =
                "{\"prompt\":\"a \\\"quoted\\\" cat, ünïcode\\n\",\"image_urls\":[\"https://x/a.png\"],\"n\":1}";
        assertThat(new SubmitRequest("job-1", "google/nano-banana", stored, null).inputJson())
                .isEqualTo(stored);
        assertThat(new SubmitRequest("job-1", "google/nano-banana", (String) null, null).inputJson())
                .isEqualTo("{}");
        assertThat(new SubmitRequest("job-1", "google/nano-banana", (Map<String, ?>) null, null).inputJson())
                .isEqualTo("{}");
    }

    @Test
    void anInputGivenAsAMapIsWrittenAsItsJsonObject() {
        assertThat(new SubmitRequest("job-1", "google/nano-banana", Map.of("prompt", "a cat"), null).inputJson())
                .isEqualTo("{\"prompt\":\"a cat\"}");
    }
}
