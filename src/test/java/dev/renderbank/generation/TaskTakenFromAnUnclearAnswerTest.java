package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.renderbank.generation.internal.FinisherTestSupport;
import dev.renderbank.generation.internal.Job;
import dev.renderbank.generation.internal.JobFinisher;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.HoldState;
import dev.renderbank.support.Api;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A provider task belongs to the job the provider created it for, not to whichever job records it
 * first. Job A's createTask answer is unclear yet names task T (a proxy handed it job B's body inside
 * a 503); B's own clear answer names T, or KIE's callback for T comes to B's URL. The clear answer and
 * the callback outrank A's unclear one: B takes T (A is UNKNOWN without a task again, waiting for its
 * own callback or its deadline), and A never captures its user's credits on T, nor shows that user B's
 * result. Before, B's mark was refused by the task's key and B ended UNKNOWN without a task, failed at
 * its deadline with no late result, while A delivered B's generation to A's user and charged them.
 * Once a record of T was read for A (RUNNING), A keeps T: then B's claim is refused and the operators
 * are told, naming both jobs. Neither job is ever sent again.
 */
class TaskTakenFromAnUnclearAnswerTest extends UnclearAnswerTest {

    @Autowired
    JobFinisher finisher;

    @Autowired
    org.springframework.context.ApplicationContext context;

