package dev.renderbank.ledger.internal;

import static dev.renderbank.ledger.internal.Columns.ts;
import static dev.renderbank.platform.Rows.expectOne;

import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.Hold;
import dev.renderbank.ledger.HoldState;
import dev.renderbank.ledger.ReserveResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Holds: reserve, capture, release, expire. The common path of each step is one statement (hold
 * row, conditional account update and entry fused with data-modifying CTEs) that is atomic on its
 * own, so outside a caller's transaction it runs in autocommit: one round trip, and the account
 * row stays locked only for that statement and its commit. The statements are written with named
 * parameters and sent in positional form ({@link PositionalSql}), so an execution does not re-parse them.
 */
@Repository
public class HoldStore {

    /**
     * How a settlement moves a hold and the account. The deadline guard is part of the statement,
     * and so is the check that the account moved with the hold: in autocommit a check after the
     * statement would come after its commit, so {@code ledger_expect} fails the statement itself.
     */
    public enum Settlement {
        CAPTURE(HoldState.CAPTURED, "CAPTURE", 1, "expires_at > :now"),
        RELEASE(HoldState.RELEASED, "RELEASE", 0, "true"),
        EXPIRE(HoldState.EXPIRED, "EXPIRE", 0, "expires_at <= :now");

        final HoldState target;
        final String entryKind;
        final long charge;
        final PositionalSql sql;

        Settlement(HoldState target, String entryKind, long charge, String deadlineGuard) {
            this.target = target;
            this.entryKind = entryKind;
            this.charge = charge;
            this.sql =
                    PositionalSql.of("""
                    with h as (
                        update credit_hold set state = :target, reason = :reason, settled_at = :now
                         where hold_key = :key and state = 'OPEN' and %s
                        returning hold_key, user_id, amount, state, reason, expires_at, created_at),
                    upd as (
                        -- no condition here: the account's CHECK constraints refuse held < 0 and
                        -- held > balance, and a refusal aborts the whole statement, hold row included
                        update credit_account a set held = a.held - h.amount, balance = a.balance - h.amount * :charge
                          from h where a.user_id = h.user_id
                        returning a.user_id),
                    e as (
                        insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta,
                                                  ref_key, reason, created_at)
                        select h.user_id, :kind, h.amount, -h.amount * :charge, -h.amount, 0, h.hold_key, h.reason, :now
                          from h, upd)
                    select h.* from h
                     where ledger_expect((select count(*) from upd) = 1,
                                         'hold ' || h.hold_key || ' was not settled: its account did not move')""".formatted(deadlineGuard), "target", "reason", "key", "now", "charge", "kind");
        }
    }

    /**
     * Reserve on its own (autocommit): the account update comes first and the hold insert has no
     * ON CONFLICT, so a repeated key aborts the whole statement and nothing is written. The update
     * gives the transaction its id before the insert takes the hold's number, as the expiry sweep's
     * mark needs ({@link OpenHolds}).
     */
    private static final PositionalSql RESERVE_ALONE = PositionalSql.of("""
            with upd as (
                update credit_account set held = held + :amount
                 where user_id = :user and balance - held >= :amount and debt = 0
                returning user_id),
            h as (
                insert into credit_hold (hold_key, user_id, amount, state, expires_at, created_at)
                select :key, user_id, :amount, 'OPEN', :expires, :now from upd
                returning user_id),
            e as (
                insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta, ref_key, created_at)
                select user_id, 'HOLD', :amount, 0, :amount, 0, :key, :now from h)
            select count(*) from h""", "key", "user", "amount", "expires", "now");

    /**
     * Reserve inside a caller's transaction, where an error would poison the caller's work: the
     * hold row claims the key first (a repeat is a quiet conflict), a refusal deletes it again.
     *
     * <p>{@code pg_current_xact_id()} gives the transaction its id before the insert takes the hold's
     * number (the row's filter runs before its values are made), as the expiry sweep's mark needs
     * ({@link OpenHolds}): a caller's transaction that wrote nothing yet would otherwise get its id
     * only when the row is written, after the number, and while it waits on a concurrent insert of
     * the same key it would hold a number without an id.
     */
    private static final PositionalSql RESERVE_IN_TRANSACTION =
            PositionalSql.of("""
            with h as (
                insert into credit_hold (hold_key, user_id, amount, state, expires_at, created_at)
                select :key, a.user_id, :amount, 'OPEN', :expires, :now from credit_account a
                 where a.user_id = :user and pg_current_xact_id() is not null
                on conflict (hold_key) do nothing
                returning hold_key),
            upd as (
                update credit_account a set held = a.held + :amount
                  from h where a.user_id = :user and a.balance - a.held >= :amount and a.debt = 0
                returning a.user_id),
            e as (
                insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta, ref_key, created_at)
                select user_id, 'HOLD', :amount, 0, :amount, 0, :key, :now from upd)
            select (select count(*) from h) as inserted, (select count(*) from upd) as held""", "key", "user", "amount", "expires", "now");

