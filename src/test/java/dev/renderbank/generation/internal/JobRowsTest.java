package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.catalog.AssetType;
import dev.renderbank.support.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Tests of the job table's own statements, on jobs inserted as an accept would (same context). */
abstract class JobRowsTest extends IntegrationTest {

    @Autowired
    JobStore jobs;

    @Autowired
    JobTransitions transitions;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate tx;

    /**
     * The rows these tests insert hold no credits and never finish: left behind, they would fill the
     * operators' stuck list (oldest first) and the sweeper's passes for every later test of the shared
     * context.
     */
    @AfterEach
    void removeInsertedJobs() {
        jdbc.sql("delete from generation_provider_task where job_id like 'rows-%'")
                .update();
        jdbc.sql("delete from scheduled_tasks where task_instance like 'rows-%'")
                .update();
        jdbc.sql("delete from generation_job where id like 'rows-%'").update();
    }

    /** A job as just accepted: RESERVED, nothing sent. */
    String acceptedJob() {
        String id = "rows-" + UUID.randomUUID();
        Instant now = clock.instant();
        jobs.insert(Job.accepted(
                id,
                new Job.Request(
                        1L, AssetType.IMAGE, "nano-banana", "a lighthouse", "{}", "google/nano-banana", "{}", 10),
                "token",
                now,
                now.plus(Duration.ofHours(1))));
        return id;
    }

    /** A job whose one submit attempt has started (the provider may have it). */
    String startedJob() {
        String id = acceptedJob();
        assertThat(transitions.markSubmitStarted(id, clock.instant())).isPresent();
        return id;
    }
}
