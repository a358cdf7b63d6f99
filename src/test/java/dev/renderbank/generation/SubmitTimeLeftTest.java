package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.internal.Job;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.HoldState;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A job the provider keeps refusing (429, 455) waits for it, but is never sent once less than
 * {@code renderbank.jobs.min-time-left} (2 min for images by default) is left before its deadline: a
 * generation takes minutes, so a task created then would be paid for while the job is failed at its
 * deadline and the user gets the result free. It is failed and released at once instead, with its
 * own reason, and the cooldown given back (the provider's unavailability is not the user's fault).
 */
class SubmitTimeLeftTest extends StubbedKieTest {

    static final Duration IMAGE_MIN_TIME_LEFT = Duration.ofMinutes(2);

    @ParameterizedTest(name = "HTTP {0} with body {1}")
    @CsvSource(
            delimiter = '|',
            value = {"429 | {\"code\":429,\"msg\":\"rate limited\"}", "455 | {\"code\":455,\"msg\":\"maintenance\"}"})
    void aJobRefusedUntilTooLittleTimeIsLeftIsFailedAndReleasedNotSubmitted(int status, String body) {
        TestUser u = users.create(100);
        String p = "time-left-" + UUID.randomUUID();
        createTaskAnswers(p, status, body);
        String id = accept(u, p);
        driver.step(id);
        assertThat(createTaskCalls(p)).isEqualTo(1);
        Instant lastSubmit = job(id).deadlineAt().minus(IMAGE_MIN_TIME_LEFT);

        // a second before the last moment a submit may start: sent, refused again, and looked at
        // again no later than that moment (not at the deadline)
        clock.advance(Duration.between(clock.instant(), lastSubmit.minusSeconds(1)));
        Optional<Instant> next = driver.step(id);
        assertThat(createTaskCalls(p)).isEqualTo(2);
        assertThat(job(id).state()).isEqualTo(JobState.RESERVED);
        assertThat(next).hasValueSatisfying(n -> assertThat(n).isBeforeOrEqualTo(lastSubmit));

        // the provider takes work again, but too late for this job
        createTaskAnswers(p, 200, "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-late-" + p + "\"}}");
        clock.advance(Duration.ofSeconds(2));
        assertThat(driver.step(id)).isEmpty();

        assertThat(createTaskCalls(p))
                .as("never sent with too little time left")
                .isEqualTo(2);
        Job job = job(id);
        assertThat(job.state()).isEqualTo(JobState.FAILED);
        assertThat(job.errorCode()).isEqualTo("provider_unavailable_too_long");
        assertThat(hold(id)).isEqualTo(HoldState.RELEASED);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(imageCooldown(u))
                .as("not the user's fault: cooldown given back")
                .isEmpty();
        assertThat(api.get("/api/v1/generations/" + id, u.token())
                        .json()
                        .get("error")
                        .get("message")
                        .asString())
                .isEqualTo("The provider was unavailable for too long; your credits were released.");
        driver.step(id);
        assertThat(createTaskCalls(p)).isEqualTo(2);
    }

    /** The provider ran dry after the accept (its refusal state tripped): the job waits, then fails unsent. */
    @Test
    void aJobWaitingOutAProviderOutOfCreditsFailsUnsentWhenTooLittleTimeIsLeft() {
        TestUser u = users.create(100);
        String p = "time-left-dry-" + UUID.randomUUID();
        createTaskAnswers(p, 200, "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-dry-" + p + "\"}}");
        String id = accept(u, p);
        providerStatus.tripExhausted("test: out of credits");
        Instant lastSubmit = job(id).deadlineAt().minus(IMAGE_MIN_TIME_LEFT);

        clock.advance(Duration.between(clock.instant(), lastSubmit.minusSeconds(1)));
        assertThat(driver.step(id)).hasValueSatisfying(n -> assertThat(n).isBeforeOrEqualTo(lastSubmit));
        assertThat(job(id).state()).isEqualTo(JobState.RESERVED);

        clock.advance(Duration.ofSeconds(1));
        assertThat(driver.step(id)).isEmpty();
        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).errorCode()).isEqualTo("provider_unavailable_too_long");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(imageCooldown(u)).isEmpty();
        providerStatus.clear("test");
        driver.step(id);
        assertThat(createTaskCalls(p)).as("never sent").isZero();
    }
}
