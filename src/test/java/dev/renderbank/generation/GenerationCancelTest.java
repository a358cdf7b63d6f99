package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.internal.JobTransitions;
import dev.renderbank.ledger.Balance;
import dev.renderbank.support.Api;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A job that has not reached the provider can be cancelled, and a cancel sent again gets the same
 * answer; one that has reached it cannot (KIE cannot cancel).
 * Accepted jobs keep waiting here: {@link StubbedKieTest}'s scheduler does not pick up their tasks
 * (polled once an hour, no immediate execution), and the video cooldown is the shipped 3 minutes.
 */
class GenerationCancelTest extends StubbedKieTest {

    static final String VIDEO = "{\"model\":\"sora-2\",\"prompt\":\"cancel me\"}";

    @Autowired
    JobTransitions transitions;

    @Test
    void aWaitingJobIsCancelledAndReleasedAndItsCooldownStays() {
        var u = users.create(100);
        String taskId = api.post("/api/v1/generate-video", u.token(), VIDEO)
                .json()
                .get("taskId")
                .asString();
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 25, 0));

        assertThat(api.post(
                                "/api/v1/generations/" + taskId + "/cancel",
                                users.create(1).token(),
                                "")
                        .status())
                .isEqualTo(404);
        Api.Response cancelled = api.post("/api/v1/generations/" + taskId + "/cancel", u.token(), "");
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().get("status").asString()).isEqualTo("failed");
        assertThat(cancelled.json().get("error").get("code").asString()).isEqualTo("cancelled");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        // sent again (its answer lost on the way): the same answer, nothing released twice
        Api.Response again = api.post("/api/v1/generations/" + taskId + "/cancel", u.token(), "");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json()).isEqualTo(cancelled.json());
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));

        // the user's own doing: the cooldown stays (given back, generate + cancel went round it while jobs
        // waited); nothing is held for the refused request
        Api.Response next = api.post("/api/v1/generate-video", u.token(), VIDEO);
        assertThat(next.status()).isEqualTo(429);
        assertThat(next.header("Retry-After")).isNotNull();
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
    }

    @Test
    void aJobWhoseSubmitHasStartedCannotBeCancelled() {
        var u = users.create(100);
        String taskId = api.post("/api/v1/generate-video", u.token(), VIDEO)
                .json()
                .get("taskId")
                .asString();
        assertThat(transitions.markSubmitStarted(taskId, Instant.now())).isPresent();
        assertThat(api.post("/api/v1/generations/" + taskId + "/cancel", u.token(), "")
                        .status())
                .isEqualTo(409);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 25, 0));
    }
}
