package dev.renderbank.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The ledger's SQL. Every method runs inside the caller's transaction. Balance changes are
 * conditional UPDATEs fused with the INSERT of their entry, so "0 rows" is the whole answer.
 */
@Repository
class LedgerStore {

    private final JdbcClient jdbc;

    LedgerStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    GrantResult grant(
            long userId, long amount, GrantSource source, String key, String reference, String reason, Instant now) {
        ensureAccount(userId);
        Optional<Long> grantId = jdbc.sql("""
                        insert into credit_grant (grant_key, user_id, amount, source, reference, reason, created_at)
                        values (:key, :user, :amount, :source, :reference, :reason, :now)
                        on conflict (grant_key) do nothing
                        returning id""")
                .param("key", key)
                .param("user", userId)
                .param("amount", amount)
                .param("source", source.name())
                .param("reference", reference)
                .param("reason", reason)
                .param("now", ts(now))
                .query(Long.class)
                .optional();
        if (grantId.isEmpty()) {
            return existingGrant(key, userId, amount);
        }
        // Debt is paid first: the lock taken by the CTE makes the read of the old debt exact.
        Long paid = jdbc.sql("""
                        with old as (select user_id, debt from credit_account where user_id = :user for update),
                        upd as (
                            update credit_account a
                               set debt = a.debt - least(old.debt, :amount),
                                   balance = a.balance + :amount - least(old.debt, :amount)
                              from old where a.user_id = old.user_id
                            returning least(old.debt, :amount) as paid)
                        insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta,
                                                  ref_key, source, reason, created_at)
                        select :user, 'GRANT', :amount, :amount - upd.paid, 0, -upd.paid, :key, :source, :reason, :now
                          from upd
                        returning amount - balance_delta""")
                .param("user", userId)
                .param("amount", amount)
                .param("key", key)
                .param("source", source.name())
                .param("reason", reason)
                .param("now", ts(now))
                .query(Long.class)
                .optional()
                .orElseThrow(() -> new IllegalStateException("credit account vanished for user " + userId));
        if (paid > 0) {
            expectOne(
                    jdbc.sql("update credit_grant set paid_debt = :paid where id = :id")
                            .param("paid", paid)
                            .param("id", grantId.get())
                            .update(),
                    "grant debt payment");
        }
        return new GrantResult(grantId.get(), userId, amount, paid, false);
    }

    private GrantResult existingGrant(String key, long userId, long amount) {
        return jdbc.sql("select id, user_id, amount, paid_debt from credit_grant where grant_key = :key")
                .param("key", key)
                .query((rs, n) -> {
                    if (rs.getLong("user_id") != userId || rs.getLong("amount") != amount) {
                        throw new IllegalArgumentException(
                                "grant key " + key + " was already used for a different user or amount");
                    }
                    return new GrantResult(rs.getLong("id"), userId, amount, rs.getLong("paid_debt"), true);
                })
                .single();
    }

    ReserveResult reserve(long userId, long amount, String key, Duration ttl, Instant now) {
        ensureAccount(userId);
        int inserted = jdbc.sql("""
                        insert into credit_hold (hold_key, user_id, amount, state, expires_at, created_at)
                        values (:key, :user, :amount, 'OPEN', :expires, :now)
                        on conflict (hold_key) do nothing""")
                .param("key", key)
                .param("user", userId)
                .param("amount", amount)
                .param("expires", ts(now.plus(ttl)))
                .param("now", ts(now))
                .update();
        if (inserted == 0) {
            Hold existing = hold(key).orElseThrow();
            if (existing.userId() != userId || existing.amount() != amount) {
                throw new IllegalArgumentException(
                        "hold key " + key + " was already used for a different user or amount");
            }
            return new ReserveResult.Reserved(existing, true);
        }
        int held = jdbc.sql("""
                        with upd as (
                            update credit_account set held = held + :amount
                             where user_id = :user and balance - held >= :amount and debt = 0
                            returning user_id)
                        insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta,
                                                  ref_key, created_at)
                        select user_id, 'HOLD', :amount, 0, :amount, 0, :key, :now from upd""")
                .param("user", userId)
                .param("amount", amount)
                .param("key", key)
                .param("now", ts(now))
                .update();
        if (held == 0) {
            Balance b = balance(userId).orElse(Balance.EMPTY);
            return new ReserveResult.InsufficientCredits(amount, b.available(), b.debt());
        }
        return new ReserveResult.Reserved(
                new Hold(key, userId, amount, HoldState.OPEN, null, now.plus(ttl), now), false);
    }

