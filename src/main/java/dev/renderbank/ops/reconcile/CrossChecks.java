package dev.renderbank.ops.reconcile;

import static dev.renderbank.platform.SqlTime.ts;

import dev.renderbank.ops.FindingKind;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The checks that join two modules' books: holds against jobs, purchases against grants, succeeded
 * jobs against captures and assets. They read other modules' tables, read-only and one statement
 * per check, because a difference between two modules is exactly what each module's facade cannot
 * see (each answers for its own rows, at its own moment). Nothing here writes.
 *
 * <p>Rows younger than {@code settle} are left out: a job and its hold change in separate steps, so
 * a row caught between them is not a difference.
 */
@Repository
public class CrossChecks {

    /**
     * At most this many findings per check and run that count (not acknowledged), the newest first:
     * a new difference is never hidden behind old ones nobody can clear, and what an operator has
     * dealt with and acknowledged takes no place among them (it is listed besides).
     */
    static final int SHOWN = 50;

    private static final String LIVE = "('RESERVED', 'SUBMITTED', 'RUNNING', 'UNKNOWN')";

    private final JdbcClient jdbc;

    CrossChecks(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Each check reads its {@link #SHOWN} newest rows and as many more as findings are acknowledged
     * (each acknowledged row takes at most one of them), so that it has its newest {@link #SHOWN}
     * findings that count, whatever was acknowledged.
     */
    public List<Found> run(Instant settledBefore, Acknowledgements acks) {
        int rows = SHOWN + acks.size();
        List<Found> found = new ArrayList<>();
        found.addAll(acks.shown(holdsWithoutJobs(settledBefore, rows), SHOWN));
        found.addAll(acks.shown(jobsWithoutHolds(settledBefore, rows), SHOWN));
        found.addAll(acks.shown(purchasesShortOfGrants(settledBefore, rows), SHOWN));
        found.addAll(acks.shown(grantsWithoutPurchases(rows), SHOWN));
        found.addAll(acks.shown(succeededJobs(settledBefore, rows), SHOWN));
        found.addAll(acks.shown(capturesNotDue(settledBefore, rows), SHOWN));
        return found;
    }

    /**
     * When a job's difference arose: a finished job's last change (its completion, or the operator's
     * or sweeper's finishing), newest first; the id orders jobs of the same moment.
     */
    private static final String NEWEST_JOBS = "order by coalesce(j.completed_at, j.updated_at) desc, j.id desc";

    private List<Found> holdsWithoutJobs(Instant settled, int rows) {
        return jdbc.sql("""
                        select h.hold_key, h.user_id, h.amount, h.created_at, j.state as job_state
                          from credit_hold h left join generation_job j on j.id = h.hold_key
                         where h.state = 'OPEN' and h.created_at < :settled
                           and (j.id is null or j.state not in %s and j.updated_at < :settled)
                         order by h.created_at desc, h.hold_key desc limit :shown""".formatted(LIVE))
                .param("settled", ts(settled))
                .param("shown", rows)
                .query((rs, n) -> Found.of(
                        FindingKind.HOLD_WITHOUT_JOB,
                        "hold:" + rs.getString("hold_key"),
                        row(rs, "hold_key", "user_id", "amount", "created_at", "job_state")))
                .list();
    }

    private List<Found> jobsWithoutHolds(Instant settled, int rows) {
        return jdbc.sql("""
                        select j.id, j.user_id, j.state, j.price, j.created_at, h.state as hold_state
                          from generation_job j left join credit_hold h on h.hold_key = j.id
                         where j.state in %s and j.created_at < :settled
                           and (h.hold_key is null or h.state <> 'OPEN')
                         order by j.created_at desc, j.id desc limit :shown""".formatted(LIVE))
                .param("settled", ts(settled))
                .param("shown", rows)
                .query((rs, n) -> Found.of(
                        FindingKind.JOB_WITHOUT_HOLD,
                        "job:" + rs.getString("id"),
                        row(rs, "id", "user_id", "state", "price", "created_at", "hold_state")))
                .list();
    }

    /**
     * A pack has one grant under its purchase key; a plan's period its first month at once and each
     * later month once it starts (a month due for longer than the settle time is missing); every
     * grant billing recorded is in the ledger.
     */
    private List<Found> purchasesShortOfGrants(Instant settled, int rows) {
        return jdbc.sql("""
                        select p.id, p.purchase_key, p.user_id, p.product, p.credits, p.granted, p.created_at,
                               sp.months, sp.months_granted, sp.next_grant_at,
                               (select string_agg(g.grant_key, ' ') from billing_purchase_grant g
                                 where g.purchase_id = p.id
                                   and not exists (select 1 from credit_grant c where c.grant_key = g.grant_key))
                                 as not_in_ledger
                          from billing_purchase p
                          left join billing_subscription_period sp on sp.purchase_id = p.id
                         where p.created_at < :settled
                           and (sp.purchase_id is null
                                  and not exists (select 1 from billing_purchase_grant g
                                                   where g.purchase_id = p.id and g.grant_key = p.purchase_key)
                                or sp.purchase_id is not null
                                  and (sp.months_granted = 0 or sp.next_grant_at < :settled)
                                or exists (select 1 from billing_purchase_grant g
                                            where g.purchase_id = p.id
                                              and not exists (select 1 from credit_grant c
                                                               where c.grant_key = g.grant_key)))
                         order by p.id desc limit :shown""")
                .param("settled", ts(settled))
                .param("shown", rows)
                .query((rs, n) -> Found.of(
                        FindingKind.PURCHASE_GRANT_MISSING,
                        "purchase:" + rs.getLong("id"),
                        row(
                                rs,
                                "purchase_key",
                                "user_id",
                                "product",
                                "credits",
                                "granted",
                                "created_at",
                                "months",
                                "months_granted",
                                "next_grant_at",
                                "not_in_ledger")))
                .list();
    }

    private List<Found> grantsWithoutPurchases(int rows) {
        return jdbc.sql("""
                        select c.grant_key, c.user_id, c.amount, c.source, c.reference, c.created_at
                          from credit_grant c
                         where c.source in ('PURCHASE', 'SUBSCRIPTION')
                           and not exists (select 1 from billing_purchase_grant g where g.grant_key = c.grant_key)
                         order by c.id desc limit :shown""")
                .param("shown", rows)
                .query((rs, n) -> Found.of(
                        FindingKind.GRANT_WITHOUT_PURCHASE,
                        "grant:" + rs.getString("grant_key"),
                        row(rs, "grant_key", "user_id", "amount", "source", "reference", "created_at")))
                .list();
    }

    /** The job's CAPTURE entries, counted once per job for both the evidence and the condition. */
    private static final String CAPTURES =
            "select count(*) as captures from ledger_entry e where e.ref_key = j.id and e.kind = 'CAPTURE'";

    /**
     * A late delivery (its hold had expired) is delivered free, so it has no capture by design; a
     * deleted account's files and their rows are removed by the deletion (its limit rows closed
     * first) while its jobs stay for the books, so its jobs have no asset by design.
     */
    private List<Found> succeededJobs(Instant settled, int rows) {
        return jdbc
                .sql("""
                        select j.id, j.user_id, j.price, j.credits_charged, j.completed_at, j.late_delivery,
                               c.captures, x.has_asset, x.account_deleted
                          from generation_job j
                          cross join lateral (""" + CAPTURES + """
                               ) c
                          cross join lateral (
                               select exists (select 1 from generation_asset a where a.job_id = j.id) as has_asset,
                                      exists (select 1 from generation_limit l
                                               where l.user_id = j.user_id and l.closed) as account_deleted) x
                         where j.state = 'SUCCEEDED' and j.updated_at < :settled
                           and (not j.late_delivery and c.captures <> 1
                                or not x.has_asset and not x.account_deleted)
                         """ + NEWEST_JOBS + " limit :shown")
                .param("settled", ts(settled))
                .param("shown", rows)
                .query((rs, n) -> {
                    Map<String, Object> evidence = row(
                            rs, "id", "user_id", "price", "credits_charged", "completed_at", "captures", "has_asset");
                    String subject = "job:" + rs.getString("id");
                    List<Found> both = new ArrayList<>();
                    if (!rs.getBoolean("has_asset") && !rs.getBoolean("account_deleted")) {
                        both.add(Found.of(FindingKind.JOB_ASSET_MISSING, subject, evidence));
                    }
                    if (rs.getLong("captures") != 1 && !rs.getBoolean("late_delivery")) {
                        both.add(Found.of(FindingKind.JOB_CAPTURE_MISSING, subject, evidence));
                    }
                    return both;
                })
                .list()
                .stream()
                .flatMap(List::stream)
                .toList();
    }

    /**
     * The user never pays for a job reported failed, nor for a late delivery (its hold had expired: it
     * is delivered free): such a job with a capture was finished twice, or charged on a path that
     * should have released (the original's status route and cron both finalising one job).
     */
    private List<Found> capturesNotDue(Instant settled, int rows) {
        return jdbc.sql("""
                        select j.id, j.user_id, j.state, j.price, j.credits_charged, j.late_delivery, j.completed_at,
                               c.captures
                          from generation_job j
                          cross join lateral (""" + CAPTURES + """
                               ) c
                         where (j.state = 'FAILED' or j.state = 'SUCCEEDED' and j.late_delivery)
                           and j.updated_at < :settled
                           and c.captures > 0
                         """ + NEWEST_JOBS + " limit :shown")
                .param("settled", ts(settled))
                .param("shown", rows)
                .query((rs, n) -> Found.of(
                        FindingKind.JOB_CAPTURE_NOT_DUE,
                        "job:" + rs.getString("id"),
                        row(
                                rs,
                                "id",
                                "user_id",
                                "state",
                                "price",
                                "credits_charged",
                                "late_delivery",
                                "completed_at",
                                "captures")))
                .list();
    }

    private static Map<String, Object> row(ResultSet rs, String... columns) throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String c : columns) {
            Object v = rs.getObject(c);
            m.put(c, v instanceof java.time.temporal.Temporal || v instanceof java.sql.Timestamp ? v.toString() : v);
        }
        return m;
    }
}
