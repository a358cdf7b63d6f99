package dev.renderbank.ops;

import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.Sessions;
import dev.renderbank.identity.UserAdministration;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.DebtWaived;
import dev.renderbank.ledger.GrantResult;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.notify.Notifier;
import dev.renderbank.ops.internal.AuditedActions;
import dev.renderbank.ops.internal.AuditedActions.Request;
import dev.renderbank.ops.internal.AuditedActions.Step;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * Operators' repairs on a user: grant credits, waive debt, suspend, reinstate, revoke tokens. Each is
 * one transaction with its audit record and idempotent by its key (see {@link AuditedActions}).
 */
@Service
public class UserActions {

    private final AuditedActions actions;
    private final Users users;
    private final UserAdministration accounts;
    private final AccountDeletion deletions;
    private final Sessions sessions;
    private final Ledger ledger;
    private final Notifier notifier;
    private final OpsProperties limits;
    private final Clock clock;

    UserActions(
            AuditedActions actions,
            Users users,
            UserAdministration accounts,
            AccountDeletion deletions,
            Sessions sessions,
            Ledger ledger,
            Notifier notifier,
            OpsProperties limits,
            Clock clock) {
        this.actions = actions;
        this.users = users;
        this.accounts = accounts;
        this.deletions = deletions;
        this.sessions = sessions;
        this.ledger = ledger;
        this.notifier = notifier;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * Grants {@code amount} credits as compensation, and with {@code notify} queues the compensation
     * email in the same transaction. Refused for a deleted account (also one deleted while the grant
     * is under way: nothing is granted then, nothing audited), above the per-grant cap, or when the operator's grants of
     * the UTC day would pass the daily cap (checked under a per-operator lock, so two concurrent
     * grants cannot both pass it).
     */
    public ActionResult grant(String actor, long userId, long amount, String reason, boolean notify, String key) {
        if (amount < 1) {
            throw new IllegalArgumentException("amount must be a positive number of credits");
        }
        Request request = new Request(actor, "grant", target(userId), reason, amount, key);
        Optional<ActionResult> repeat = actions.answeredByKey(request);
        if (repeat.isPresent()) {
            // a repeat gets the first answer, also when the account was deleted or a cap lowered since
            return repeat.get();
        }
        if (amount > limits.maxGrant()) {
            return new ActionResult.Refused(
                    "grant-too-large",
                    "A grant is at most " + limits.maxGrant() + " credits (renderbank.ops.max-grant)");
        }
        if (users.byId(userId).isEmpty()) {
            return notFound(userId);
        }
        if (deletions.isDeleted(userId)) {
            // the ledger would forfeit the credits as they land: nobody could ever use them
            return accountDeleted();
        }
        return actions.run(request, actionId -> {
            long today = actions.givenOnClaimDay(actor, actionId); // includes this grant's own claim
            if (today > limits.maxGrantPerDay()) {
                return new Step.Refuse(new ActionResult.Refused(
                        "daily-grant-cap",
                        "This grant would bring what " + actor + " granted and forgave today (UTC) to " + today
                                + " credits, above " + limits.maxGrantPerDay()
                                + " (renderbank.ops.max-grant-per-day)"));
            }
            Map<String, Object> before = credits(userId);
            String grantKey = "ops-grant:" + actionId; // the audit record's: the operator's key is theirs only
            // announced (credits.granted, "compensation") in this transaction: a refusal below takes it back too
            GrantResult g = ledger.grantAnnounced(
                    "compensation", userId, amount, GrantSource.COMPENSATION, grantKey, null, reason, actor);
            if (g instanceof GrantResult.Forfeited || deletions.isDeleted(userId)) {
                // Deleted while this grant was under way (after the check above): the credits were
                // forfeited as they landed, or will be with the rest of the account. Refusing rolls
                // the grant, its forfeit and the audit record back, so nobody is told "granted".
                return new Step.Refuse(accountDeleted());
            }
            if (notify) {
                notifier.compensation(userId, grantKey, amount, reason);
            }
            Map<String, Object> after = credits(userId);
            after.put("granted", amount);
            after.put("paidDebt", g.paidDebt());
            after.put("notified", notify);
            return new Step.Applied(before, after);
        });
    }

    /** Forgives the user's whole current debt (see {@link #waiveDebt(String, long, String, Long, String)}). */
    public ActionResult waiveDebt(String actor, long userId, String reason, String key) {
        return waiveDebt(actor, userId, reason, null, key);
    }

    /**
     * Forgives up to {@code amount} credits of the user's current debt ({@code null}: all of it);
     * refused when nothing is owed. A waiver gives the user spending power as a grant does, so the
     * same caps hold: it forgives at most {@code renderbank.ops.max-grant} credits, and what it
     * forgives counts with the operator's grants against {@code renderbank.ops.max-grant-per-day}
     * (under the same per-operator lock).
     */
    public ActionResult waiveDebt(String actor, long userId, String reason, Long amount, String key) {
        if (amount != null && amount < 1) {
            throw new IllegalArgumentException("amount must be a positive number of credits");
        }
        Request request = new Request(actor, "waive-debt", target(userId), reason, amount, key);
        Optional<ActionResult> repeat = actions.answeredByKey(request);
        if (repeat.isPresent()) {
            return repeat.get(); // the first answer, also when a cap was lowered since
        }
        if (amount != null && amount > limits.maxGrant()) {
            return tooLarge(amount);
        }
        if (users.byId(userId).isEmpty()) {
            return notFound(userId);
        }
        return actions.run(request, actionId -> {
            long givenToday = actions.givenOnClaimDay(actor, actionId); // takes the operator's day lock
            Map<String, Object> before = credits(userId);
            long debt = ledger.balance(userId).debt();
            if (debt == 0) {
                return new Step.Refuse(new ActionResult.Refused("no-debt", "The user owes nothing"));
            }
            long forgive = amount == null ? debt : Math.min(amount, debt);
            if (forgive > limits.maxGrant()) {
                return new Step.Refuse(new ActionResult.Refused(
                        "waiver-too-large",
                        "The user owes " + debt + " credits; one waiver forgives at most " + limits.maxGrant()
                                + " (renderbank.ops.max-grant): give an amount"));
            }
            if (givenToday + forgive > limits.maxGrantPerDay()) {
                return new Step.Refuse(new ActionResult.Refused(
                        "daily-grant-cap",
                        "This waiver would bring what " + actor + " granted and forgave today (UTC) to "
                                + (givenToday + forgive) + " credits, above " + limits.maxGrantPerDay()
                                + " (renderbank.ops.max-grant-per-day)"));
            }
            DebtWaived w = ledger.waiveDebt(userId, forgive, "ops-waive:" + actionId, actor, reason);
            if (w.waived() == 0) {
                // paid meanwhile (a purchase committed between the read above and the waiver's row
                // lock): nothing was forgiven, so it is refused as a waiver asked for after the payment
                // is, and the refusal rolls back the waiver's record and the audit claim
                return new Step.Refuse(new ActionResult.Refused("no-debt", "The user owes nothing"));
            }
            Map<String, Object> after = credits(userId);
            after.put("waived", w.waived());
            return new Step.Applied(before, after);
        });
    }

    private ActionResult tooLarge(long amount) {
        return new ActionResult.Refused(
                "waiver-too-large",
                "A waiver forgives at most " + limits.maxGrant() + " credits (renderbank.ops.max-grant), not "
                        + amount);
    }

    /**
     * Refuses the user's logins, API calls and new jobs from the next request on, and ends the user's
     * browser sessions (stored in PostgreSQL, so on every node); keeps all data.
     */
    public ActionResult suspend(String actor, long userId, String reason, String key) {
        return setActive(actor, "suspend", userId, false, reason, key);
    }

    public ActionResult reinstate(String actor, long userId, String reason, String key) {
        return setActive(actor, "reinstate", userId, true, reason, key);
    }

    /** How many live (unrevoked, unexpired) API tokens the user holds, counted in the database. */
    public long liveTokens(long userId) {
        return accounts.liveTokens(userId);
    }

    /** Revokes every live API token of the user and ends the user's browser sessions on every node. */
    public ActionResult revokeTokens(String actor, long userId, String reason, String key) {
        if (users.byId(userId).isEmpty()) {
            return notFound(userId);
        }
        return actions.run(new Request(actor, "revoke-tokens", target(userId), reason, null, key), () -> {
            long live = accounts.liveTokens(userId);
            int revoked = accounts.revokeTokens(userId, clock.instant()); // expired ones too: off the user's list
            int ended = sessions.endSessions(userId, null);
            return new Step.Applied(
                    Map.of("liveTokens", live),
                    Map.of("liveTokens", accounts.liveTokens(userId), "revoked", revoked, "sessionsEnded", ended));
        });
    }

    private ActionResult setActive(
            String actor, String action, long userId, boolean active, String reason, String key) {
        if (users.byId(userId).isEmpty()) {
            return notFound(userId);
        }
        Request request = new Request(actor, action, target(userId), reason, null, key);
        Optional<ActionResult> repeat = actions.answeredByKey(request);
        if (repeat.isPresent()) {
            return repeat.get(); // the first answer, also when the owner deleted the account since
        }
        if (deletions.isDeleted(userId)) {
            // reinstating undoes a suspension; an owner's deletion is final (the row is only kept, anonymised, for the
            // books), and suspending it would record an action that changed nothing
            return active ? cannotReinstate() : cannotSuspendDeleted();
        }
        return actions.run(request, () -> {
            boolean wasActive = accounts.active(userId);
            if (active) {
                accounts.reinstate(userId); // never a deleted account's row
                if (deletions.isDeleted(userId)) {
                    // deleted after the check above (a deletion that comes after this update waits for it):
                    // refusing rolls the audit record back, so nobody is told "reinstated"
                    return new Step.Refuse(cannotReinstate());
                }
                return new Step.Applied(Map.of("active", wasActive), Map.of("active", true));
            }
            accounts.suspend(userId);
            int ended = sessions.endSessions(userId, null);
            return new Step.Applied(Map.of("active", wasActive), Map.of("active", false, "sessionsEnded", ended));
        });
    }

    static String target(long userId) {
        return "user:" + userId;
    }

    private Map<String, Object> credits(long userId) {
        Balance b = ledger.balance(userId);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("balance", b.balance());
        m.put("held", b.held());
        m.put("debt", b.debt());
        return m;
    }

    private static ActionResult.Refused cannotReinstate() {
        return new ActionResult.Refused(
                "account-deleted", "The account was deleted by its owner and cannot be reinstated");
    }

    private static ActionResult.Refused cannotSuspendDeleted() {
        return new ActionResult.Refused(
                "account-deleted", "The account was deleted by its owner: it is closed already, nothing to suspend");
    }

    private static ActionResult.Refused accountDeleted() {
        return new ActionResult.Refused(
                "account-deleted", "The account was deleted by its owner: credits granted to it would be forfeited");
    }

    private static ActionResult notFound(long userId) {
        return new ActionResult.NotFound("No user " + userId);
    }
}
