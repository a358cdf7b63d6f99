package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerProperties;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 15: every job inserts its task's row in db-scheduler's {@code scheduled_tasks} and moves it
 * (the SUBMITTED mark reschedules it to the first poll); neither write can be HOT, so each writes an
 * entry into every index whose predicate it matches. The table keeps the indexes db-scheduler's
 * queries read with this configuration, and a task that is not picked (no heartbeat) has no entry in
 * the heartbeat index. Counted in the WAL of the writes' own transaction ({@code pg_walinspect}),
 * as the records that put an entry on a leaf page (an insert, or the split that carries it), not the
 * page bookkeeping around a split.
 */
class JobTaskIndexesTest extends JobRowsTest {

    @Autowired
    SchedulerClient scheduler;

    @Autowired
    CustomTask<String> generationJobTask;

    @Autowired
    DbSchedulerProperties schedulerProperties;

    @Test
    void aTasksInsertAndItsRescheduleWriteNoHeartbeatIndexEntry() {
        jdbc.sql("create extension if not exists pg_walinspect").update();
        String from = lsn();
        String id = "rows-" + UUID.randomUUID();
        Instant now = clock.instant();
        long xid = tx.execute(status -> {
            scheduler.scheduleBatch(
                    List.<TaskInstance<?>>of(generationJobTask.instance(id, id)), now.plus(Duration.ofHours(1)));
            scheduler.reschedule(TaskInstanceId.of(JobTasks.JOB_TASK, id), now.plus(Duration.ofHours(2)));
            return jdbc.sql("select txid_current()").query(Long.class).single();
        });
        String to = lsn();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.sql("select pg_current_wal_flush_lsn() >= :to::pg_lsn")
                        .param("to", to)
                        .query(Boolean.class)
                        .single());

        Map<String, Long> entries = jdbc
                .sql("""
                        select i.indexrelid::regclass::text as index, count(w.*) as records
                          from pg_index i
                          left join pg_get_wal_records_info(:from::pg_lsn, :to::pg_lsn) w
                            on w.xid::text = :xid and w.resource_manager = 'Btree'
                           -- leaf entries only: an insert into a full page also writes the split's
                           -- downlink (INSERT_UPPER, NEWROOT, INSERT_META) or a DEDUP pass first
                           and w.record_type not in ('INSERT_UPPER', 'INSERT_META', 'NEWROOT', 'DEDUP')
                           and w.block_ref like '%/' || pg_relation_filenode(i.indexrelid) || ' %'
                         where i.indrelid = 'scheduled_tasks'::regclass
                         group by 1""")
                .param("from", from)
                .param("to", to)
                .param("xid", Long.toString(xid))
                .query((rs, n) -> Map.entry(rs.getString(1), rs.getLong(2)))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));

        assertThat(entries)
                .as("B-tree records per index of scheduled_tasks: the insert's and the reschedule's")
                .containsEntry("execution_time_idx", 2L)
                .containsEntry("last_heartbeat_idx", 0L);
        assertThat(entries).doesNotContainKey("priority_execution_time_idx");
    }

    @Test
    void dbSchedulersQueriesCanUseTheIndexesLeft() {
        // the due query (lock-and-fetch, without priority) and the search for dead executions, as
        // generic plans: db-scheduler sends them with parameters
        String due = genericPlan(
                "(boolean, timestamptz)",
                "select * from scheduled_tasks where picked = $1 and execution_time <= $2 order by execution_time asc limit 10",
                "(false, now())");
        String dead = genericPlan(
                "(boolean, timestamptz)",
                "select * from scheduled_tasks where picked = $1 and last_heartbeat <= $2 order by last_heartbeat asc",
                "(true, now())");

        assertThat(due).contains("execution_time_idx");
        assertThat(dead).contains("last_heartbeat_idx");
    }

    @Test
    void priorityIsOffOrItsIndexIsThere() {
        // with db-scheduler.priority-enabled the due query orders by priority first: it would need
        // the index dropped in V2026_12_02_0100 back
        List<String> indexes = jdbc.sql("select indexdef from pg_indexes where tablename = 'scheduled_tasks'")
                .query(String.class)
                .list();
        assertThat(schedulerProperties.isPriorityEnabled()
                        || indexes.stream().noneMatch(def -> def.contains("priority")))
                .as("priority off and no index on it, or priority on (then an index on it is needed)")
                .isTrue();
        if (schedulerProperties.isPriorityEnabled()) {
            assertThat(indexes).anyMatch(def -> def.contains("priority DESC, execution_time"));
        }
    }

    private String lsn() {
        return jdbc.sql("select pg_current_wal_insert_lsn()::text")
                .query(String.class)
                .single();
    }

    /** The plan PostgreSQL would reuse for every execution, without scanning the whole table. */
    private String genericPlan(String types, String query, String args) {
        return tx.execute(status -> {
            status.setRollbackOnly();
            jdbc.sql("set local enable_seqscan = off").update();
            jdbc.sql("set local plan_cache_mode = force_generic_plan").update();
            jdbc.sql("prepare plan_check " + types + " as " + query).update();
            try {
                return String.join(
                        "\n",
                        jdbc.sql("explain execute plan_check " + args)
                                .query(String.class)
                                .list());
            } finally {
                jdbc.sql("deallocate plan_check").update();
            }
        });
    }
}
