package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.renderbank.generation.JobState;
import dev.renderbank.support.RowUpdates;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * Issue 15: the SUBMITTED mark, written once per job on the submit path, is a HOT update (heap only,
 * no entry in any of the job table's indexes). PostgreSQL allows that only when no indexed column,
 * index predicates included, changes: neither the provider's task id (unique, so indexed somewhere)
 * nor the state (which says whether a job is live) may be what an index of {@code generation_job}
 * names. Counted by PostgreSQL itself for this transaction ({@code pg_stat_xact_user_tables}).
 */
class SubmittedMarkHotTest extends JobRowsTest {

    @Test
    void theSubmittedMarkUpdatesTheJobRowInPlace() {
        String id = startedJob();

        RowUpdates counted = markSubmitted(id);

        assertThat(counted).as("updates of generation_job: all, HOT").isEqualTo(new RowUpdates(1, 1));
        Job job = jobs.find(id).orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.SUBMITTED);
        assertThat(job.providerTaskId()).isEqualTo("task-" + id);
    }

    @Test
    void theSubmitStartedMarkUpdatesTheJobRowInPlaceAloneOrInABatch() {
        // neither submit_started_at, submit_mark_id, attempts nor updated_at may be what an index of
        // generation_job names
        String alone = acceptedJob();
        List<String> batch = List.of(acceptedJob(), acceptedJob(), acceptedJob());

        RowUpdates one = RowUpdates.of(
                jdbc,
                tx,
                "generation_job",
                () -> assertThat(transitions.markSubmitStarted(alone, clock.instant()))
                        .isPresent());
        RowUpdates several = RowUpdates.of(
                jdbc,
                tx,
                "generation_job",
                () -> assertThat(transitions
                                .markSubmitStarted(batch, clock.instant(), UUID.randomUUID())
                                .keySet())
                        .containsExactlyInAnyOrderElementsOf(batch));

        assertThat(one).as("the mark of one job: all, HOT").isEqualTo(new RowUpdates(1, 1));
        assertThat(several)
                .as("the marks of three jobs in one statement: all, HOT")
                .isEqualTo(new RowUpdates(3, 3));
    }

    @Test
    void theSubmittedMarksOfManyJobsAreAllHot() {
        // Jobs one after another, as the submit path writes them: insert, submit-started, submitted.
        // The WAL they write is printed for docs/BENCHMARKS.md (other sessions add a little noise).
        int n = 200;
        String walBefore = walPosition();
        RowUpdates counted = new RowUpdates(0, 0);
        for (int i = 0; i < n; i++) {
            RowUpdates mark = markSubmitted(startedJob());
            counted = counted.plus(mark);
        }
        printWal(walBefore, n);

        assertThat(counted).as("SUBMITTED marks: all, HOT").isEqualTo(new RowUpdates(n, n));
    }

    @Test
    void aProviderTaskBelongsToOneJobOnly() {
        String first = acceptedJob();
        String second = acceptedJob();
        Instant now = clock.instant();
        assertThat(transitions.markSubmitted(first, "task-shared-" + first, now))
                .isTrue();

        assertThatThrownBy(() -> transitions.markSubmitted(second, "task-shared-" + first, now))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(jobs.find(second).orElseThrow().state())
                .as("the refused mark changed nothing")
                .isEqualTo(JobState.RESERVED);
    }

    @Test
    void theQueriesOfLiveJobsCanUseThePartialIndexesOfLiveJobs() {
        // the indexes' predicate is no longer the state: the queries must still imply it
        // each index alone (the other dropped inside the rolled-back transaction): whether the query can use
        // it, not which of two near-equal plans the planner prefers on a nearly empty table
        String inFlight = plan(
                "select count(*) from generation_job where user_id = 1 and type = 'IMAGE' and " + JobStore.IS_LIVE,
                "generation_job_live_idx");
        String pastDeadline = plan(
                "select id from generation_job where " + JobStore.IS_LIVE
                        + " and deadline_at <= now() order by deadline_at limit 10",
                "generation_job_inflight_idx");

        assertThat(inFlight).contains("generation_job_inflight_idx");
        assertThat(pastDeadline).contains("generation_job_live_idx");
    }

    /**
     * The plan PostgreSQL picks when it may not scan the whole table and {@code without} is gone (dropped in
     * this transaction, which is rolled back).
     */
    private String plan(String query, String without) {
        return tx.execute(status -> {
            status.setRollbackOnly();
            jdbc.sql("set local enable_seqscan = off").update();
            jdbc.sql("drop index " + without).update();
            return String.join(
                    "\n", jdbc.sql("explain " + query).query(String.class).list());
        });
    }

    private String walPosition() {
        jdbc.sql("create extension if not exists pg_walinspect").update();
        return jdbc.sql("select pg_current_wal_insert_lsn()::text")
                .query(String.class)
                .single();
    }

    /**
     * WAL written since {@code from} per job, by resource manager, without full-page images (their
     * number depends on when the last checkpoint was, not on the statements); for docs/BENCHMARKS.md.
     */
    private void printWal(String from, int n) {
        String to = jdbc.sql("select pg_current_wal_insert_lsn()::text")
                .query(String.class)
                .single();
        // commits here need not wait for the disk: what is not flushed yet cannot be read back
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.sql("select pg_current_wal_flush_lsn() >= :to::pg_lsn")
                        .param("to", to)
                        .query(Boolean.class)
                        .single());
        jdbc.sql("""
                        select "resource_manager/record_type", count, record_size, fpi_size
                          from pg_get_wal_stats(:from::pg_lsn, :to::pg_lsn, true) where count > 0""")
                .param("from", from)
                .param("to", to)
                .query((rs, row) -> "%s: %.2f records, %d record bytes, %d FPI bytes per job"
                        .formatted(rs.getString(1), rs.getDouble(2) / n, rs.getLong(3) / n, rs.getLong(4) / n))
                .list()
                .forEach(line -> System.out.println("SubmittedMarkHotTest WAL " + line));
    }

    /** Marks the job SUBMITTED; the job table's updates (all, HOT) that this made. */
    private RowUpdates markSubmitted(String id) {
        return RowUpdates.of(
                jdbc,
                tx,
                "generation_job",
                () -> assertThat(transitions.markSubmitted(id, "task-" + id, clock.instant()))
                        .isTrue());
    }
}