    SettleResult capture(String key, Instant now) {
        Optional<Hold> captured = jdbc.sql("""
                        update credit_hold set state = 'CAPTURED', settled_at = :now
                         where hold_key = :key and state = 'OPEN' and expires_at > :now
                        returning hold_key, user_id, amount, state, reason, expires_at, created_at""")
                .param("key", key)
                .param("now", ts(now))
                .query(LedgerStore::mapHold)
                .optional();
        if (captured.isEmpty()) {
            Optional<Hold> current = hold(key);
            if (current.isEmpty()) {
                return new SettleResult.NotFound(key);
            }
            Hold h = current.get();
            if (h.state() == HoldState.OPEN) {
                // Past its own deadline but not yet swept: it expires now and cannot be charged.
                SettleResult expired = settleOpen(key, HoldState.EXPIRED, "hold deadline passed", now, true);
                return new SettleResult.Refused(expired instanceof SettleResult.Settled s ? s.hold() : h);
            }
            return h.state() == HoldState.CAPTURED ? new SettleResult.Settled(h, true) : new SettleResult.Refused(h);
        }
        Hold h = captured.get();
        moveHeld(h, "CAPTURE", -h.amount(), null, now);
        return new SettleResult.Settled(h, false);
    }

    /** OPEN → RELEASED or EXPIRED; {@code onlyIfDue} guards the expiry sweep against a moved deadline. */
    SettleResult settleOpen(String key, HoldState target, String reason, Instant now, boolean onlyIfDue) {
        Optional<Hold> settled = jdbc.sql("""
                        update credit_hold set state = :target, reason = :reason, settled_at = :now
                         where hold_key = :key and state = 'OPEN' and (not :onlyIfDue or expires_at <= :now)
                        returning hold_key, user_id, amount, state, reason, expires_at, created_at""")
                .param("target", target.name())
                .param("reason", reason)
                .param("key", key)
                .param("now", ts(now))
                .param("onlyIfDue", onlyIfDue)
                .query(LedgerStore::mapHold)
                .optional();
        if (settled.isEmpty()) {
            Optional<Hold> current = hold(key);
            if (current.isEmpty()) {
                return new SettleResult.NotFound(key);
            }
            Hold h = current.get();
            boolean released = h.state() == HoldState.RELEASED || h.state() == HoldState.EXPIRED;
            return released ? new SettleResult.Settled(h, true) : new SettleResult.Refused(h);
        }
        Hold h = settled.get();
        moveHeld(h, target == HoldState.EXPIRED ? "EXPIRE" : "RELEASE", 0, reason, now);
        return new SettleResult.Settled(h, false);
    }

    /** Drops {@code held} by the hold's amount (and {@code balance} by {@code balanceDelta}). */
    private void moveHeld(Hold h, String kind, long balanceDelta, String reason, Instant now) {
        int rows = jdbc.sql("""
                        with upd as (
                            update credit_account set held = held - :amount, balance = balance + :balanceDelta
                             where user_id = :user and held >= :amount
                            returning user_id)
                        insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta,
                                                  ref_key, reason, created_at)
                        select user_id, :kind, :amount, :balanceDelta, -:amount, 0, :key, :reason, :now from upd""")
                .param("amount", h.amount())
                .param("balanceDelta", balanceDelta)
                .param("user", h.userId())
                .param("kind", kind)
                .param("key", h.key())
                .param("reason", reason)
                .param("now", ts(now))
                .update();
        expectOne(rows, kind + " of hold " + h.key());
    }

