package dev.renderbank.ops.internal;

import dev.renderbank.ops.OperatorAction;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code operator_action} table. Writes run inside the action's own transaction. */
@Repository
public class AuditLog {

    private static final String COLUMNS =
            "id, actor, action, target, reason, amount, before_state::text as before_state,"
                    + " after_state::text as after_state, idempotency_key, created_at";

    private final JdbcClient jdbc;

    AuditLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Claims this operator's key for this action. Empty when the operator claimed it before: a
     * concurrent claim with the same key waits here for the first transaction, then sees its row.
     */
    public Optional<Long> claim(
            String actor, String action, String target, String reason, Long amount, String key, Instant now) {
        return jdbc.sql("""
                        insert into operator_action (actor, action, target, reason, amount, idempotency_key, created_at)
                        values (:actor, :action, :target, :reason, :amount, :key, :now)
                        on conflict (actor, action, idempotency_key) do nothing
                        returning id""")
                .param("actor", actor)
                .param("action", action)
                .param("target", target)
                .param("reason", reason)
                .param("amount", amount)
                .param("key", key)
                .param("now", Timestamp.from(now))
                .query(Long.class)
                .optional();
    }

    /** Stores the states the action saw and left; exactly one row or the action fails. */
    public void complete(long id, String beforeJson, String afterJson) {
        int n = jdbc.sql("""
                        update operator_action set before_state = cast(:before as jsonb),
                                                   after_state = cast(:after as jsonb)
                         where id = :id""")
                .param("before", beforeJson)
                .param("after", afterJson)
                .param("id", id)
                .update();
        if (n != 1) {
            throw new IllegalStateException("operator action " + id + " vanished while recorded");
        }
    }

    /** The action this operator recorded under this key: keys are scoped to their operator. */
    public Optional<OperatorAction> byKey(String actor, String action, String key) {
        return jdbc.sql("select " + COLUMNS
                        + " from operator_action where actor = :actor and action = :action and idempotency_key = :key")
                .param("actor", actor)
                .param("action", action)
                .param("key", key)
                .query(AuditLog::map)
                .optional();
    }

    public Optional<OperatorAction> byId(long id) {
        return jdbc.sql("select " + COLUMNS + " from operator_action where id = :id")
                .param("id", id)
                .query(AuditLog::map)
                .optional();
    }

    /**
     * Serializes the grants and debt waivers of one operator on one UTC day (a transaction-scoped advisory lock), so
     * that the sum read after it includes every grant that passed the cap before.
     */
    public void lockOperatorDay(String actor, String day) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended(:k, 13))")
                .param("k", "ops-grant:" + actor + ":" + day)
                .query((rs, n) -> 1)
                .list();
    }

    /** Credits this operator granted or forgave in [from, to) (committed, plus the caller's own transaction). */
    public long givenBetween(String actor, Instant from, Instant to) {
        // a grant's amount is what it asked for and got; a waiver's is what it asked for at most (or
        // null: all the debt), so what it forgave is read from its record's after state
        return jdbc.sql("""
                        select coalesce(sum(case when action = 'grant' then amount
                                                 else (after_state ->> 'waived')::bigint end), 0)
                          from operator_action
                         where actor = :actor and action in ('grant', 'waive-debt')
                           and created_at >= :from and created_at < :to""")
                .param("actor", actor)
                .param("from", Timestamp.from(from))
                .param("to", Timestamp.from(to))
                .query(Long.class)
                .single();
    }

    /**
     * The key of this operator's newest record since {@code since} of the same action on the same
     * target, amount and reason, among keys starting with {@code keyPrefix} (keys a command derived).
     */
    public Optional<String> keyOfSame(
            String actor, String action, String target, Long amount, String reason, String keyPrefix, Instant since) {
        return jdbc.sql("""
                        select idempotency_key from operator_action
                         where actor = :actor and action = :action and target = :target
                           and amount is not distinct from :amount and reason is not distinct from :reason
                           and starts_with(idempotency_key, :prefix) and created_at >= :since
                         order by created_at desc limit 1""")
                .param("actor", actor)
                .param("action", action)
                .param("target", target)
                .param("amount", amount)
                .param("reason", reason)
                .param("prefix", keyPrefix)
                .param("since", Timestamp.from(since))
                .query(String.class)
                .optional();
    }

    /** Newest first; each filter is optional (null); [from, to) bounds the time; {@code beforeId} pages. */
    public List<OperatorAction> list(
            String actor, String action, String target, Instant from, Instant to, Long beforeId, int limit) {
        return jdbc.sql("select " + COLUMNS + """
                         from operator_action
                        where (cast(:actor as text) is null or actor = :actor)
                          and (cast(:action as text) is null or action = :action)
                          and (cast(:target as text) is null or target = :target)
                          and created_at >= :from and created_at < :to
                          and id < :before
                        order by id desc limit :limit""")
                .param("actor", actor)
                .param("action", action)
                .param("target", target)
                .param("from", Timestamp.from(from == null ? Instant.EPOCH : from))
                .param("to", Timestamp.from(to == null ? Instant.parse("9999-01-01T00:00:00Z") : to))
                .param("before", beforeId == null ? Long.MAX_VALUE : beforeId)
                .param("limit", limit)
                .query(AuditLog::map)
                .list();
    }

    private static OperatorAction map(ResultSet rs, int n) throws SQLException {
        long amount = rs.getLong("amount");
        Long boxed = rs.wasNull() ? null : amount;
        return new OperatorAction(
                rs.getLong("id"),
                rs.getString("actor"),
                rs.getString("action"),
                rs.getString("target"),
                rs.getString("reason"),
                boxed,
                rs.getString("before_state"),
                rs.getString("after_state"),
                rs.getString("idempotency_key"),
                rs.getObject("created_at", OffsetDateTime.class)
                        .withOffsetSameInstant(ZoneOffset.UTC)
                        .toInstant());
    }
}
