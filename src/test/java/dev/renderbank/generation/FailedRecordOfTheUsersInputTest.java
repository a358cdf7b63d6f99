package dev.renderbank.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.HoldState;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A task KIE accepted and then failed because of the user's own input (its content policy): KIE's
 * record says so with {@code failCode} 400 (KIE documents 400 as "prompt violates content policies or
 * other input errors"; 422 is its validation code), the same codes that refuse the input at
 * createTask. Whether the news comes from a poll or from a callback, the job fails, its credits are
 * released, and the cooldown stays, as it does for the same refusal at createTask; a failure that is
 * the provider's own (500, 501) gives the cooldown back.
 */
class FailedRecordOfTheUsersInputTest extends StubbedKieTest {

    static final String RECORD_INFO = "/api/v1/jobs/recordInfo";
    static final String FLAGGED = "Your prompt was flagged by Website as violating content policies";

    @ParameterizedTest(name = "failCode {0} read by a poll")
    @CsvSource({"\"400\"", "400", "\"422\""})
    void aFailedRecordRefusingTheUsersInputKeepsTheCooldownWhenPolled(String failCode) {
        TestUser u = users.create(100);
        String task = "t-policy-" + UUID.randomUUID();
        String id = submitted(u, task);
        Instant cooldown = imageCooldown(u).orElseThrow();
        recordInfo(task, failedRecord(task, failCode, FLAGGED));

        driver.step(id);

        assertUsersInputRefused(u, id, cooldown);
    }

    @ParameterizedTest(name = "failCode {0} told by a callback")
    @CsvSource({"\"400\"", "\"422\""})
    void aFailedRecordRefusingTheUsersInputKeepsTheCooldownWhenACallbackTellsIt(String failCode) {
        TestUser u = users.create(100);
        String task = "t-policy-cb-" + UUID.randomUUID();
        String id = submitted(u, task);
        Instant cooldown = imageCooldown(u).orElseThrow();
        String record = failedRecord(task, failCode, FLAGGED);
        recordInfo(task, record);

        // KIE posts the record's shape to the callback URL; the job confirms it by asking recordInfo
        var answer = api.post("/api/provider/kie/callback/" + id + "?token=" + job(id).callbackToken(), null, record);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        awaitCallbackChecked(id);

        assertUsersInputRefused(u, id, cooldown);
    }

    @ParameterizedTest(name = "failCode {0}")
    @CsvSource({"\"500\"", "\"501\""})
    void aFailedRecordOfTheProvidersOwnGivesTheCooldownBack(String failCode) {
        TestUser u = users.create(100);
        String task = "t-theirs-" + UUID.randomUUID();
        String id = submitted(u, task);
        recordInfo(task, failedRecord(task, failCode, "Internal error, please try again later"));

        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).errorCode()).isEqualTo("provider_generation_failed");
        assertThat(hold(id)).isEqualTo(HoldState.RELEASED);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(imageCooldown(u))
                .as("not the user's fault: the cooldown is given back")
                .isEmpty();
    }

    private void assertUsersInputRefused(TestUser u, String id, Instant cooldown) {
        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).errorCode()).isEqualTo("provider_validation");
        assertThat(job(id).errorMessage()).contains(FLAGGED).contains("credits were released");
        assertThat(hold(id)).isEqualTo(HoldState.RELEASED);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(imageCooldown(u)).as("the user's own input: cooldown kept").hasValue(cooldown);
        assertThat(api.post("/api/v1/generate-image", u.token(), image("again " + UUID.randomUUID()))
                        .status())
                .isEqualTo(429);
        assertThat(providerStatus.current().available()).isTrue();
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    private String submitted(TestUser u, String task) {
        String prompt = "policy " + task;
        createTaskAnswers(prompt, 200, "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + task + "\"}}");
        String id = accept(u, prompt);
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.SUBMITTED);
        return id;
    }

    /** A recordInfo answer of a failed task, as KIE sends it (also the callback's body). */
    private static String failedRecord(String task, String failCode, String failMsg) {
        return "{\"code\":200,\"message\":\"success\",\"data\":{\"taskId\":\"" + task + "\","
                + "\"model\":\"google/nano-banana\",\"state\":\"fail\",\"param\":\"{}\",\"resultJson\":\"\","
                + "\"failCode\":" + failCode + ",\"failMsg\":\"" + failMsg + "\","
                + "\"costTime\":null,\"completeTime\":1765000000000,\"createTime\":1764999990000}}";
    }

    private static void recordInfo(String task, String body) {
        KIE.stubFor(get(urlPathEqualTo(RECORD_INFO))
                .withQueryParam("taskId", equalTo(task))
                .willReturn(okJson(body)));
    }
}
