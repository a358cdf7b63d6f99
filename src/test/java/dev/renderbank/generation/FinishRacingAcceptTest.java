package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.internal.FinisherTestSupport;
import dev.renderbank.generation.internal.Job;
import dev.renderbank.generation.internal.JobFinisher;
import dev.renderbank.generation.internal.JobTransitions;
import dev.renderbank.ledger.HoldState;
import dev.renderbank.support.Api;
import dev.renderbank.support.HeldLockRace;
import dev.renderbank.support.TestUsers.TestUser;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A job of a user failing through no fault of the user (which gives the cooldown back) while the
 * same user's next request of that type is accepted. The accept locks the user's limit row, then
 * the credit account; the failure must take the same rows in the same order (limit row first), or
 * each waits for the other and PostgreSQL aborts one (40P01): the user's request answers an error,
 * or the finish has to be retried. Both orders of arrival are run; neither may fail.
 */
class FinishRacingAcceptTest extends StubbedKieTest {

    @Autowired
    JobFinisher finisher;

    @Autowired
    JobTransitions transitions;

    @Autowired
    DataSource dataSource;

    @Test
    void aFailureGivingTheCooldownBackAndAnAcceptOfTheSameUserNeverDeadlock() throws Exception {
        int round = 0;
        for (boolean failFirst : new boolean[] {true, false}) {
            String what = "failure first " + failFirst;
            TestUser u = users.create(100);
            String first = accept(u, "failing while the next is accepted " + round);
            FinisherTestSupport.submitted(transitions, first, "t-deadlock-" + UUID.randomUUID(), clock.instant());
            Job running = job(first);
            // the first job's cooldown has run out: the next request goes on to hold credits, and the
            // failure still finds a cooldown to give back
            jdbc.sql("update generation_limit set cooldown_until = now() - interval '1 minute'"
                            + " where user_id = :u and type = 'IMAGE'")
                    .param("u", u.id())
                    .update();
            String nextPrompt = "accepted while the first fails " + round++;
            createTaskAnswers(
                    nextPrompt,
                    200,
                    "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-" + UUID.randomUUID() + "\"}}");

            Supplier<Boolean> fail = () ->
                    FinisherTestSupport.fail(finisher, running, "PROVIDER_ERROR", "the provider failed the task", true);
            Supplier<Api.Response> acceptNext = () -> api.post("/api/v1/generate-image", u.token(), image(nextPrompt));

            var r = HeldLockRace.onCreditAccount(dataSource, u.id()).race(fail, acceptNext, failFirst);

            assertThat(r.a()).as(what + ": the failure finished the job").isTrue();
            assertThat(r.b().status()).as(what + ": " + r.b().body()).isEqualTo(202);
            String next = r.b().json().get("taskId").asString();
            assertThat(job(first).state()).as(what).isEqualTo(JobState.FAILED);
            assertThat(hold(first)).as(what).isEqualTo(HoldState.RELEASED);
            assertThat(hold(next)).as(what).isEqualTo(HoldState.OPEN);
            assertThat(ledger.balance(u.id()).held())
                    .as(what)
                    .isEqualTo(job(next).price());
            // whichever committed first, the accepted request's cooldown stands
            assertThat(imageCooldown(u))
                    .as(what)
                    .hasValueSatisfying(until -> assertThat(until).isAfter(clock.instant()));
            assertThat(ledger.checkInvariants().violations()).as(what).isEmpty();
        }
    }
}
