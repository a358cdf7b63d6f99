package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.generation.internal.Job;
import dev.renderbank.support.LockWaits;
import dev.renderbank.support.TestUsers.TestUser;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A submit attempt's refusal (a 429 or 455: no task was created) is written while the job's task,
 * having read the attempt's mark as stale, takes the attempt for interrupted. The refusal's clear
 * commits first: the job is free to be sent again and must stay so. Before, the task's mark looked
 * only for RESERVED and made the job UNKNOWN after the clear, and an UNKNOWN job with no task waits
 * for a callback that never comes until its deadline fails it. The clear written late (the database
 * failed it for a moment, then AnswerWrites tried again) made this likely: both writes land when the
 * database comes back.
 */
class InterruptedSubmitRaceTest extends StubbedKieTest {

    @Autowired
    DataSource dataSource;

    @Test
    void aSubmitTakenForInterruptedWhileItsRefusalIsClearedStaysFreeToBeSentAgain() throws Exception {
        TestUser u = users.create(100);
        String id = accept(u, "cleared while taken for interrupted");
        // attempt 1 started long ago (past the submit time limit) and has not recorded an answer yet
        assertThat(jdbc.sql("""
                                update generation_job set submit_started_at = :started, attempts = 1
                                 where id = :id and state = 'RESERVED'""")
                        .param(
                                "started",
                                java.sql.Timestamp.from(clock.instant().minus(Duration.ofMinutes(10))))
                        .param("id", id)
                        .update())
                .isEqualTo(1);

        CompletableFuture<?> step;
        try (Connection refusal = dataSource.getConnection()) {
            refusal.setAutoCommit(false);
            // the attempt's refusal clears its mark (uncommitted: the row is locked)
            try (PreparedStatement clear = refusal.prepareStatement("""
                    update generation_job set submit_started_at = null
                     where id = ? and state = 'RESERVED' and submit_started_at is not null and attempts = 1""")) {
                clear.setString(1, id);
                assertThat(clear.executeUpdate()).isEqualTo(1);
            }
            long holder = LockWaits.backend(refusal);
            // the job's task read the stale mark and now takes the attempt for interrupted
            step = CompletableFuture.runAsync(() -> driver.step(id));
            await().atMost(Duration.ofSeconds(10)).until(() -> LockWaits.blockedBy(jdbc, holder));
            refusal.commit();
        }
        step.get(10, TimeUnit.SECONDS);

        Job job = job(id);
        assertThat(job.state()).as("free to be sent again, not UNKNOWN").isEqualTo(JobState.RESERVED);
        assertThat(job.submitStartedAt()).isNull();
    }
}
