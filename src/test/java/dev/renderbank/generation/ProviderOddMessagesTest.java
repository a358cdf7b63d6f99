package dev.renderbank.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.internal.FinisherTestSupport;
import dev.renderbank.generation.internal.Job;
import dev.renderbank.generation.internal.JobTransitions;
import dev.renderbank.ledger.Balance;
import dev.renderbank.support.Api;
import dev.renderbank.support.TestUsers.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The provider's own words (a failure's or a refusal's message) are shown to the user with the failed
 * job, and may hold what PostgreSQL's text cannot store (a NUL) or be very long. The job still fails
 * at once with its credits released, its message stored as it can be: never left waiting for its
 * deadline because the failure could not be written.
 */
class ProviderOddMessagesTest extends StubbedKieTest {

    @Autowired
    JobTransitions transitions;

    @Test
    void aProviderFailureWhoseMessageHoldsANulFailsTheJobAtOnce() {
        TestUser u = users.create(100);
        String id = accept(u, "failed with a NUL in its message");
        FinisherTestSupport.submitted(transitions, id, "t-nul-fail", clock.instant());
        KIE.stubFor(get(urlPathEqualTo("/api/v1/jobs/recordInfo"))
                .withQueryParam("taskId", equalTo("t-nul-fail"))
                .willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-nul-fail\","
                        + "\"state\":\"fail\",\"failCode\":\"500\",\"failMsg\":\"model\\u0000crashed "
                        + "x".repeat(100_000) + "\"}}")));

        driver.step(id);

        assertFailedAndReleased(u, id);
    }

    @Test
    void aProviderRefusalWhoseMessageHoldsANulFailsTheJobAtOnce() {
        TestUser u = users.create(100);
        String prompt = "refused with a NUL in its message";
        createTaskAnswers(
                prompt,
                aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":400,\"msg\":\"prompt\\u0000refused\"}"));
        String id = accept(u, prompt);

        driver.step(id);

        assertFailedAndReleased(u, id);
    }

    /**
     * The provider's words also reach the operators: a 505's alert and a 402's provider status quote
     * them. A NUL or a huge message there still fails the job at once, alerts and trips, stored as it can be.
     */
    @ParameterizedTest
    @ValueSource(ints = {402, 505})
    void aRefusalThatAlertsOperatorsWithANulInItsMessageStillFailsTheJobAndAlerts(int code) {
        TestUser u = users.create(100);
        String prompt = "refused " + code + " with a NUL for operators";
        createTaskAnswers(
                prompt,
                aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":" + code + ",\"msg\":\"feature\\u0000off " + "y".repeat(100_000) + "\"}"));
        String id = accept(u, prompt);

        driver.step(id);

        assertFailedAndReleased(u, id);
        String kind = code == 402 ? "provider.exhausted" : "provider.feature-disabled";
        assertThat(alerts.recent(20))
                .filteredOn(a -> a.kind().equals(kind) && a.message().contains("feature"))
                .isNotEmpty()
                .allSatisfy(
                        a -> assertThat(a.message()).doesNotContain("\u0000").hasSizeLessThan(10_000));
        if (code == 402) {
            assertThat(providerStatus.current().available()).isFalse();
            assertThat(providerStatus.current().detail())
                    .doesNotContain("\u0000")
                    .hasSizeLessThan(10_000);
        }
    }

    /** A recordInfo 505 with a NUL in its message alerts operators (once) and the job is asked again. */
    @Test
    void aRecordInfo505WithANulInItsMessageAlertsOperators() {
        TestUser u = users.create(100);
        String id = accept(u, "record info 505 with a NUL");
        FinisherTestSupport.submitted(transitions, id, "t-nul-505-" + id, clock.instant());
        KIE.stubFor(get(urlPathEqualTo("/api/v1/jobs/recordInfo"))
                .withQueryParam("taskId", equalTo("t-nul-505-" + id))
                .willReturn(okJson("{\"code\":505,\"message\":\"feature\\u0000off\"}")));

        driver.step(id);

        assertThat(job(id).state()).isNotEqualTo(JobState.FAILED);
        assertThat(alerts.recent(20))
                .filteredOn(a -> a.kind().equals("provider.feature-disabled")
                        && a.message().contains(id))
                .singleElement()
                .satisfies(a -> assertThat(a.message()).contains("feature").doesNotContain("\u0000"));
    }

    /** A createTask answer that proves nothing (no readable code) is quoted in why the job is UNKNOWN. */
    @Test
    void aSubmitAnswerHoldingANulThatProvesNothingMakesTheJobUnknownAtOnce() {
        TestUser u = users.create(100);
        String prompt = "answered a NUL";
        createTaskAnswers(prompt, aResponse().withStatus(200).withBody("gateway\u0000 says hi"));
        String id = accept(u, prompt);

        driver.step(id);

        Job unknown = job(id);
        assertThat(unknown.state()).isEqualTo(JobState.UNKNOWN);
        assertThat(unknown.errorMessage()).contains("gateway").doesNotContain("\u0000");
    }

    /**
     * A callback (with its job's token) naming a task no provider task id looks like (longer than the
     * task key can index, control characters) teaches the job nothing, and is never a 500.
     */
    @ParameterizedTest
    @ValueSource(ints = {3000, 100_000})
    void aCallbackNamingAnUnstorableTaskTeachesTheJobNothing(int length) {
        TestUser u = users.create(100);
        String prompt = "unknown, then told an odd task " + length;
        createTaskAnswers(prompt, 500, "{\"code\":500,\"msg\":\"internal error\"}");
        String id = accept(u, prompt);
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.UNKNOWN);

        Api.Response r = api.post(
                "/api/provider/kie/callback/" + id + "?token=" + job(id).callbackToken(),
                null,
                "{\"code\":200,\"data\":{\"taskId\":\"" + randomText(length) + "\"}}");

        assertThat(r.status()).as(r.body()).isLessThan(500);
        assertThat(job(id).state()).isEqualTo(JobState.UNKNOWN);
        assertThat(job(id).providerTaskId()).isNull();
    }

    /** Text that does not compress (as a real, if absurd, task id would not). */
    private static String randomText(int length) {
        StringBuilder b = new StringBuilder();
        while (b.length() < length) {
            b.append(java.util.UUID.randomUUID().toString().replace("-", ""));
        }
        return b.substring(0, length);
    }

    private void assertFailedAndReleased(TestUser u, String id) {
        Job failed = job(id);
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.errorMessage()).doesNotContain("\u0000").hasSizeLessThan(10_000);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
    }
}
