package dev.renderbank.generation.internal;

import dev.renderbank.platform.SqlTime;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The undo of the submit-started marks one grouped statement wrote though it failed for its callers
 * ({@link SubmitStartedMarks}): its answer was lost (the connection dropped after the server
 * committed), so no caller learned it won a job, none sends, and each job would otherwise be taken
 * for interrupted and held until its deadline.
 *
 * <p>A mark is that statement's only if it carries the statement's id ({@code submit_mark_id}, a
 * random UUID no other statement has: not another statement of this node, not another node's, not an
 * earlier process's, whatever the time each wrote), and it is undone only while the job is still as
 * that mark left it: {@code RESERVED}, no provider task, its submit time and last change the mark's.
 * Any later change (taken for interrupted, submitted, failed, the mark cleared and another written)
 * leaves the row alone. The attempt the mark counted is not given back: an attempt's number names one
 * mark only, so nothing that learned an earlier number can ever match a later attempt's mark.
 */
@Repository
class SubmitStartedUndo {

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    SubmitStartedUndo(JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    /**
     * In a transaction of its own, committed when this returns: clears the marks the statement {@code
     * statement} wrote {@code at} in the jobs of {@code ids} and that still stand as it left them; the
     * jobs undone. Rows it may not touch (more than {@code ids} name, or one twice) roll it back and
     * throw, so nothing is undone.
     */
    List<String> undo(Collection<String> ids, Instant at, UUID statement) {
        Set<String> batch = new HashSet<>(ids);
        return tx.execute(status -> {
            List<String> undone = jdbc.sql("""
                            update generation_job set submit_started_at = null, submit_mark_id = null
                             where id = any(:ids) and submit_mark_id = :statement and submit_started_at = :at
                               and updated_at = :at and state = 'RESERVED' and provider_task_id is null
                            returning id""")
                    .param("ids", batch.toArray(String[]::new))
                    .param("statement", statement)
                    .param("at", SqlTime.ts(at))
                    .query(String.class)
                    .list();
            if (undone.size() > batch.size()
                    || new HashSet<>(undone).size() != undone.size()
                    || !batch.containsAll(undone)) {
                throw new IllegalStateException("undo of submit-started statement " + statement + " touched " + undone
                        + ", not only jobs of its batch " + batch + "; rolled back");
            }
            return undone;
        });
    }
}
