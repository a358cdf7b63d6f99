package dev.renderbank.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.renderbank.generation.internal.Job;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.HoldState;
import dev.renderbank.provider.Availability;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What each createTask answer does to a job (issue 9, item 7). KIE has no idempotency key on create,
 * so the rule is: once a createTask request may have reached the provider, the job is never
 * submitted again. Only answers that prove no task exists (nothing sent, 429, 455) are retried.
 */
class SubmitOutcomeTest extends StubbedKieTest {

    private static String prompt(String what) {
        return what + "-" + UUID.randomUUID();
    }

    @ParameterizedTest(name = "HTTP {0} with body {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "429 | {\"code\":429,\"msg\":\"rate limited\"}",
                "200 | {\"code\":429,\"msg\":\"rate limited\"}",
                "455 | {\"code\":455,\"msg\":\"service under maintenance\"}",
                "455 | <html>maintenance</html>"
            })
    void rateLimitAndMaintenanceKeepTheJobQueuedAndRetryItUntilItsDeadline(int status, String body) {
        TestUser u = users.create(100);
        String p = prompt("retry");
        createTaskAnswers(p, status, body);
        String id = accept(u, p);

        driver.step(id);

        assertThat(createTaskCalls(p)).isEqualTo(1);
        Job job = job(id);
        assertThat(job.state()).isEqualTo(JobState.RESERVED);
        assertThat(job.submitStartedAt()).as("free to be sent again").isNull();
        assertThat(hold(id)).isEqualTo(HoldState.OPEN);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 5, 0));
        assertThat(imageCooldown(u)).isPresent();
        int noted = body.contains("429") ? 429 : 455;
        assertThat(providerStatus.lastRefusal())
                .hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(noted));
        assertThat(providerStatus.current().available()).isTrue();

        driver.step(id); // the provider said no task was created: sending again is safe
        assertThat(createTaskCalls(p)).isEqualTo(2);
        assertThat(job(id).state()).isEqualTo(JobState.RESERVED);

        clock.advance(Duration.ofMinutes(16));
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).errorCode()).isEqualTo("deadline_exceeded");
        assertThat(hold(id)).isEqualTo(HoldState.RELEASED);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(imageCooldown(u)).isEmpty();
        assertThat(createTaskCalls(p)).isEqualTo(2);
    }

    @Test
    void unauthorizedFailsReleasesTripsAlertsAndGivesTheCooldownBack() {
        TestUser u = users.create(100);
        String p = prompt("unauthorized");
        createTaskAnswers(p, 401, "{\"code\":401,\"msg\":\"You do not have access permissions\"}");
        String id = accept(u, p);

        driver.step(id);

        assertFailedAndReleased(u, id, "provider_unauthorized");
        assertThat(providerStatus.current().state()).isEqualTo(Availability.State.UNAUTHORIZED);
        assertThat(alerts.recent(20)).anyMatch(a -> a.kind().equals("provider.unauthorized"));
        providerStatus.clear("test");
        driver.step(id);
        assertThat(createTaskCalls(p)).isEqualTo(1);
    }

    @Test
    void outOfProviderCreditsFailsReleasesTripsAlertsAndGivesTheCooldownBack() {
        TestUser u = users.create(100);
        String p = prompt("exhausted");
        createTaskAnswers(p, 402, "{\"code\":402,\"msg\":\"insufficient credits\"}");
        String id = accept(u, p);

        driver.step(id);

        assertFailedAndReleased(u, id, "provider_insufficient_credits");
        assertThat(providerStatus.current().state()).isEqualTo(Availability.State.EXHAUSTED);
        assertThat(alerts.recent(20)).anyMatch(a -> a.kind().equals("provider.exhausted"));
        providerStatus.clear("test");
        driver.step(id);
        assertThat(createTaskCalls(p)).isEqualTo(1);
    }

    @ParameterizedTest(name = "HTTP {0}, code {1} -> {2}")
    @CsvSource({
        "404, 404, provider_not_found",
        "501, 501, provider_generation_failed",
        "505, 505, provider_feature_disabled"
    })
    void refusalsFailReleaseShowTheReasonAndGiveTheCooldownBack(int status, int code, String reason) {
        TestUser u = users.create(100);
        String p = prompt("refused");
        String why = "provider says no " + UUID.randomUUID();
        createTaskAnswers(p, status, "{\"code\":" + code + ",\"msg\":\"" + why + "\"}");
        String id = accept(u, p);

        driver.step(id);

        assertFailedAndReleased(u, id, reason);
        assertThat(job(id).errorMessage()).contains(why);
        assertThat(api.get("/api/v1/generations/" + id, u.token())
                        .json()
                        .get("error")
                        .get("message")
                        .asString())
                .contains(why);
        assertThat(providerStatus.current().available()).isTrue();
        if (code == 505) {
            assertThat(alerts.recent(20))
                    .anyMatch(a -> a.kind().equals("provider.feature-disabled")
                            && a.message().contains(why));
        }
        driver.step(id);
        assertThat(createTaskCalls(p)).isEqualTo(1);
    }

    /**
     * 400 and 422 refuse the user's own input (a prompt or image the provider will not take): the job
     * fails and is released, but the cooldown stays, or bad requests could be sent to the provider
     * again and again without one.
     */
    @ParameterizedTest(name = "HTTP {0}, code {1}")
    @CsvSource({"422, 422", "200, 422", "400, 400"})
    void refusalsOfTheUsersOwnInputFailReleaseAndKeepTheCooldown(int status, int code) {
        TestUser u = users.create(100);
        String p = prompt("bad-input");
        String why = "prompt violates content policy " + UUID.randomUUID();
        createTaskAnswers(p, status, "{\"code\":" + code + ",\"msg\":\"" + why + "\"}");
        String id = accept(u, p);
        Instant cooldown = imageCooldown(u).orElseThrow();

        driver.step(id);

        Job job = job(id);
        assertThat(job.state()).isEqualTo(JobState.FAILED);
        assertThat(job.errorCode()).isEqualTo("provider_validation");
        assertThat(job.errorMessage()).contains(why);
        assertThat(hold(id)).isEqualTo(HoldState.RELEASED);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(imageCooldown(u)).as("the user's own input: cooldown kept").hasValue(cooldown);
        assertThat(api.post("/api/v1/generate-image", u.token(), image(prompt("again")))
                        .status())
                .isEqualTo(429);
        assertThat(providerStatus.current().available()).isTrue();
    }

    @ParameterizedTest(name = "HTTP {0} with body {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "500 | {\"code\":500,\"msg\":\"internal error\"}",
                "502 | <html>bad gateway</html>",
                "503 | ",
                "504 | ",
                "599 | ",
                "408 | ",
                "200 | {\"code\":500,\"msg\":\"internal error\"}",
                "200 | {\"code\":503,\"msg\":\"busy\"}",
                "200 | {\"code\":408,\"msg\":\"timeout\"}",
                "200 | <html>welcome</html>",
                "200 | ",
                "202 | {\"code\":\"success\",\"msg\":\"success\",\"data\":{\"taskId\":\"t-odd\"}}",
                "200 | {\"code\":\"OK\",\"msg\":\"success\",\"data\":{\"taskId\":\"t-odd\"}}",
                "200 | {\"msg\":\"success\",\"data\":{\"taskId\":\"t-odd\"}}",
                "200 | {\"code\":200,\"msg\":\"success\",\"data\":{}}",
                "302 | "
            })
    void anAnswerThatMayHaveCreatedATaskIsUnknownAndNeverSentAgain(int status, String body) {
        TestUser u = users.create(100);
        String p = prompt("unknown");
        createTaskAnswers(p, status, body);
        assertUnknownUntilTheDeadline(u, p);
    }

    /**
     * A success naming a task id no job can record (a NUL, a control character, longer than a task
     * key can be) may still have created a task: the job is UNKNOWN at once, with the reason, never
     * sent again, and released at its deadline (the save used to fail and the job waited a step).
     */
    @ParameterizedTest(name = "task id {0}")
    @CsvSource({"t\\u0000x", "t\\u001bx", "t\\nx"})
    void aSuccessWithAnUnusableTaskIdIsUnknownAndNeverSentAgain(String escapedId) {
        TestUser u = users.create(100);
        String p = prompt("odd-id");
        createTaskAnswers(p, 200, "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + escapedId + "\"}}");
        assertUnknownUntilTheDeadline(u, p);
    }

    @Test
    void aSuccessWithAnImpossiblyLongTaskIdIsUnknownAndNeverSentAgain() {
        TestUser u = users.create(100);
        String p = prompt("long-id");
        String longId = "t".repeat(5000);
        createTaskAnswers(p, 200, "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + longId + "\"}}");
        assertUnknownUntilTheDeadline(u, p);
    }

    /**
     * A gateway's error status around a body code that would mean "no task" (455, 429): the request
     * may have reached KIE, so the job is UNKNOWN and never sent again (a second createTask could
     * create, and pay for, a second task).
     */
    @ParameterizedTest(name = "HTTP {0} with body {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "502 | {\"code\":455,\"msg\":\"service unavailable\"}",
                "504 | {\"code\":429,\"msg\":\"rate limited\"}"
            })
    void aGatewayErrorAroundARetryableBodyCodeIsUnknownAndNeverSentAgain(int status, String body) {
        TestUser u = users.create(100);
        String p = prompt("gateway-" + status);
        createTaskAnswers(p, status, body);
        assertUnknownUntilTheDeadline(u, p);
    }

    @Test
    void aReadTimeoutIsUnknownAndNeverSentAgain() {
        TestUser u = users.create(100);
        String p = prompt("slow");
        createTaskAnswers(
                p,
                okJson("{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-slow\"}}")
                        .withFixedDelay(4000));
        assertUnknownUntilTheDeadline(u, p);
    }

    @Test
    void aConnectionDroppedAfterSendingIsUnknownAndNeverSentAgain() {
        TestUser u = users.create(100);
        String p = prompt("dropped");
        createTaskAnswers(p, aResponse().withFault(Fault.EMPTY_RESPONSE));
        assertUnknownUntilTheDeadline(u, p);
    }

    private void assertUnknownUntilTheDeadline(TestUser u, String p) {
        String id = accept(u, p);

        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.UNKNOWN);
        assertThat(createTaskCalls(p)).isEqualTo(1);
        // the scheduler runs again and again, and time passes: still never sent again
        driver.step(id);
        clock.advance(Duration.ofMinutes(5));
        driver.step(id);
        clock.advance(Duration.ofMinutes(5));
        driver.step(id);
        assertThat(createTaskCalls(p)).isEqualTo(1);
        assertThat(job(id).state()).isEqualTo(JobState.UNKNOWN);
        assertThat(hold(id)).isEqualTo(HoldState.OPEN);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 5, 0));
        assertThat(imageCooldown(u)).as("kept until the job is resolved").isPresent();
        assertThat(api.get("/api/v1/generations/" + id, u.token())
                        .json()
                        .get("status")
                        .asString())
                .isEqualTo("processing");

        clock.advance(Duration.ofMinutes(6));
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).errorCode()).isEqualTo("deadline_exceeded");
        assertThat(hold(id)).isEqualTo(HoldState.RELEASED);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(imageCooldown(u)).isEmpty();
        assertThat(createTaskCalls(p)).isEqualTo(1);
    }

    private void assertFailedAndReleased(TestUser u, String id, String reason) {
        Job job = job(id);
        assertThat(job.state()).isEqualTo(JobState.FAILED);
        assertThat(job.errorCode()).isEqualTo(reason);
        assertThat(hold(id)).isEqualTo(HoldState.RELEASED);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(imageCooldown(u))
                .as("not the user's fault: cooldown given back")
                .isEmpty();
    }
}