    ClawbackResult clawback(String grantKey, long amount, String key, String reason, Instant now) {
        Optional<ClawbackResult> repeat = jdbc.sql(
                        "select applied, taken, debt_added from credit_clawback where clawback_key = :key")
                .param("key", key)
                .query((rs, n) -> (ClawbackResult) new ClawbackResult.ClawedBack(
                        rs.getLong("applied"), rs.getLong("taken"), rs.getLong("debt_added"), true))
                .optional();
        if (repeat.isPresent()) {
            return repeat.get();
        }
        // Cap at what is left of the grant, so one charge is clawed back at most once in total.
        record Applied(long grantId, long userId, long applied) {}
        Optional<Applied> applied = jdbc.sql("""
                        with g as (select id, amount - clawed_back as left_ from credit_grant
                                    where grant_key = :grantKey for update)
                        update credit_grant c set clawed_back = c.clawed_back + least(g.left_, :amount)
                          from g where c.id = g.id
                        returning c.id, c.user_id, least(g.left_, :amount) as applied""")
                .param("grantKey", grantKey)
                .param("amount", amount)
                .query((rs, n) -> new Applied(rs.getLong("id"), rs.getLong("user_id"), rs.getLong("applied")))
                .optional();
        if (applied.isEmpty()) {
            return new ClawbackResult.GrantNotFound(grantKey);
        }
        Applied a = applied.get();
        long taken = 0;
        if (a.applied() > 0) {
            taken = jdbc.sql("""
                            with old as (select user_id, balance - held as available from credit_account
                                          where user_id = :user for update),
                            upd as (
                                update credit_account c
                                   set balance = c.balance - least(old.available, :amount),
                                       debt = c.debt + :amount - least(old.available, :amount)
                                  from old where c.user_id = old.user_id
                                returning least(old.available, :amount) as taken)
                            insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta,
                                                      ref_key, reason, created_at)
                            select :user, 'CLAWBACK', :amount, -upd.taken, 0, :amount - upd.taken, :key, :reason, :now
                              from upd
                            returning -balance_delta""")
                    .param("user", a.userId())
                    .param("amount", a.applied())
                    .param("key", key)
                    .param("reason", reason)
                    .param("now", ts(now))
                    .query(Long.class)
                    .single();
        }
        long debtAdded = a.applied() - taken;
        jdbc.sql("""
                        insert into credit_clawback (clawback_key, grant_id, user_id, requested, applied, taken,
                                                     debt_added, reason, created_at)
                        values (:key, :grant, :user, :requested, :applied, :taken, :debt, :reason, :now)""")
                .param("key", key)
                .param("grant", a.grantId())
                .param("user", a.userId())
                .param("requested", amount)
                .param("applied", a.applied())
                .param("taken", taken)
                .param("debt", debtAdded)
                .param("reason", reason)
                .param("now", ts(now))
                .update();
        return new ClawbackResult.ClawedBack(a.applied(), taken, debtAdded, false);
    }

    List<String> openHoldsDue(Instant now, int limit) {
        return jdbc.sql("""
                        select hold_key from credit_hold where state = 'OPEN' and expires_at <= :now
                         order by expires_at limit :limit""")
                .param("now", ts(now))
                .param("limit", limit)
                .query(String.class)
                .list();
    }

    Optional<Balance> balance(long userId) {
        return jdbc.sql("select balance, held, debt from credit_account where user_id = :user")
                .param("user", userId)
                .query((rs, n) -> new Balance(rs.getLong("balance"), rs.getLong("held"), rs.getLong("debt")))
                .optional();
    }

