package dev.renderbank.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.ledger.Balance;
import dev.renderbank.support.TestUsers.TestUser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The provider's result URL names the file, not our storage key: whatever its path ends in, a
 * result we can fetch is stored under a key of our own making and the job finishes (charged),
 * rather than failing on every poll and callback until its deadline.
 */
class ResultUrlNamesTest extends StubbedKieTest {

    @ParameterizedTest
    @ValueSource(strings = {"/files/result.png/", "/files/result.p~g", "/files/v1.2/ab", "/files/result.jp+g"})
    void aResultWhosePathEndsInAnOddSuffixIsStoredAndTheJobCharged(String path) {
        TestUser u = users.create(100);
        String prompt = "odd result name " + path;
        String task = "t-odd-" + Integer.toHexString(path.hashCode());
        createTaskAnswers(prompt, 200, "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + task + "\"}}");
        String id = accept(u, prompt);
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.SUBMITTED);

        KIE.stubFor(get(urlPathEqualTo(path))
                .willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(new byte[] {1, 2, 3})));
        String result = "{\\\"resultUrls\\\":[\\\"" + KIE.baseUrl() + path + "\\\"]}";
        KIE.stubFor(get(urlPathEqualTo("/api/v1/jobs/recordInfo"))
                .withQueryParam("taskId", equalTo(task))
                .willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + task + "\","
                        + "\"state\":\"success\",\"resultJson\":\"" + result + "\"}}")));

        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(job(id).assetId()).isNotNull();
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(95, 0, 0));
        assertThat(jdbc.sql("select storage_key from generation_asset where job_id = :j")
                        .param("j", id)
                        .query(String.class)
                        .single())
                .isEqualTo("jobs/" + u.id() + "/" + id + ".png");
    }
}
