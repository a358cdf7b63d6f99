package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.internal.FinisherTestSupport;
import dev.renderbank.generation.internal.Job;
import dev.renderbank.generation.internal.JobFinisher;
import dev.renderbank.generation.internal.JobTransitions;
import dev.renderbank.support.Api;
import dev.renderbank.support.TestUsers.TestUser;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A callback is only a hint: with its job's token it may tell a job whose task we never learned
 * (submit outcome unknown, or failed while its submit was in flight) which provider task is its own.
 * A callback naming a task that is already another job's (another user's) is refused as a 4xx
 * problem, never a 500, and changes neither job.
 */
class CallbackNamingAnotherJobsTaskTest extends StubbedKieTest {

    @Autowired
    JobTransitions transitions;

    @Autowired
    JobFinisher finisher;

    @Test
    void aCallbackOfAnUnknownJobNamingAnotherJobsTaskIsRefused() {
        String other = otherUsersJob("t-other-unknown");
        TestUser u = users.create(100);
        String prompt = "unknown, then told another's task";
        createTaskAnswers(prompt, 500, "{\"code\":500,\"msg\":\"internal error\"}");
        String id = accept(u, prompt);
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.UNKNOWN);

        assertRefusedAndNothingChanged(id, other, "t-other-unknown");
        assertThat(job(id).state()).isEqualTo(JobState.UNKNOWN);
    }

    @Test
    void aCallbackOfAFailedJobNamingAnotherJobsTaskIsRefused() {
        String other = otherUsersJob("t-other-failed");
        TestUser u = users.create(100);
        String id = accept(u, "failed, then told another's task");
        assertThat(FinisherTestSupport.fail(finisher, job(id), "deadline_exceeded", "too late", true))
                .isTrue();

        assertRefusedAndNothingChanged(id, other, "t-other-failed");
        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
    }

    private String otherUsersJob(String task) {
        TestUser owner = users.create(100);
        String id = accept(owner, "the other user's job " + task);
        FinisherTestSupport.submitted(transitions, id, task, clock.instant());
        return id;
    }

    private void assertRefusedAndNothingChanged(String id, String other, String othersTask) {
        Job before = job(other);
        Api.Response r = api.post(
                "/api/provider/kie/callback/" + id + "?token=" + job(id).callbackToken(),
                null,
                "{\"code\":200,\"data\":{\"taskId\":\"" + othersTask + "\",\"state\":\"success\"}}");
        assertThat(r.status()).as(r.body()).isBetween(400, 499);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(job(id).providerTaskId()).isNull();
        assertThat(job(other)).isEqualTo(before);
    }
}
