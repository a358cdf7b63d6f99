package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.internal.FinisherTestSupport;
import dev.renderbank.generation.internal.Job;
import dev.renderbank.generation.internal.JobFinisher;
import dev.renderbank.generation.internal.JobTransitions;
import dev.renderbank.ledger.Balance;
import dev.renderbank.support.Api;
import dev.renderbank.support.TestUsers.TestUser;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Each way a job ends is counted once in {@code renderbank.jobs.finished} (what operators read for
 * success rates), and a second delivery of a job's output changes nothing: whichever path brings
 * the output second gets the answer "duplicate", the books and the counters stay as they were.
 */
class GenerationFinishOutcomesTest extends StubbedKieTest {

    @Autowired
    MeterRegistry meters;

    @Autowired
    JobFinisher finisher;

    @Autowired
    JobTransitions transitions;

    @Autowired
    JobEvents jobEvents;

    @Autowired
    Generations generations;

    @Autowired
    dev.renderbank.identity.AccountDeletion deletion;

    @Test
    void aCancelledJobIsCountedOnceAndARepeatedCancelNotAgain() {
        TestUser u = users.create(100);
        String id = accept(u, "counted when cancelled");
        double before = finished("cancelled", "cancelled");

        Api.Response cancelled = api.post("/api/v1/generations/" + id + "/cancel", u.token(), "");
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        assertThat(finished("cancelled", "cancelled")).isEqualTo(before + 1);

        // sent again (its answer lost): answered as the first, not a second finish
        assertThat(api.post("/api/v1/generations/" + id + "/cancel", u.token(), "")
                        .status())
                .isEqualTo(200);
        assertThat(finished("cancelled", "cancelled")).isEqualTo(before + 1);
    }

    @Test
    void anOutputArrivingAfterTheDeadlineIsOneFreeLateDeliveryAndItsSecondArrivalADuplicate() {
        TestUser u = users.create(100);
        String id = submitted(u, "delivered after its deadline", "t-late-twice");
        clock.advance(Duration.ofMinutes(16)); // past the image deadline (15 min), hold still valid
        driver.step(id);
        Job failed = job(id);
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        double late = finished("late_delivery", "free_of_charge");
        double succeeded = finished("succeeded", "none");

        assertThat(FinisherTestSupport.deliver(finisher, failed, "jobs/late-1.png"))
                .isEqualTo("LATE_FREE");
        Job delivered = job(id);
        assertThat(delivered.assetId()).isNotNull();
        assertThat(delivered.lateDelivery()).isTrue();
        assertThat(finished("late_delivery", "free_of_charge")).isEqualTo(late + 1);
        long told = lateEvents(id);
        assertThat(told).as("the late delivery is announced").isPositive();

        // the same output brought again by a second path (the job as that path read it before)
        assertThat(FinisherTestSupport.deliver(finisher, failed, "jobs/late-2.png"))
                .isEqualTo("DUPLICATE");
        assertThat(lateEvents(id)).as("announced once").isEqualTo(told);
        assertThat(job(id).assetId()).isEqualTo(delivered.assetId());
        assertThat(job(id).version()).isEqualTo(delivered.version());
        assertThat(assets(id)).isEqualTo(1);
        assertThat(finished("late_delivery", "free_of_charge")).isEqualTo(late + 1);
        assertThat(finished("succeeded", "none")).isEqualTo(succeeded);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
    }

    /**
     * The account is deleted after the path bringing the output checked it (the deletion's cleanup
     * has not run yet): the finisher sees the deletion with the job's row locked and stores nothing.
     */
    @Test
    void anOutputArrivingAfterTheJobFailedAndItsAccountWasDeletedIsNotStored() {
        TestUser u = users.create(100);
        String id = submitted(u, "delivered to a deleted account", "t-late-deleted");
        clock.advance(Duration.ofMinutes(16));
        driver.step(id);
        Job failed = job(id);
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(deletion.delete(u.id(), "correct horse battery staple"))
                .isInstanceOf(dev.renderbank.identity.DeletionOutcome.Deleted.class);

        assertThat(FinisherTestSupport.deliver(finisher, failed, "jobs/late-deleted.png"))
                .isEqualTo("DISCARDED");
        assertThat(job(id).assetId()).isNull();
        assertThat(job(id).lateDelivery()).isFalse();
        assertThat(assets(id)).isZero();
        assertThat(lateEvents(id)).isZero();
    }