    @Test
    void theOtherJobsClearAnswerTakesTheTaskAndTheUnclearJobNeverCapturesOnIt() {
        String task = "t-mixed-" + UUID.randomUUID();
        TestUser x = users.create(100);
        String pa = "unclear, mixed with another's body " + task;
        String a = unknownNaming(x, pa, task);
        TestUser y = users.create(100);
        String pb = "clear " + task;
        createTaskAnswers(pb, 200, answerNaming(task));
        String b = accept(y, pb);

        driver.step(b);

        assertThat(job(b).state()).isEqualTo(JobState.SUBMITTED);
        assertThat(job(b).providerTaskId()).isEqualTo(task);
        assertThat(taskRows(b)).containsExactly(task);
        assertThat(job(a).state()).isEqualTo(JobState.UNKNOWN);
        assertThat(job(a).providerTaskId()).as("A no longer names T").isNull();
        assertThat(taskRows(a)).isEmpty();

        KieRecords.succeeded(task);
        clock.advance(Duration.ofSeconds(30));
        driver.step(a);
        driver.step(b);

        assertThat(job(a).state()).isEqualTo(JobState.UNKNOWN);
        assertThat(job(a).assetId()).isNull();
        assertThat(hold(a)).isEqualTo(HoldState.OPEN);
        assertThat(job(b).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(ledger.balance(y.id())).isEqualTo(new Balance(95, 0, 0));
        assertThat(entries(a, "CAPTURE")).isZero();
        assertThat(createTaskCalls(pa)).isEqualTo(1);
        assertThat(createTaskCalls(pb)).isEqualTo(1);
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void aCallbackForTheTaskToTheOtherJobsUrlTakesTheTask() {
        String task = "t-mixed-" + UUID.randomUUID();
        String pa = "unclear, mixed, then called back elsewhere " + task;
        String a = unknownNaming(users.create(100), pa, task);
        TestUser y = users.create(100);
        String pb = "unclear without a task, called back " + task;
        createTaskAnswers(pb, 503, "{\"code\":503,\"msg\":\"unavailable\"}");
        String b = accept(y, pb);
        driver.step(b);
        assertThat(job(b).state()).isEqualTo(JobState.UNKNOWN);
        assertThat(job(b).providerTaskId()).isNull();
        KieRecords.succeeded(task);

        Api.Response r = callback(b, task);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        awaitCallbackChecked(b);
        assertThat(job(b).providerTaskId()).isEqualTo(task);
        assertThat(job(b).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(ledger.balance(y.id())).isEqualTo(new Balance(95, 0, 0));
        assertThat(taskRows(b)).containsExactly(task);
        assertThat(job(a).providerTaskId()).isNull();
        assertThat(taskRows(a)).isEmpty();
        driver.step(a);
        assertThat(job(a).state()).isEqualTo(JobState.UNKNOWN);
        assertThat(hold(a)).isEqualTo(HoldState.OPEN);
        assertThat(createTaskCalls(pa)).isEqualTo(1);
        assertThat(createTaskCalls(pb)).isEqualTo(1);
    }

    /** B's own unclear answer named another task: its callback naming A's unclear task still wins. */
    @Test
    void aCallbackFollowedAwayFromAnUnclearTaskTakesTheOtherUnclearJobsTask() {
        String task = "t-mixed-" + UUID.randomUUID();
        String a = unknownNaming(users.create(100), "unclear, mixed " + task, task);
        String b = unknownNaming(users.create(100), "unclear, its own wrong task " + task, "t-wrong-" + task);
        KieRecords.succeeded(task);

        assertThat(callback(b, task).status()).isEqualTo(200);
        awaitCallbackChecked(b);

        assertThat(job(b).providerTaskId()).isEqualTo(task);
        assertThat(job(b).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(taskRows(b)).containsExactly(task);
        assertThat(job(a).providerTaskId()).isNull();
        assertThat(taskRows(a)).isEmpty();
    }

    /**
     * A callback to A's own URL names T, the task A's unclear answer named: T is confirmed A's (only
     * A's createTask carried that URL), even if no record of T could be read yet. B's clear answer naming
     * T later (delayed by a retried write) must not take it: B's answer is the mixed one.
     */
    @Test
    void aCallbackToTheUnclearJobsOwnUrlNamingItsTaskConfirmsItAgainstALaterClaim() {
        String task = "t-mixed-" + UUID.randomUUID();
        String a = unknownNaming(users.create(100), "unclear, then called back " + task, task);

        assertThat(callback(a, task).status()).isEqualTo(200);
        awaitCallbackChecked(a);
        assertThat(job(a).state()).as("confirmed by its own callback").isNotEqualTo(JobState.UNKNOWN);

        String pb = "clear but mixed " + task;
        createTaskAnswers(pb, 200, answerNaming(task));
        String b = accept(users.create(100), pb);
        catchThrowable(() -> driver.step(b));

        assertThat(job(a).providerTaskId()).isEqualTo(task);
        assertThat(taskRows(a)).containsExactly(task);
        assertThat(job(b).providerTaskId()).isNotEqualTo(task);
        assertThat(createTaskCalls(pb)).isEqualTo(1);
    }

    /**
     * A's poll of T was under way when B took T, and T's record says it failed: that is B's failure,
     * not A's. A stays UNKNOWN with its credits held (its own task may still call back and be charged),
     * not failed and released with B's failure.
     */
    @Test
    void aFailedRecordReadByAPollUnderWayWhenTheTaskIsTakenDoesNotFailTheUnclearJob() {
        String task = "t-mixed-" + UUID.randomUUID();
        String a = unknownNaming(users.create(100), "unclear, polled while taken, then failed " + task, task);
        Job polled = job(a);
        String pb = "clear, taking a task that fails " + task;
        createTaskAnswers(pb, 200, answerNaming(task));
        String b = accept(users.create(100), pb);
        driver.step(b);
        assertThat(job(b).providerTaskId()).isEqualTo(task);
        KieRecords.failed(task, "B's prompt was refused");

        FinisherTestSupport.poll(context, polled, clock.instant());

        assertThat(job(a).state()).isEqualTo(JobState.UNKNOWN);
        assertThat(hold(a)).isEqualTo(HoldState.OPEN);
    }

    /** A's poll read T's success before B took T: its delivery finds A no longer names T, and stops. */
    @Test
    void aPollOfTheUnclearJobUnderWayWhenTheTaskIsTakenChargesNothing() {
        String task = "t-mixed-" + UUID.randomUUID();
        TestUser x = users.create(100);
        String a = unknownNaming(x, "unclear, polled while taken " + task, task);
        Job polled = job(a);
        String pb = "clear, taking " + task;
        createTaskAnswers(pb, 200, answerNaming(task));
        String b = accept(users.create(100), pb);
        driver.step(b);
        assertThat(job(b).providerTaskId()).isEqualTo(task);

        String outcome = FinisherTestSupport.deliver(finisher, polled, "jobs/" + x.id() + "/" + a + ".png");

        assertThat(outcome).isEqualTo("DUPLICATE");
        assertThat(job(a).state()).isEqualTo(JobState.UNKNOWN);
        assertThat(job(a).assetId()).isNull();
        assertThat(hold(a)).isEqualTo(HoldState.OPEN);
        assertThat(entries(a, "CAPTURE")).isZero();
    }

    /**
     * A's poll of T was under way when B took T, and T's record says success: the copy is discarded
     * (B's result), and A's step goes on (A is live). A's own callback then teaches it its real task,
     * whose success A's step finds and charges once: not a free late delivery at its deadline.
     */
    @Test
    void aPollUnderWayWhoseSuccessIsDiscardedKeepsTheUnclearJobsStepGoingUntilItsOwnTaskIsCharged() {
        String task = "t-mixed-" + UUID.randomUUID();
        TestUser x = users.create(100);
        String a = unknownNaming(x, "unclear, polled while taken, success discarded " + task, task);
        Job polled = job(a);
        TestUser y = users.create(100);
        String pb = "clear, taking a task that succeeds " + task;
        createTaskAnswers(pb, 200, answerNaming(task));
        String b = accept(y, pb);
        driver.step(b);
        assertThat(job(b).providerTaskId()).isEqualTo(task);
        KieRecords.succeeded(task);

        Optional<Instant> next = FinisherTestSupport.poll(context, polled, clock.instant());

        assertThat(next).as("A is live: its step goes on").isPresent();
        assertThat(job(a).state()).isEqualTo(JobState.UNKNOWN);
        assertThat(job(a).assetId()).isNull();
        assertThat(hold(a)).isEqualTo(HoldState.OPEN);

        String own = "t-own-" + UUID.randomUUID();
        KieRecords.running(own);
        assertThat(callback(a, own).status()).isEqualTo(200);
        awaitCallbackChecked(a);
        assertThat(job(a).providerTaskId()).isEqualTo(own);
        KieRecords.succeeded(own);
        clock.advance(Duration.ofSeconds(30));
        driver.step(a);
        driver.step(b);

        assertThat(job(a).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(job(a).lateDelivery()).isFalse();
        assertThat(ledger.balance(x.id())).isEqualTo(new Balance(95, 0, 0));
        assertThat(entries(a, "CAPTURE")).isEqualTo(1);
        assertThat(job(b).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(ledger.balance(y.id())).isEqualTo(new Balance(95, 0, 0));
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    /** The failed record of the taken task, read by A's poll under way: A's step goes on as well. */
    @Test
    void aPollUnderWayWhoseFailureIsNotTheUnclearJobsKeepsItsStepGoing() {
        String task = "t-mixed-" + UUID.randomUUID();
        String a = unknownNaming(users.create(100), "unclear, polled while taken, failure discarded " + task, task);
        Job polled = job(a);
        String pb = "clear, taking a task that fails, step goes on " + task;
        createTaskAnswers(pb, 200, answerNaming(task));
        String b = accept(users.create(100), pb);
        driver.step(b);
        KieRecords.failed(task, "B's prompt was refused");

        assertThat(FinisherTestSupport.poll(context, polled, clock.instant())).isPresent();
        assertThat(job(a).state()).isEqualTo(JobState.UNKNOWN);
    }

    /** A record of T was read for A first (RUNNING): A keeps T, B's claim is refused, operators told. */
    @Test
    void aClaimOnATaskWhoseRecordWasReadForTheUnclearJobIsRefusedAndTheOperatorsAreTold() {
        String task = "t-mixed-" + UUID.randomUUID();
        String a = unknownNaming(users.create(100), "unclear, read first " + task, task);
        KieRecords.running(task);
        clock.advance(Duration.ofSeconds(30));
        driver.step(a);
        assertThat(job(a).state()).isEqualTo(JobState.RUNNING);
        String pb = "clear, too late for " + task;
        createTaskAnswers(pb, 200, answerNaming(task));
        String b = accept(users.create(100), pb);

        catchThrowable(() -> driver.step(b));

        assertThat(job(a).providerTaskId()).isEqualTo(task);
        assertThat(taskRows(a)).containsExactly(task);
        assertThat(job(b).providerTaskId()).isNull();
        assertThat(alerts("generation.task-claimed-twice"))
                .anySatisfy(m -> assertThat(m).contains(task, a, b));
        assertThat(createTaskCalls(pb)).isEqualTo(1);
    }

    private List<String> alerts(String kind) {
        return jdbc.sql("select message from operator_alert where kind = :kind")
                .param("kind", kind)
                .query(String.class)
                .list();
    }
}
