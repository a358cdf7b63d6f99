package dev.renderbank.provider.simulator;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * The simulator's tables: its tasks (with their callback delivery state and cost) and its account
 * balance, which createTask only reads: the spending is the sum of the tasks' costs.
 */
@Repository
class SimTaskStore {

    private static final JsonMapper JSON = JsonMapper.shared();
    private static final String COLUMNS =
            "task_id, model, kind, input, callback_url, created_at, duration_ms, fails, callback_attempts";

    private final JdbcClient jdbc;

    SimTaskStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Stores a task with its cost (no shared row is written, so concurrent creates never wait) and its
     * callback (if any) due {@code callbackDelay} after it finishes.
     */
    void insert(SimTask task, long cost, Duration callbackDelay) {
        jdbc.sql("insert into sim_task (" + COLUMNS + ", callback_state, callback_next_at, cost)"
                        + " values (:id, :model, :kind, :input, :callback, :created, :duration, :fails, 0,"
                        + " :callbackState, :nextAt, :cost)")
                .param("id", task.taskId())
                .param("model", task.model())
                .param("kind", task.kind().name())
                .param("input", JSON.writeValueAsString(task.input()))
                .param("callback", task.callbackUrl())
                .param("created", utc(task.createdAt()))
                .param("duration", task.duration().toMillis())
                .param("fails", task.fails())
                .param("callbackState", task.callbackUrl() == null ? "NONE" : "PENDING")
                .param("nextAt", utc(task.finishesAt().plus(callbackDelay)))
                .param("cost", cost)
                .update();
    }

    Optional<SimTask> find(String taskId) {
        return jdbc.sql("select " + COLUMNS + " from sim_task where task_id = :id")
                .param("id", taskId)
                .query(SimTaskStore::task)
                .optional();
    }

    /** Finished tasks whose callback is still to be sent and whose next attempt is due. */
    List<SimTask> callbacksDue(Instant now, int limit) {
        return jdbc.sql("select " + COLUMNS + " from sim_task where callback_state = 'PENDING'"
                        + " and callback_next_at <= :now order by callback_next_at limit :limit")
                .param("now", utc(now))
                .param("limit", limit)
                .query(SimTaskStore::task)
                .list();
    }

    void callbackDelivered(String taskId) {
        jdbc.sql("update sim_task set callback_state = 'DELIVERED', callback_attempts = callback_attempts + 1"
                        + " where task_id = :id and callback_state = 'PENDING'")
                .param("id", taskId)
                .update();
    }

    /** Another attempt at {@code nextAt}, or none (GAVE_UP) when {@code nextAt} is null. */
    void callbackFailed(String taskId, Instant nextAt) {
        if (nextAt == null) {
            jdbc.sql("update sim_task set callback_attempts = callback_attempts + 1, callback_state = 'GAVE_UP',"
                            + " callback_next_at = null where task_id = :id and callback_state = 'PENDING'")
                    .param("id", taskId)
                    .update();
            return;
        }
        jdbc.sql("update sim_task set callback_attempts = callback_attempts + 1, callback_next_at = :nextAt"
                        + " where task_id = :id and callback_state = 'PENDING'")
                .param("id", taskId)
                .param("nextAt", utc(nextAt))
                .update();
    }

    /**
     * The given tasks end at {@code now} (or stay ended), failed, and send no callback; returns how
     * many changed. Their recordInfo answers {@code fail} from then on, also for one that had
     * finished with a result nobody collected yet.
     */
    int fail(Collection<String> taskIds, Instant now) {
        if (taskIds.isEmpty()) {
            return 0;
        }
        return failWhere("task_id in (:ids) and (not fails or callback_state = 'PENDING' or " + RUNNING + ")", now)
                .param("ids", List.copyOf(taskIds))
                .update();
    }

    /** As {@link #fail}, for every task still running at {@code now}. */
    int failRunning(Instant now) {
        return failWhere(RUNNING, now).update();
    }

    private static final String RUNNING = "created_at + duration_ms * interval '1 millisecond' > :now";

    private JdbcClient.StatementSpec failWhere(String condition, Instant now) {
        return jdbc.sql("update sim_task set fails = true, created_at = least(created_at, :now),"
                        + " duration_ms = floor(extract(epoch from (:now - least(created_at, :now))) * 1000)::bigint,"
                        + " callback_state = case when callback_state = 'PENDING' then 'NONE' else callback_state end,"
                        + " callback_next_at = null where " + condition)
                .param("now", utc(now));
    }

    /** The balance as set, without what tasks cost since: a plain read, taken on every createTask. */
    long balanceAsSet(long startingBalance) {
        return jdbc.sql("select coalesce((select balance from sim_account where id = 1), :b)")
                .param("b", startingBalance)
                .query(Long.class)
                .single();
    }

    /** The balance as set, less the cost of the tasks created since it was set. */
    long balance(long startingBalance) {
        ensureAccount(startingBalance);
        return jdbc.sql("select a.balance - (coalesce((select sum(cost) from sim_task), 0) - a.spent_before)"
                        + " from sim_account a where a.id = 1")
                .query(Long.class)
                .single();
    }

    /** From now on the balance is {@code balance}, less what tasks created from now on cost. */
    void setBalance(long balance) {
        jdbc.sql(
                        "insert into sim_account (id, balance, spent_before)"
                                + " values (1, :b, coalesce((select sum(cost) from sim_task), 0))"
                                + " on conflict (id) do update set balance = excluded.balance, spent_before = excluded.spent_before")
                .param("b", balance)
                .update();
    }

    private void ensureAccount(long startingBalance) {
        jdbc.sql("insert into sim_account (id, balance, spent_before)"
                        + " select 1, :b, coalesce((select sum(cost) from sim_task), 0)"
                        + " where not exists (select 1 from sim_account where id = 1)"
                        + " on conflict (id) do nothing")
                .param("b", startingBalance)
                .update();
    }

    private static SimTask task(ResultSet rs, int row) throws SQLException {
        return new SimTask(
                rs.getString("task_id"),
                rs.getString("model"),
                SimTask.Kind.valueOf(rs.getString("kind")),
                JSON.readTree(rs.getString("input")),
                rs.getString("callback_url"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                Duration.ofMillis(rs.getLong("duration_ms")),
                rs.getBoolean("fails"),
                rs.getInt("callback_attempts"));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
