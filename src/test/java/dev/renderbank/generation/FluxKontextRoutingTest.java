package dev.renderbank.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import dev.renderbank.ledger.Balance;
import dev.renderbank.support.Api;
import dev.renderbank.support.TestUsers.TestUser;
import org.junit.jupiter.api.Test;

/**
 * KIE serves flux-kontext-pro and flux-kontext-max on its Flux Kontext API, not on createTask
 * (docs.kie.ai/flux-kontext-api/generate-or-edit-image, .../get-image-details): such a job is
 * created with {@code POST /api/v1/flux/kontext/generate} (a flat body: model, prompt, inputImage,
 * outputFormat, callBackUrl) and followed with {@code GET /api/v1/flux/kontext/record-info}, whose
 * {@code successFlag} 1 is a success (result in {@code response.resultImageUrl}: stored, charged
 * once) and 3 a failure (released). Every other model stays on createTask and recordInfo.
 */
class FluxKontextRoutingTest extends StubbedKieTest {

    static final String GENERATE = "/api/v1/flux/kontext/generate";
    static final String RECORD_INFO = "/api/v1/flux/kontext/record-info";
    static final String REF = "https://cdn.example.com/ref.png";

    private String acceptKontext(TestUser u, String model, String prompt) {
        Api.Response r = api.post(
                "/api/v1/generate-image",
                u.token(),
                "{\"model\":\"" + model + "\",\"prompt\":\"" + prompt + "\",\"imageUrls\":[\"" + REF
                        + "\"],\"outputFormat\":\"jpeg\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().get("taskId").asString();
    }

    private static void generateAnswers(String prompt, String taskId) {
        KIE.stubFor(post(urlPathEqualTo(GENERATE))
                .withRequestBody(containing(prompt))
                .willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + taskId + "\"}}")));
    }

    private static void recordInfoAnswers(String taskId, String data) {
        KIE.stubFor(get(urlPathEqualTo(RECORD_INFO))
                .withQueryParam("taskId", equalTo(taskId))
                .willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":" + data + "}")));
    }

    private static int calls(RequestPatternBuilder pattern) {
        return KIE.countRequestsMatching(pattern.build()).getCount();
    }

    private long entries(String jobId, String kind) {
        return jdbc.sql("select count(*) from ledger_entry where ref_key = :k and kind = :kind")
                .param("k", jobId)
                .param("kind", kind)
                .query(Long.class)
                .single();
    }

    @Test
    void fluxKontextProIsCreatedAndFollowedOnTheFluxKontextApiAndChargedOnceOnSuccess() {
        TestUser u = users.create(100);
        String prompt = "kontext pro success";
        generateAnswers(prompt, "fk-ok-1");
        String id = acceptKontext(u, "flux-kontext-pro", prompt);

        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.SUBMITTED);
        assertThat(job(id).providerTaskId()).isEqualTo("fk-ok-1");
        assertThat(calls(postRequestedFor(urlPathEqualTo(GENERATE))
                        .withRequestBody(matchingJsonPath("$.model", equalTo("flux-kontext-pro")))
                        .withRequestBody(matchingJsonPath("$.prompt", equalTo(prompt)))
                        .withRequestBody(matchingJsonPath("$.inputImage", equalTo(REF)))
                        .withRequestBody(matchingJsonPath("$.outputFormat", equalTo("jpeg")))
                        .withRequestBody(
                                matchingJsonPath("$.callBackUrl", containing("/api/provider/kie/callback/" + id)))
                        .withHeader("Authorization", equalTo("Bearer test-kie-key"))))
                .isEqualTo(1);
        assertThat(createTaskCalls(prompt)).isZero();

        recordInfoAnswers(
                "fk-ok-1", "{\"taskId\":\"fk-ok-1\",\"successFlag\":0,\"errorCode\":null,\"errorMessage\":\"\"}");
        driver.step(id);
        assertThat(job(id).state()).isIn(JobState.SUBMITTED, JobState.RUNNING);

        KIE.stubFor(get(urlPathEqualTo("/results/fk-ok-1.jpg"))
                .willReturn(aResponse().withHeader("Content-Type", "image/jpeg").withBody(new byte[] {1, 2, 3})));
        recordInfoAnswers(
                "fk-ok-1",
                "{\"taskId\":\"fk-ok-1\",\"successFlag\":1,\"response\":{\"originImageUrl\":\"" + REF
                        + "\",\"resultImageUrl\":\"" + KIE.baseUrl() + "/results/fk-ok-1.jpg\"},"
                        + "\"errorCode\":null,\"errorMessage\":\"\"}");
        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(job(id).assetId()).isNotNull();
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(95, 0, 0));
        assertThat(entries(id, "CAPTURE")).isEqualTo(1);
        assertThat(calls(getRequestedFor(urlPathEqualTo(RECORD_INFO)).withQueryParam("taskId", equalTo("fk-ok-1"))))
                .isEqualTo(2);
        assertThat(calls(getRequestedFor(urlPathEqualTo("/api/v1/jobs/recordInfo"))))
                .isZero();
        assertThat(calls(getRequestedFor(urlPathEqualTo("/results/fk-ok-1.jpg"))))
                .isEqualTo(1);
    }

    /**
     * A content-policy failure (KIE documents code 400 for it) is a refusal of the user's own input:
     * failed and released, the cooldown kept, as for a 400 at generate ({@link
     * FailedRecordOfTheUsersInputTest}).
     */
    @Test
    void aFluxKontextGenerationThatFailsAtTheProviderIsFailedAndReleased() {
        TestUser u = users.create(100);
        String prompt = "kontext max failure";
        generateAnswers(prompt, "fk-fail-1");
        String id = acceptKontext(u, "flux-kontext-max", prompt);
        driver.step(id);
        assertThat(job(id).providerTaskId()).isEqualTo("fk-fail-1");
        var cooldown = imageCooldown(u).orElseThrow();

        recordInfoAnswers(
                "fk-fail-1",
                "{\"taskId\":\"fk-fail-1\",\"successFlag\":3,\"response\":null,\"errorCode\":400,"
                        + "\"errorMessage\":\"Your prompt was flagged\"}");
        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).errorCode()).isEqualTo("provider_validation");
        assertThat(job(id).errorMessage()).contains("Your prompt was flagged");
        assertThat(job(id).creditsCharged()).isZero();
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(entries(id, "CAPTURE")).isZero();
        assertThat(imageCooldown(u)).as("the user's own input: cooldown kept").hasValue(cooldown);
    }

    /** The callback of the Flux Kontext API ({@code data.taskId}, {@code data.info}) wakes its job's check. */
    @Test
    void aFluxKontextCallbackWakesItsJobsCheckAtRecordInfo() {
        TestUser u = users.create(100);
        String prompt = "kontext callback";
        generateAnswers(prompt, "fk-cb-1");
        String id = acceptKontext(u, "flux-kontext-pro", prompt);
        driver.step(id);

        KIE.stubFor(get(urlPathEqualTo("/results/fk-cb-1.jpg"))
                .willReturn(aResponse().withHeader("Content-Type", "image/jpeg").withBody(new byte[] {4, 5, 6})));
        String url = KIE.baseUrl() + "/results/fk-cb-1.jpg";
        recordInfoAnswers(
                "fk-cb-1",
                "{\"taskId\":\"fk-cb-1\",\"successFlag\":1,\"response\":{\"resultImageUrl\":\"" + url + "\"}}");
        Api.Response r = api.post(
                "/api/provider/kie/callback/" + id + "?token=" + job(id).callbackToken(),
                null,
                "{\"code\":200,\"msg\":\"BFL image generated successfully.\",\"data\":{\"taskId\":\"fk-cb-1\","
                        + "\"info\":{\"resultImageUrl\":\"" + url + "\"}}}");
        assertThat(r.status()).as(r.body()).isBetween(200, 299);
        awaitCallbackChecked(id);

        assertThat(job(id).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(95, 0, 0));
        assertThat(calls(getRequestedFor(urlPathEqualTo(RECORD_INFO)).withQueryParam("taskId", equalTo("fk-cb-1"))))
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void otherModelsStayOnCreateTaskAndRecordInfo() {
        TestUser u = users.create(100);
        String prompt = "nano banana stays on createTask";
        createTaskAnswers(prompt, 200, "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"nb-1\"}}");
        String id = accept(u, prompt);
        driver.step(id);
        assertThat(job(id).providerTaskId()).isEqualTo("nb-1");
        assertThat(createTaskCalls(prompt)).isEqualTo(1);

        KIE.stubFor(get(urlPathEqualTo("/api/v1/jobs/recordInfo"))
                .withQueryParam("taskId", equalTo("nb-1"))
                .willReturn(okJson(
                        "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"nb-1\",\"state\":\"generating\"}}")));
        driver.step(id);

        assertThat(calls(getRequestedFor(urlPathEqualTo("/api/v1/jobs/recordInfo"))
                        .withQueryParam("taskId", equalTo("nb-1"))))
                .isEqualTo(1);
        assertThat(calls(anyRequestedFor(urlPathEqualTo(GENERATE)))).isZero();
        assertThat(calls(anyRequestedFor(urlPathEqualTo(RECORD_INFO)))).isZero();
    }
}
