package dev.renderbank.provider.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.provider.QueryOutcome;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A success's resultUrls: one unreadable entry (null, not text, not a URI, padded with spaces) is
 * skipped, not a reason to read the whole list as empty (the job failed as provider_no_output).
 */
class KieResultUrlsTest {

    private static final JsonMapper json = JsonMapper.builder().build();

    private static QueryOutcome success(String resultUrls) {
        String resultJson = "{\"resultUrls\":" + resultUrls + "}";
        JsonNode body = json.readTree("{\"code\":200,\"data\":{\"taskId\":\"t1\",\"state\":\"success\",\"resultJson\":"
                + json.writeValueAsString(resultJson) + "}}");
        return KieOutcomes.query(200, body);
    }

    @Test
    void aNullEntryIsSkippedAndTheUsableUrlDelivered() {
        assertThat(success("[null, \"https://x/a.png\"]"))
                .isEqualTo(new QueryOutcome.Succeeded(List.of(URI.create("https://x/a.png"))));
    }

    @Test
    void entriesThatAreNotTextOrNotUrisAreSkippedAndSpacesStripped() {
        assertThat(success("[42, {\"u\":1}, \"https://x/bad path^\", \" https://x/b.png \"]"))
                .isEqualTo(new QueryOutcome.Succeeded(List.of(URI.create("https://x/b.png"))));
    }

    @Test
    void aListOfNothingUsableIsStillNoOutput() {
        assertThat(success("[null, 7, \"  \"]")).isInstanceOf(QueryOutcome.Unavailable.class);
    }
}