    @Test
    void anOutputArrivingAfterTheHoldExpiredIsCountedAsALateDeliveryNotASuccess() {
        TestUser u = users.create(100);
        String id = submitted(u, "delivered after its hold expired", "t-expired-hold");
        // nothing ran for the image deadline (15 min) plus the hold margin (1 h)
        clock.advance(Duration.ofMinutes(15).plus(Duration.ofHours(1)).plusMinutes(1));
        double late = finished("late_delivery", "free_of_charge");
        double succeeded = finished("succeeded", "none");

        assertThat(FinisherTestSupport.deliver(finisher, job(id), "jobs/expired.png"))
                .isEqualTo("LATE_FREE");
        assertThat(job(id).lateDelivery()).isTrue();
        assertThat(finished("late_delivery", "free_of_charge")).isEqualTo(late + 1);
        assertThat(finished("succeeded", "none")).isEqualTo(succeeded);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
    }

    @Test
    void aChargedJobDeliveredAgainIsADuplicateChargedAndCountedOnce() {
        TestUser u = users.create(100);
        String id = submitted(u, "delivered twice in time", "t-twice");
        Job running = job(id);
        double succeeded = finished("succeeded", "none");

        assertThat(FinisherTestSupport.deliver(finisher, running, "jobs/once-1.png"))
                .isEqualTo("CHARGED");
        Job done = job(id);
        assertThat(FinisherTestSupport.deliver(finisher, running, "jobs/once-2.png"))
                .isEqualTo("DUPLICATE");

        assertThat(job(id).assetId()).isEqualTo(done.assetId());
        assertThat(job(id).version()).isEqualTo(done.version());
        assertThat(assets(id)).isEqualTo(1);
        assertThat(finished("succeeded", "none")).isEqualTo(succeeded + 1);
        assertThat(ledger.balance(u.id()).available()).isEqualTo(100 - done.price());
        assertThat(ledger.balance(u.id()).held()).isZero();
    }

    @Test
    void eachFinishTellsTheJobsStreamsAfterItCommittedAndARefusedOrDuplicateFinishNever() {
        TestUser u = users.create(100);
        String cancelledId = accept(u, "signalled when cancelled");
        // one user per job: the image cooldown admits one new job per user at a time
        String failedId = submitted(users.create(100), "signalled when failed", "t-signal-failed");
        String chargedId = submitted(users.create(100), "signalled when charged", "t-signal-charged");
        List<String> seen = new CopyOnWriteArrayList<>();
        List<Runnable> subscriptions = new ArrayList<>();
        for (String id : List.of(cancelledId, failedId, chargedId)) {
            // what a stream sees when told: the job as committed (read on another connection)
            subscriptions.add(jobEvents.subscribe(id, changed -> {
                Job j = job(changed);
                seen.add(changed + " " + j.state() + " " + j.errorCode() + (j.lateDelivery() ? " late" : ""));
            }));
        }
        try {
            assertThat(generations.cancel(u.id(), cancelledId)).isInstanceOf(CancelOutcome.Cancelled.class);
            // repeated: answered as cancelled, not a second finish
            assertThat(generations.cancel(u.id(), cancelledId)).isInstanceOf(CancelOutcome.Cancelled.class);
            assertThat(told(seen)).containsExactly(cancelledId + " FAILED cancelled");

            Job running = job(failedId);
            assertThat(FinisherTestSupport.fail(finisher, running, "provider_failed", "it broke", true))
                    .isTrue();
            assertThat(FinisherTestSupport.fail(finisher, running, "provider_failed", "it broke", true))
                    .isFalse();
            assertThat(told(seen))
                    .containsExactly(cancelledId + " FAILED cancelled", failedId + " FAILED provider_failed");

            assertThat(deliveredTwice(running, "jobs/signal-late")).containsExactly("LATE_FREE", "DUPLICATE");
            assertThat(told(seen))
                    .containsExactly(
                            cancelledId + " FAILED cancelled",
                            failedId + " FAILED provider_failed",
                            failedId + " FAILED provider_failed late");

            assertThat(deliveredTwice(job(chargedId), "jobs/signal")).containsExactly("CHARGED", "DUPLICATE");
            assertThat(told(seen))
                    .containsExactly(
                            cancelledId + " FAILED cancelled",
                            failedId + " FAILED provider_failed",
                            failedId + " FAILED provider_failed late",
                            chargedId + " SUCCEEDED null");
        } finally {
            subscriptions.forEach(Runnable::run);
        }
    }