    Optional<Hold> hold(String key) {
        return jdbc.sql("""
                        select hold_key, user_id, amount, state, reason, expires_at, created_at
                          from credit_hold where hold_key = :key""").param("key", key).query(LedgerStore::mapHold).optional();
    }

    List<LedgerEntry> history(long userId, long beforeId, int limit) {
        return jdbc.sql("""
                        select id, kind, amount, balance_delta, held_delta, debt_delta, ref_key, source, reason, created_at
                          from ledger_entry where user_id = :user and id < :before
                         order by id desc limit :limit""")
                .param("user", userId)
                .param("before", beforeId)
                .param("limit", limit)
                .query((rs, n) -> new LedgerEntry(
                        rs.getLong("id"),
                        rs.getString("kind"),
                        rs.getLong("amount"),
                        rs.getLong("balance_delta"),
                        rs.getLong("held_delta"),
                        rs.getLong("debt_delta"),
                        rs.getString("ref_key"),
                        rs.getString("source"),
                        rs.getString("reason"),
                        instant(rs, "created_at")))
                .list();
    }

    HoldsSummary holdsSummary(Instant now) {
        return jdbc.sql("""
                        select count(*) as holds, coalesce(sum(amount), 0) as credits, count(distinct user_id) as users,
                               count(*) filter (where expires_at <= :now) as overdue
                          from credit_hold where state = 'OPEN'""")
                .param("now", ts(now))
                .query((rs, n) -> new HoldsSummary(
                        rs.getLong("holds"), rs.getLong("credits"), rs.getLong("users"), rs.getLong("overdue")))
                .single();
    }

    InvariantReport checkInvariants() {
        List<String> violations = new ArrayList<>();
        jdbc.sql("""
                        select a.user_id, a.balance, a.held, a.debt,
                               coalesce(e.b, 0) as eb, coalesce(e.h, 0) as eh, coalesce(e.d, 0) as ed,
                               coalesce(o.h, 0) as oh
                          from credit_account a
                          left join (select user_id, sum(balance_delta) b, sum(held_delta) h, sum(debt_delta) d
                                       from ledger_entry group by user_id) e on e.user_id = a.user_id
                          left join (select user_id, sum(amount) h from credit_hold where state = 'OPEN'
                                      group by user_id) o on o.user_id = a.user_id
                         where a.balance <> coalesce(e.b, 0) or a.held <> coalesce(e.h, 0)
                            or a.debt <> coalesce(e.d, 0) or a.held <> coalesce(o.h, 0) or a.held > a.balance""")
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
                .list()
                .forEach(violations::add);
        long orphanEntries = jdbc.sql("select count(*) from ledger_entry e where not exists "
                        + "(select 1 from credit_account a where a.user_id = e.user_id)")
                .query(Long.class)
                .single();
        if (orphanEntries > 0) {
            violations.add(orphanEntries + " ledger entries belong to no account");
        }
        long accounts = jdbc.sql("select count(*) from credit_account")
                .query(Long.class)
                .single();
        return new InvariantReport(accounts, List.copyOf(violations));
    }

    void ensureAccount(long userId) {
        jdbc.sql("insert into credit_account (user_id) values (:user) on conflict (user_id) do nothing")
                .param("user", userId)
                .update();
    }

    private static void expectOne(int rows, String what) {
        if (rows != 1) {
            // Not an expected outcome: the books would no longer balance, so the transaction must roll back.
            throw new IllegalStateException(what + " changed " + rows + " rows, expected 1");
        }
    }

    private static Hold mapHold(ResultSet rs, int n) throws SQLException {
        return new Hold(
                rs.getString("hold_key"),
                rs.getLong("user_id"),
                rs.getLong("amount"),
                HoldState.valueOf(rs.getString("state")),
                rs.getString("reason"),
                instant(rs, "expires_at"),
                instant(rs, "created_at"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static OffsetDateTime ts(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
