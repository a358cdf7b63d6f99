package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.JobState;
import org.junit.jupiter.api.Test;

/**
 * A refusal that proves no task was created (429, 455, nothing sent) frees its own submit attempt's
 * mark only: never a later attempt's (which may have created a task), and never a job with a task.
 */
class RefusedAttemptTest extends JobRowsTest {

    @Test
    void aRefusalFreesOnlyItsOwnAttemptsMark() {
        String id = acceptedJob();
        int first = transitions.markSubmitStarted(id, clock.instant()).orElseThrow();
        assertThat(transitions.clearSubmitStarted(id, first)).isTrue();
        int second = transitions.markSubmitStarted(id, clock.instant()).orElseThrow();

        assertThat(transitions.clearSubmitStarted(id, first))
                .as("the first attempt's answer, late")
                .isFalse();
        assertThat(jobs.find(id).orElseThrow().submitStartedAt()).isNotNull();

        assertThat(transitions.markUnknown(id, "submit attempt interrupted", clock.instant()))
                .isTrue();
        assertThat(transitions.reopenRefusedAttempt(id, first, clock.instant())).isFalse();
        assertThat(jobs.find(id).orElseThrow().state()).isEqualTo(JobState.UNKNOWN);

        assertThat(transitions.reopenRefusedAttempt(id, second, clock.instant()))
                .isTrue();
        Job reopened = jobs.find(id).orElseThrow();
        assertThat(reopened.state()).isEqualTo(JobState.RESERVED);
        assertThat(reopened.submitStartedAt()).isNull();
    }

    @Test
    void aJobThatNamesATaskIsNeverReopened() {
        String id = acceptedJob();
        int attempt = transitions.markSubmitStarted(id, clock.instant()).orElseThrow();
        assertThat(transitions.markUnknown(id, "submit attempt interrupted", clock.instant()))
                .isTrue();
        // a task linked to the job while it stays UNKNOWN (no path does this today)
        jdbc.sql("update generation_job set provider_task_id = 'rows-task' where id = :id")
                .param("id", id)
                .update();

        assertThat(transitions.reopenRefusedAttempt(id, attempt, clock.instant()))
                .isFalse();
        assertThat(jobs.find(id).orElseThrow().state()).isEqualTo(JobState.UNKNOWN);
    }
}
