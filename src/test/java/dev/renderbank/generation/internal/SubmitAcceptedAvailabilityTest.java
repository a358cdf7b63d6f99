package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.catalog.AssetType;
import dev.renderbank.generation.JobState;
import dev.renderbank.generation.internal.JobDriver.TaskMove;
import dev.renderbank.provider.ProviderStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 15: the submit right after an accept trusts the accept's own read of the provider's
 * availability ({@link JobDriver#ACCEPT_READ_STANDS}) instead of reading it again; a job that waited
 * longer than that for a submit thread is not sent while the provider is refusing work (its task,
 * due later, takes it from there).
 */
class SubmitAcceptedAvailabilityTest extends JobRowsTest {

    @Autowired
    JobDriver driver;

    @Autowired
    ProviderStatus providerStatus;

    @AfterEach
    void providerBack() {
        providerStatus.clear("SubmitAcceptedAvailabilityTest");
    }

    @Test
    void aJobThatWaitedLongerThanTheAcceptsReadIsNotSentWhileTheProviderRefusesWork() {
        Instant now = clock.instant();
        Job waited = insertedJob(now.minus(JobDriver.ACCEPT_READ_STANDS).minusMillis(1));
        providerStatus.tripExhausted("SubmitAcceptedAvailabilityTest");

        driver.submitAccepted(waited, TaskMove.NONE);

        Job after = jobs.find(waited.id()).orElseThrow();
        assertThat(after.state()).isEqualTo(JobState.RESERVED);
        assertThat(after.submitStartedAt()).as("no submit attempt started").isNull();
        assertThat(after.attempts()).isZero();
    }

    private Job insertedJob(Instant acceptedAt) {
        Job job = Job.accepted(
                "rows-" + UUID.randomUUID(),
                new Job.Request(
                        1L, AssetType.IMAGE, "nano-banana", "a lighthouse", "{}", "google/nano-banana", "{}", 10),
                "token",
                acceptedAt,
                acceptedAt.plus(Duration.ofHours(1)));
        jobs.insert(job);
        return job;
    }
}
