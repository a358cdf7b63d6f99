package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.renderbank.generation.internal.FinisherTestSupport;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * A failed job that named task T only from its unclear answer, and whose user was then shown T's
 * result as a late delivery, does not give T up silently to the job T was created for: the user has
 * seen the result, so the claim is refused and raised to operators (generation.task-claimed-twice),
 * as before the takeover of failed jobs' tasks (diff review of the forty-second session).
 */
class LateDeliveredUnclearTaskTest extends UnclearAnswerTest {

    @Autowired
    ApplicationContext context;

    @Test
    void aTaskWhoseResultWasShownLateIsNotTakenSilently() {
        String task = "t-mixed-" + UUID.randomUUID();
        TestUser x = users.create(100);
        String a = unknownNaming(x, "unclear, failed at its deadline " + task, task);
        clock.advance(Duration.ofHours(1));
        driver.step(a);
        assertThat(job(a).state()).isEqualTo(JobState.FAILED);
        KieRecords.succeeded(task);
        assertThat(FinisherTestSupport.lateDelivery(context, job(a))).isEqualTo("DONE");
        assertThat(job(a).assetId()).as("A's user was shown T's result late").isNotNull();

        TestUser y = users.create(100);
        String prompt = "clear, its task delivered late to a failed job " + task;
        createTaskAnswers(prompt, 200, answerNaming(task));
        String b = accept(y, prompt);
        catchThrowable(() -> driver.step(b));
        clock.advance(Duration.ofSeconds(30));
        catchThrowable(() -> driver.step(b));

        assertThat(job(a).providerTaskId())
                .as("A keeps the task whose result it was shown")
                .isEqualTo(task);
        assertThat(job(b).providerTaskId()).as("B does not take it silently").isNotEqualTo(task);
        assertThat(jdbc.sql("select message from operator_alert where kind = 'generation.task-claimed-twice'")
                        .query(String.class)
                        .list())
                .as("the claim is raised to operators")
                .anySatisfy(m -> assertThat(m).contains(task));
    }
}
