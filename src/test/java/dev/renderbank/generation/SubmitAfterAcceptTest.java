package dev.renderbank.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.internal.Job;
import dev.renderbank.generation.internal.JobDriver.TaskMove;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: the node that accepts a job submits it at once, outside its task, and moves the task
 * to the first poll in the commit that marks the job SUBMITTED. The windows this opens: the job's
 * task coming due while that submit is at the provider, and the task running when the submit's
 * commit tries to move it. Neither may send the job twice or lose its state change.
 */
class SubmitAfterAcceptTest extends StubbedKieTest {

    private static final String ACCEPTED = "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"%s\"}}";

    @Test
    void theSubmitAfterAcceptAndTheJobsTaskRacingSendTheJobOnce() throws Exception {
        for (int round = 0; round < 3; round++) {
            String prompt = "raced after accept " + round + " " + System.nanoTime();
            createTaskAnswers(
                    prompt,
                    aResponse()
                            .withStatus(200)
                            .withHeader("Content-Type", "application/json")
                            .withBody(ACCEPTED.formatted("kie-after-accept-" + round))
                            .withFixedDelay(300));
            TestUser u = users.create(100);
            String id = accept(u, prompt);
            Job accepted = job(id);
            CyclicBarrier start = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<?>> both = new ArrayList<>();
                both.add(pool.submit(() -> {
                    start.await();
                    driver.submitAccepted(accepted, TaskMove.NONE);
                    return null;
                }));
                both.add(pool.submit(() -> {
                    start.await();
                    return driver.step(id); // the job's task, come due meanwhile
                }));
                for (Future<?> f : both) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(createTaskCalls(prompt))
                    .as("createTask calls, round " + round)
                    .isEqualTo(1);
            assertThat(job(id).state()).isEqualTo(JobState.SUBMITTED);
            assertThat(job(id).providerTaskId()).isEqualTo("kie-after-accept-" + round);
        }
    }

    @Test
    void theSubmittedMarkAndTheTasksMoveCommitTogetherOrNotAtAll() {
        String prompt = "moved with its mark " + System.nanoTime();
        createTaskAnswers(prompt, 200, ACCEPTED.formatted("kie-moved"));
        TestUser u = users.create(100);
        String id = accept(u, prompt);
        Instant firstPoll = Instant.parse("2100-01-01T00:00:00Z");

        // the move fails after the mark, in its transaction: neither is kept, and the job is never
        // sent again (its submit was started)
        try {
            driver.submitAccepted(job(id), next -> {
                throw new IllegalStateException("database gone");
            });
        } catch (IllegalStateException expected) {
            // the submitter logs it; the job's task takes over
        }
        assertThat(createTaskCalls(prompt)).isEqualTo(1);
        assertThat(job(id).state()).isEqualTo(JobState.RESERVED);
        assertThat(job(id).submitStartedAt()).isNotNull();
        driver.step(id); // as far as the task can tell, the submit may still be waiting for its answer
        assertThat(createTaskCalls(prompt)).isEqualTo(1);
        assertThat(job(id).state()).isEqualTo(JobState.RESERVED);
        clock.advance(gateway.submitTimeLimit().plus(Duration.ofMinutes(1)));
        driver.step(id); // no submit waits that long: it was cut short
        assertThat(createTaskCalls(prompt)).isEqualTo(1);
        assertThat(job(id).state()).isEqualTo(JobState.UNKNOWN);

        // a second job: the move joins the mark's transaction and both commit
        String prompt2 = prompt + " again";
        createTaskAnswers(prompt2, 200, ACCEPTED.formatted("kie-moved-2"));
        String id2 = accept(users.create(100), prompt2);
        driver.submitAccepted(job(id2), next -> {
            assertThat(jdbc.sql("update scheduled_tasks set execution_time = :t"
                                    + " where task_name = 'generation-job' and task_instance = :id")
                            .param("t", OffsetDateTime.parse("2100-01-01T00:00:00Z"))
                            .param("id", id2)
                            .update())
                    .isEqualTo(1);
        });
        assertThat(job(id2).state()).isEqualTo(JobState.SUBMITTED);
        assertThat(jdbc.sql("select execution_time from scheduled_tasks"
                                + " where task_name = 'generation-job' and task_instance = :id")
                        .param("id", id2)
                        .query(OffsetDateTime.class)
                        .single()
                        .toInstant())
                .isEqualTo(firstPoll);
    }
}