    private final JdbcClient jdbc;
    private final LedgerStore accounts;

    public HoldStore(JdbcClient jdbc, LedgerStore accounts) {
        this.jdbc = jdbc;
        this.accounts = accounts;
    }

    /** One autocommit statement; must not run inside a transaction (a repeat raises and is caught). */
    public ReserveResult reserveAlone(long userId, long amount, String key, Duration ttl, Instant now) {
        long held;
        try {
            held = RESERVE_ALONE
                    .on(jdbc, key, userId, amount, ts(now.plus(ttl)), ts(now))
                    .query(Long.class)
                    .single();
        } catch (DuplicateKeyException e) {
            return repeated(key, userId, amount).orElseThrow(() -> e);
        }
        if (held == 1) {
            return new ReserveResult.Reserved(
                    new Hold(key, userId, amount, HoldState.OPEN, null, now.plus(ttl), now), false);
        }
        // Refused, or a repeat of a reservation the account could not afford again: the key decides.
        return repeated(key, userId, amount).orElseGet(() -> insufficient(userId, amount));
    }

    public ReserveResult reserveInTransaction(long userId, long amount, String key, Duration ttl, Instant now) {
        record Outcome(long inserted, long held) {}
        Outcome o = RESERVE_IN_TRANSACTION
                .on(jdbc, key, userId, amount, ts(now.plus(ttl)), ts(now))
                .query((rs, n) -> new Outcome(rs.getLong("inserted"), rs.getLong("held")))
                .single();
        if (o.inserted() == 1 && o.held() == 1) {
            return new ReserveResult.Reserved(
                    new Hold(key, userId, amount, HoldState.OPEN, null, now.plus(ttl), now), false);
        }
        if (o.inserted() == 1) {
            // Refused: take back the hold row written by this same statement, so nothing of the
            // refusal survives and a caller's surrounding transaction is not poisoned.
            expectOne(
                    jdbc.sql("delete from credit_hold where hold_key = :key and state = 'OPEN'")
                            .param("key", key)
                            .update(),
                    "withdrawing refused hold " + key);
            return insufficient(userId, amount);
        }
        // A conflict (repeat), or no account to hold against.
        return repeated(key, userId, amount).orElseGet(() -> insufficient(userId, amount));
    }

    private Optional<ReserveResult> repeated(String key, long userId, long amount) {
        return hold(key).map(h -> {
            if (h.userId() != userId || h.amount() != amount) {
                throw new IllegalArgumentException(
                        "hold key " + key + " was already used for a different user or amount");
            }
            return new ReserveResult.Reserved(h, true);
        });
    }

    private ReserveResult insufficient(long userId, long amount) {
        Balance b = accounts.balance(userId).orElse(Balance.EMPTY);
        return new ReserveResult.InsufficientCredits(amount, b.available(), b.debt());
    }

    /** Moves an OPEN hold to the settlement's state, or explains why it is not (repeat, refusal). */
    public SettleResult settle(String key, Settlement s, String reason, Instant now) {
        Optional<Hold> done = s.sql.on(jdbc, s.target.name(), reason, key, ts(now), s.charge, s.entryKind)
                .query(Columns::hold)
                .optional();
        if (done.isPresent()) {
            return new SettleResult.Settled(done.get(), false);
        }
        Optional<Hold> current = hold(key);
        if (current.isEmpty()) {
            return new SettleResult.NotFound(key);
        }
        Hold h = current.get();
        return switch (h.state()) {
            case OPEN -> openButNotSettled(h, s, now);
            case CAPTURED -> s == Settlement.CAPTURE ? new SettleResult.Settled(h, true) : new SettleResult.Refused(h);
            case RELEASED, EXPIRED ->
                s == Settlement.CAPTURE ? new SettleResult.Refused(h) : new SettleResult.Settled(h, true);
        };
    }

    private SettleResult openButNotSettled(Hold h, Settlement s, Instant now) {
        switch (s) {
            case CAPTURE -> {
                // Past its own deadline but not swept yet: it expires now and cannot be charged.
                SettleResult expired = settle(h.key(), Settlement.EXPIRE, "hold deadline passed", now);
                return new SettleResult.Refused(expired instanceof SettleResult.Settled e ? e.hold() : h);
            }
            case EXPIRE -> {
                return new SettleResult.Refused(h); // not due yet
            }
            default -> throw new IllegalStateException("hold " + h.key() + " is OPEN but could not be released");
        }
    }

    public Optional<Hold> hold(String key) {
        return jdbc.sql("""
                        select hold_key, user_id, amount, state, reason, expires_at, created_at
                          from credit_hold where hold_key = :key""").param("key", key).query(Columns::hold).optional();
    }
}
