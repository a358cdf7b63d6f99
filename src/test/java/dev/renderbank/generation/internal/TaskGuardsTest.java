package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.JobState;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The job's own writes about its provider task hold only for the task it names: a SUBMITTED mark
 * never replaces another task the job already names, and a record read of a task the job no longer
 * names (another job's clear answer took it) moves the job nowhere.
 */
class TaskGuardsTest extends JobRowsTest {

    @Autowired
    TaskRecords tasks;

    @Test
    void aSubmittedMarkNeverReplacesAnotherTaskTheJobNames() {
        String id = unknownNaming("task-named-");
        String named = jobs.find(id).orElseThrow().providerTaskId();

        assertThat(transitions.markSubmitted(id, "task-other-" + id, clock.instant()))
                .isFalse();

        Job job = jobs.find(id).orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.UNKNOWN);
        assertThat(job.providerTaskId()).isEqualTo(named);
        assertThat(jobs.findByProviderTask("task-other-" + id)).isEmpty();
    }

    @Test
    void aRecordOfATaskTheJobNoLongerNamesDoesNotMoveItToRunning() {
        String id = unknownNaming("task-named-");

        assertThat(transitions.markRunning(id, "task-stale-" + id, 10, clock.instant()))
                .isFalse();

        assertThat(jobs.find(id).orElseThrow().state()).isEqualTo(JobState.UNKNOWN);
        assertThat(transitions.markRunning(id, "task-named-" + id, 10, clock.instant()))
                .isTrue();
    }

    private String unknownNaming(String prefix) {
        String id = startedJob();
        Instant now = clock.instant();
        assertThat(transitions.markUnknown(id, "unclear", now)).isTrue();
        assertThat(tasks.recordTaskOfUnknownJob(id, prefix + id, now)).isTrue();
        return id;
    }
}