    /**
     * The database's notification of a job change reaches this node's streams only while its listening
     * connection is up (after a lost connection the listener re-reads everything, later); so a finish
     * made on this node tells this node's streams itself, on the finishing thread right after its
     * commit, and a refused finish tells nobody.
     */
    @Test
    void aFinishTellsThisNodesStreamsItselfRightAfterItsCommitNotOnlyThroughTheDatabasesNotification() {
        String failedId = submitted(users.create(100), "told directly when failed", "t-direct-failed");
        String chargedId = submitted(users.create(100), "told directly when charged", "t-direct-charged");
        Thread finishing = Thread.currentThread();
        List<String> toldHere = new CopyOnWriteArrayList<>();
        List<Runnable> subscriptions = new ArrayList<>();
        for (String id : List.of(failedId, chargedId)) {
            subscriptions.add(jobEvents.subscribe(id, changed -> {
                if (Thread.currentThread() == finishing) {
                    Job j = job(changed); // read on another connection: what is committed
                    toldHere.add(changed + " " + j.state() + (j.lateDelivery() ? " late" : ""));
                }
            }));
        }
        try {
            Job running = job(failedId);
            assertThat(FinisherTestSupport.fail(finisher, running, "provider_failed", "it broke", true))
                    .isTrue();
            assertThat(toldHere).containsExactly(failedId + " FAILED");
            assertThat(FinisherTestSupport.fail(finisher, running, "provider_failed", "it broke", true))
                    .isFalse();
            assertThat(toldHere).as("a refused second failure").containsExactly(failedId + " FAILED");

            assertThat(FinisherTestSupport.deliver(finisher, running, "jobs/direct-late.png"))
                    .isEqualTo("LATE_FREE");
            assertThat(toldHere).containsExactly(failedId + " FAILED", failedId + " FAILED late");

            assertThat(deliveredTwice(job(chargedId), "jobs/direct")).containsExactly("CHARGED", "DUPLICATE");
            assertThat(toldHere)
                    .containsExactly(failedId + " FAILED", failedId + " FAILED late", chargedId + " SUCCEEDED");
        } finally {
            subscriptions.forEach(Runnable::run);
        }
    }

    /**
     * The finished states the streams were told of, each once: a change is signalled by the engine
     * after its commit and again by the database's notification (the path for changes made on other
     * nodes, which may also arrive late for the set-up's own submits); streams send a job's version
     * only once, so a repeated signal of one committed state is harmless.
     */
    private static List<String> told(List<String> seen) {
        return seen.stream()
                .filter(s -> s.contains(" FAILED ") || s.contains(" SUCCEEDED "))
                .distinct()
                .toList();
    }

    @Test
    void aJobWhoseHoldAlreadyExpiredStillFailsAndItsCreditsComeBackOnce() {
        TestUser u = users.create(100);
        String id = submitted(u, "failed after its hold expired", "t-fail-expired");
        // nothing ran for the image deadline (15 min) plus the hold margin (1 h); the hold-expiry task ran
        clock.advance(Duration.ofMinutes(15).plus(Duration.ofHours(1)).plusMinutes(1));
        ledger.expireDue(clock.instant());
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        double failedBefore = finished("failed", "provider_failed");

        assertThat(FinisherTestSupport.fail(finisher, job(id), "provider_failed", "it broke", true))
                .isTrue();

        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).errorCode()).isEqualTo("provider_failed");
        assertThat(finished("failed", "provider_failed")).isEqualTo(failedBefore + 1);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    /** The finisher's answers to the same job's output brought twice (two paths, each with the job as read before). */
    private List<String> deliveredTwice(Job job, String key) {
        return List.of(
                FinisherTestSupport.deliver(finisher, job, key + "-1.png"),
                FinisherTestSupport.deliver(finisher, job, key + "-2.png"));
    }

    /** An accepted image job the provider took as {@code providerTaskId}. */
    private String submitted(TestUser u, String prompt, String providerTaskId) {
        String id = accept(u, prompt);
        FinisherTestSupport.submitted(transitions, id, providerTaskId, clock.instant());
        assertThat(job(id).state()).isEqualTo(JobState.SUBMITTED);
        return id;
    }

    private double finished(String outcome, String reason) {
        return meters.counter(
                        "renderbank.jobs.finished",
                        "type",
                        "image",
                        "model",
                        "nano-banana",
                        "outcome",
                        outcome,
                        "reason",
                        reason)
                .count();
    }

    /** Handlers scheduled for the job's {@link GenerationDeliveredLate} (the scheduler does not poll here). */
    private long lateEvents(String jobId) {
        return jdbc.sql("select count(*) from scheduled_tasks where task_instance like :k")
                .param("k", "%:generation-late:" + jobId)
                .query(Long.class)
                .single();
    }

    private long assets(String jobId) {
        return jdbc.sql("select count(*) from generation_asset where job_id = :id")
                .param("id", jobId)
                .query(Long.class)
                .single();
    }
}
