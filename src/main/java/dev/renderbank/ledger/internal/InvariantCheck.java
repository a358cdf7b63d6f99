package dev.renderbank.ledger.internal;

import dev.renderbank.ledger.InvariantReport;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The books balance: each account equals the sum of its entries and its open holds, no account is
 * overdrawn, every hold has exactly one HOLD entry and (once settled) exactly one matching
 * settlement entry that moved what the hold says, every grant has one GRANT entry and its clawbacks
 * add up, every clawback that applied something has one CLAWBACK entry, each account's debt is what
 * its clawbacks still owe, and every grant, clawback, debt payment, forfeit or waiver entry matches
 * the record that explains it (no credits from nowhere). Each
 * check is one statement, so it sees one consistent snapshot even while the ledger is busy.
 */
@Repository
public class InvariantCheck {

    private static final int SHOWN = 50;

    private final JdbcClient jdbc;

    public InvariantCheck(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public InvariantReport run() {
        List<String> violations = new ArrayList<>();
        violations.addAll(accounts());
        violations.addAll(holds());
        violations.addAll(grants());
        violations.addAll(clawbacks());
        violations.addAll(debtAttribution());
        violations.addAll(unexplainedEntries());
        long orphanEntries = jdbc.sql("""
                        select count(*) from ledger_entry e
                         where not exists (select 1 from credit_account a where a.user_id = e.user_id)""").query(Long.class).single();
        if (orphanEntries > 0) {
            violations.add(orphanEntries + " ledger entries belong to no account");
        }
        long orphanHolds = jdbc.sql("""
                        select count(*) from credit_hold h
                         where not exists (select 1 from credit_account a where a.user_id = h.user_id)""").query(Long.class).single();
        if (orphanHolds > 0) {
            violations.add(orphanHolds + " holds belong to no account");
        }
        long orphanHoldEntries = jdbc.sql("""
                        select count(*) from ledger_entry e
                         where e.kind in ('HOLD', 'CAPTURE', 'RELEASE', 'EXPIRE')
                           and not exists (select 1 from credit_hold h
                                            where h.hold_key = e.ref_key and h.user_id = e.user_id)""").query(Long.class).single();
        if (orphanHoldEntries > 0) {
            violations.add(orphanHoldEntries + " hold entries belong to no hold");
        }
        long orphanGrants = jdbc.sql("""
                        select (select count(*) from credit_grant g
                                 where not exists (select 1 from credit_account a where a.user_id = g.user_id))
                             + (select count(*) from credit_clawback c
                                 where not exists (select 1 from credit_grant g where g.id = c.grant_id))""").query(Long.class).single();
        if (orphanGrants > 0) {
            violations.add(orphanGrants + " grants or clawbacks belong to no account or grant");
        }
        long accounts = jdbc.sql("select count(*) from credit_account")
                .query(Long.class)
                .single();
        return new InvariantReport(accounts, List.copyOf(violations));
    }

    private List<String> accounts() {
        return jdbc.sql("""
                        select a.user_id, a.balance, a.held, a.debt,
                               coalesce(e.b, 0) as eb, coalesce(e.h, 0) as eh, coalesce(e.d, 0) as ed,
                               coalesce(o.h, 0) as oh
                          from credit_account a
                          left join (select user_id, sum(balance_delta) b, sum(held_delta) h, sum(debt_delta) d
                                       from ledger_entry group by user_id) e on e.user_id = a.user_id
                          left join (select user_id, sum(amount) h from credit_hold where state = 'OPEN'
                                      group by user_id) o on o.user_id = a.user_id
                         where a.balance <> coalesce(e.b, 0) or a.held <> coalesce(e.h, 0)
                            or a.debt <> coalesce(e.d, 0) or a.held <> coalesce(o.h, 0)
                            or a.held > a.balance or a.held < 0 or a.debt < 0
                         limit :shown""")
                .param("shown", SHOWN)
                .query((rs, n) ->
                        "user %d: balance=%d held=%d debt=%d, entries say balance=%d held=%d debt=%d, open holds=%d"
                                .formatted(
                                        rs.getLong("user_id"),
                                        rs.getLong("balance"),
                                        rs.getLong("held"),
                                        rs.getLong("debt"),
                                        rs.getLong("eb"),
                                        rs.getLong("eh"),
                                        rs.getLong("ed"),
                                        rs.getLong("oh")))
                .list();
    }

    private List<String> holds() {
        return jdbc.sql("""
                        select h.hold_key, h.state, coalesce(e.holds, 0) as holds,
                               coalesce(e.settlements, 0) as settlements, coalesce(e.matching, 0) as matching
                          from credit_hold h
                          left join lateral (
                               select count(*) filter (where kind = 'HOLD' and amount = h.amount
                                                         and user_id = h.user_id and balance_delta = 0
                                                         and held_delta = h.amount and debt_delta = 0) as holds,
                                      count(*) filter (where kind <> 'HOLD') as settlements,
                                      -- matching: its kind, amount and user, and what it moved: the hold's
                                      -- amount off held, and off the balance for a capture only
                                      count(*) filter (where kind = case h.state when 'CAPTURED' then 'CAPTURE'
                                          when 'RELEASED' then 'RELEASE' when 'EXPIRED' then 'EXPIRE' end
                                          and amount = h.amount and user_id = h.user_id
                                          and held_delta = -h.amount and debt_delta = 0
                                          and balance_delta = case h.state when 'CAPTURED' then -h.amount else 0 end)
                                          as matching
                                 from ledger_entry
                                -- by key only: one index lookup per hold whatever the planner thinks of users
                                where ref_key = h.hold_key and kind in ('HOLD', 'CAPTURE', 'RELEASE', 'EXPIRE')) e
                               on true
                         where coalesce(e.holds, 0) <> 1
                            or coalesce(e.settlements, 0) <> case when h.state = 'OPEN' then 0 else 1 end
                            or coalesce(e.matching, 0) <> case when h.state = 'OPEN' then 0 else 1 end
                         limit :shown""")
                .param("shown", SHOWN)
                .query((rs, n) -> "hold %s (%s): %d hold entries, %d settlement entries, %d matching its state"
                        .formatted(
                                rs.getString("hold_key"),
                                rs.getString("state"),
                                rs.getLong("holds"),
                                rs.getLong("settlements"),
                                rs.getLong("matching")))
                .list();
    }

    private List<String> grants() {
        return jdbc.sql("""
                        select g.grant_key, g.clawed_back, e.n as entries, coalesce(c.s, 0) as clawbacks
                          from credit_grant g
                          cross join lateral (
                               select count(*) filter (where user_id = g.user_id and amount = g.amount) as n
                                 from ledger_entry where ref_key = g.grant_key and kind = 'GRANT') e
                          left join (select grant_id, sum(applied) s from credit_clawback
                                      where carried_from is null group by grant_id) c
                               on c.grant_id = g.id
                         where e.n <> 1 or coalesce(c.s, 0) <> g.clawed_back
                         limit :shown""")
                .param("shown", SHOWN)
                .query((rs, n) -> "grant %s: %d grant entries, clawed back %d but clawbacks add up to %d"
                        .formatted(
                                rs.getString("grant_key"),
                                rs.getLong("entries"),
                                rs.getLong("clawed_back"),
                                rs.getLong("clawbacks")))
                .list();
    }

    /**
     * Every clawback that applied something has exactly one CLAWBACK entry (one that applied nothing,
     * a grant clawed back in full before, has none): the entry check above explains each entry by its
     * clawback, this one each clawback by its entry, so one missing or written twice is found too.
     */
    private List<String> clawbacks() {
        return jdbc.sql("""
                        select c.clawback_key, c.applied, e.n from credit_clawback c
                         cross join lateral (
                              select count(*) as n from ledger_entry
                               where ref_key = c.clawback_key and kind = 'CLAWBACK') e
                         where e.n <> case when c.applied > 0 then 1 else 0 end
                         limit :shown""")
                .param("shown", SHOWN)
                .query((rs, n) -> "clawback %s applied %d with %d CLAWBACK entries"
                        .formatted(rs.getString("clawback_key"), rs.getLong("applied"), rs.getLong("n")))
                .list();
    }

    /**
     * Each account's debt is what its clawbacks still owe, and what they record as paid, waived and
     * restored adds up to what the grants and the credits that came free paid ({@link FreedCredits}),
     * the waivers forgave and the give-backs counted as forgiven ({@link DebtAttribution}).
     */
    private List<String> debtAttribution() {
        return jdbc.sql("""
                        select a.user_id, a.debt, coalesce(c.owed, 0) as owed,
                               coalesce(g.paid, 0) + coalesce(f.paid, 0) as grants_paid, coalesce(c.paid, 0) as paid,
                               coalesce(w.waived, 0) as waivers, coalesce(c.waived, 0) as waived,
                               coalesce(g.forgiven, 0) as forgiven, coalesce(c.restored, 0) as restored
                          from credit_account a
                          left join (select user_id, sum(debt_added - debt_paid - debt_waived) as owed,
                                            sum(debt_paid) as paid, sum(debt_waived) as waived,
                                            sum(waiver_restored) as restored
                                       from credit_clawback where debt_added > 0 group by user_id) c
                               on c.user_id = a.user_id
                          left join (select user_id, sum(paid_debt) as paid, sum(forgiven) as forgiven
                                       from credit_grant where paid_debt > 0 or forgiven > 0 group by user_id) g
                               on g.user_id = a.user_id
                          left join (select user_id, sum(waived) as waived from debt_waiver
                                      where waived > 0 group by user_id) w
                               on w.user_id = a.user_id
                          left join (select user_id, sum(amount) as paid from ledger_entry
                                      where kind = 'DEBT_PAID' group by user_id) f
                               on f.user_id = a.user_id
                         where a.debt <> coalesce(c.owed, 0)
                            or coalesce(g.paid, 0) + coalesce(f.paid, 0) <> coalesce(c.paid, 0)
                            or coalesce(w.waived, 0) <> coalesce(c.waived, 0)
                            or coalesce(g.forgiven, 0) <> coalesce(c.restored, 0)
                         limit :shown""")
                .param("shown", SHOWN)
                .query((rs, n) ->
                        ("user %d: debt=%d but its clawbacks owe %d; grants and freed credits paid %d of debt, clawbacks"
                                        + " record %d paid; waivers forgave %d, clawbacks record %d waived; give-backs"
                                        + " counted %d as forgiven, clawbacks record %d restored")
                                .formatted(
                                        rs.getLong("user_id"),
                                        rs.getLong("debt"),
                                        rs.getLong("owed"),
                                        rs.getLong("grants_paid"),
                                        rs.getLong("paid"),
                                        rs.getLong("waivers"),
                                        rs.getLong("waived"),
                                        rs.getLong("forgiven"),
                                        rs.getLong("restored")))
                .list();
    }

    /**
     * Grant, clawback, debt payment and waiver entries that no grant, clawback, hold that came free or
     * waiver row explains, amounts included.
     */
    private List<String> unexplainedEntries() {
        return jdbc.sql("""
                        select e.kind, e.ref_key, e.user_id, e.amount from ledger_entry e
                         where e.kind = 'GRANT' and not exists (
                                   select 1 from credit_grant g
                                    where g.grant_key = e.ref_key and g.user_id = e.user_id and g.amount = e.amount
                                      and e.balance_delta = g.amount - g.paid_debt - g.forgiven and e.held_delta = 0
                                      and e.debt_delta = -g.paid_debt)
                            or e.kind = 'CLAWBACK' and not exists (
                                   select 1 from credit_clawback c
                                    where c.clawback_key = e.ref_key and c.user_id = e.user_id and c.applied = e.amount
                                      and e.balance_delta = -c.taken and e.held_delta = 0 and e.debt_delta = c.debt_added)
                            or e.kind = 'DEBT_PAID' and not (
                                   e.amount > 0 and e.balance_delta = -e.amount and e.held_delta = 0
                                   and e.debt_delta = -e.amount and exists (
                                       select 1 from credit_hold h
                                        where h.hold_key = e.ref_key and h.user_id = e.user_id
                                          and h.state in ('RELEASED', 'EXPIRED')))
                            or e.kind = 'FORFEIT' and not (
                                   e.amount >= 0 and e.balance_delta = -e.amount and e.held_delta = 0
                                   and e.debt_delta = 0)
                            or e.kind = 'DEBT_WAIVED' and not exists (
                                   select 1 from debt_waiver w
                                    where w.waiver_key = e.ref_key and w.user_id = e.user_id and w.waived = e.amount
                                      and e.balance_delta = 0 and e.held_delta = 0 and e.debt_delta = -w.waived)
                         limit :shown""")
                .param("shown", SHOWN)
                .query((rs, n) -> "%s entry %s of user %d (amount %d) matches no %s"
                        .formatted(
                                rs.getString("kind"),
                                rs.getString("ref_key"),
                                rs.getLong("user_id"),
                                rs.getLong("amount"),
                                switch (rs.getString("kind")) {
                                    case "GRANT" -> "grant";
                                    case "CLAWBACK" -> "clawback";
                                    case "DEBT_PAID" -> "released or expired hold";
                                    case "FORFEIT" -> "forfeit";
                                    default -> "waiver";
                                }))
                .list();
    }
}
