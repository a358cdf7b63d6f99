package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.internal.FinisherTestSupport;
import dev.renderbank.generation.internal.JobFinisher;
import dev.renderbank.generation.internal.JobTransitions;
import dev.renderbank.identity.AccountDeleted;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.DeletionOutcome;
import dev.renderbank.platform.DurableEventHandler;
import dev.renderbank.support.TestUsers.TestUser;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The operators' success rate per model (the /admin dashboard, {@code renderbank.jobs.finished}) is
 * how often the provider delivered what it was asked for: a job its owner cancelled, or that ended
 * because its owner deleted the account, is not a failure of the model and does not lower it.
 */
class ModelSuccessRateTest extends StubbedKieTest {

    @Autowired
    OperatorJobs operatorJobs;

    @Autowired
    JobFinisher finisher;

    @Autowired
    JobTransitions transitions;

    @Autowired
    Generations generations;

    @Autowired
    AccountDeletion deletion;

    @Autowired
    List<DurableEventHandler<?>> handlers;

    @Autowired
    MeterRegistry meters;

    @Test
    void cancelsAndAccountDeletionsAreNotCountedAsFailuresOfTheModel() {
        // a window of its own: jobs of other tests finished at real time, these a month later
        clock.advance(Duration.ofDays(30));
        Instant since = clock.instant().minusSeconds(1);
        double deletedAsFailure = finished("failed", "ACCOUNT_DELETED");

        TestUser canceller = users.create(100);
        String cancelled = accept(canceller, "cancelled by its owner");
        assertThat(generations.cancel(canceller.id(), cancelled)).isInstanceOf(CancelOutcome.Cancelled.class);

        TestUser leaver = users.create(100);
        String deleted = submitted(leaver, "ended by its account's deletion", "t-rate-deleted");
        assertThat(deletion.delete(leaver.id(), "correct horse battery staple"))
                .isInstanceOf(DeletionOutcome.Deleted.class);
        accountDeletedHandler().handle(new AccountDeleted(leaver.id()));
        assertThat(job(deleted).state()).isEqualTo(JobState.FAILED);

        String failed = submitted(users.create(100), "failed at the provider", "t-rate-failed");
        assertThat(FinisherTestSupport.fail(
                        finisher, job(failed), "provider_generation_failed", "The generation failed", true))
                .isTrue();

        String succeeded = submitted(users.create(100), "delivered in time", "t-rate-succeeded");
        assertThat(FinisherTestSupport.deliver(finisher, job(succeeded), "jobs/rate-succeeded.png"))
                .isEqualTo("CHARGED");

        ModelStats stats = operatorJobs.modelStats(since).stream()
                .filter(m -> m.model().equals("nano-banana"))
                .findFirst()
                .orElseThrow();
        assertThat(stats.succeeded()).isEqualTo(1);
        assertThat(stats.successRate())
                .as("one success out of the two jobs the provider was given and that did not end by their owner")
                .isEqualTo(0.5);
        assertThat(stats.successPercent()).isEqualTo(50);
        assertThat(finished("failed", "ACCOUNT_DELETED"))
                .as("the finished-jobs meter does not count a deletion as a failure either")
                .isEqualTo(deletedAsFailure);
    }

    private String submitted(TestUser u, String prompt, String providerTaskId) {
        String id = accept(u, prompt);
        FinisherTestSupport.submitted(transitions, id, providerTaskId, clock.instant());
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

    @SuppressWarnings("unchecked")
    private DurableEventHandler<AccountDeleted> accountDeletedHandler() {
        return (DurableEventHandler<AccountDeleted>) handlers.stream()
                .filter(h -> h.name().equals("generation.account-deleted"))
                .findFirst()
                .orElseThrow();
    }
}
