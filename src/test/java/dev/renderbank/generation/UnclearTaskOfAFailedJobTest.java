package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.renderbank.generation.internal.FinisherTestSupport;
import dev.renderbank.generation.internal.Job;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.HoldState;
import dev.renderbank.support.Api;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A task named by a job only from its submit's unclear answer belongs to the job the provider created
 * it for, whatever the state of the job that named it: a failed one (its deadline passed, its credits
 * released) gives it up to the other job's clear answer or callback too. The other job is charged once
 * for its result; the failed job is never shown it (no late delivery of another user's generation).
 */
class UnclearTaskOfAFailedJobTest extends UnclearAnswerTest {

    @Autowired
    org.springframework.context.ApplicationContext context;

    /**
     * A failed at its deadline while naming T only from its unclear answer (released). B's clear answer
     * naming T takes T all the same: B is charged once for its result, A is never shown it (neither by
     * its late-delivery task nor by a late try under way that read A with T before B took it).
     */
    @Test
    void aFailedJobThatNamedTheTaskOnlyFromItsUnclearAnswerGivesItUpToTheJobItWasCreatedFor() {
        String task = "t-mixed-" + UUID.randomUUID();
        TestUser x = users.create(100);
        String a = unknownNaming(x, "unclear, failed at its deadline " + task, task);
        clock.advance(Duration.ofHours(1));
        driver.step(a);
        assertThat(job(a).state()).isEqualTo(JobState.FAILED);
        assertThat(hold(a)).isEqualTo(HoldState.RELEASED);
        Job lateTry = job(a);
        assertThat(lateTry.providerTaskId()).isEqualTo(task);
        TestUser y = users.create(100);
        String pb = "clear, its task named by a failed job " + task;
        createTaskAnswers(pb, 200, answerNaming(task));
        String b = accept(y, pb);
        KieRecords.succeeded(task);

        catchThrowable(() -> driver.step(b));

        assertThat(job(b).state()).isEqualTo(JobState.SUBMITTED);
        assertThat(job(b).providerTaskId()).isEqualTo(task);
        assertThat(taskRows(b)).containsExactly(task);
        assertThat(job(a).providerTaskId()).isNull();
        assertThat(taskRows(a)).isEmpty();
        assertThat(FinisherTestSupport.lateDelivery(context, job(a))).isEqualTo("DONE");
        FinisherTestSupport.lateDelivery(context, lateTry);
        assertThat(job(a).assetId()).as("A is never shown B's result").isNull();
        assertThat(job(a).lateDelivery()).isFalse();

        clock.advance(Duration.ofSeconds(30));
        driver.step(b);

        assertThat(job(b).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(ledger.balance(y.id())).isEqualTo(new Balance(95, 0, 0));
        assertThat(entries(b, "CAPTURE")).isEqualTo(1);
        assertThat(ledger.balance(x.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(entries(a, "CAPTURE")).isZero();
        assertThat(alerts("generation.task-claimed-twice"))
                .noneSatisfy(m -> assertThat(m).contains(task));
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    /** B's callback (not its answer) naming T, named by failed A only from its unclear answer, takes T. */
    @Test
    void aCallbackTakesTheTaskFromAFailedJobThatNamedItOnlyFromItsUnclearAnswer() {
        String task = "t-mixed-" + UUID.randomUUID();
        String a = unknownNaming(users.create(100), "unclear, failed, then called back elsewhere " + task, task);
        clock.advance(Duration.ofHours(1));
        driver.step(a);
        assertThat(job(a).state()).isEqualTo(JobState.FAILED);
        TestUser y = users.create(100);
        String pb = "unclear without a task, its callback names a failed job's task " + task;
        createTaskAnswers(pb, 503, "{\"code\":503,\"msg\":\"unavailable\"}");
        String b = accept(y, pb);
        driver.step(b);
        KieRecords.succeeded(task);

        Api.Response r = callback(b, task);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        awaitCallbackChecked(b);
        assertThat(job(b).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(ledger.balance(y.id())).isEqualTo(new Balance(95, 0, 0));
        assertThat(job(a).providerTaskId()).isNull();
        assertThat(job(a).assetId()).isNull();
    }

    /** B failed (its deadline) before its callback named T, which A names from its unclear answer: B records T. */
    @Test
    void aFailedJobsCallbackTakesTheTaskFromAJobThatNamedItOnlyFromItsUnclearAnswer() {
        String task = "t-mixed-" + UUID.randomUUID();
        String a = unknownNaming(users.create(100), "unclear, its task called back to a failed job " + task, task);
        TestUser y = users.create(100);
        String pb = "unclear without a task, failed, then called back " + task;
        createTaskAnswers(pb, 503, "{\"code\":503,\"msg\":\"unavailable\"}");
        String b = accept(y, pb);
        driver.step(b);
        clock.advance(Duration.ofHours(1));
        driver.step(b);
        assertThat(job(b).state()).isEqualTo(JobState.FAILED);
        KieRecords.succeeded(task);

        Api.Response r = callback(b, task);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        awaitCallbackChecked(b);
        assertThat(job(b).providerTaskId()).isEqualTo(task);
        assertThat(taskRows(b)).containsExactly(task);
        assertThat(job(b).assetId()).as("B's result, late and free").isNotNull();
        assertThat(ledger.balance(y.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(job(a).providerTaskId()).isNull();
        assertThat(taskRows(a)).isEmpty();
    }

    private List<String> alerts(String kind) {
        return jdbc.sql("select message from operator_alert where kind = :kind")
                .param("kind", kind)
                .query(String.class)
                .list();
    }
}
