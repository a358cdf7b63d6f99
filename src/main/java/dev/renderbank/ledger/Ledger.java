package dev.renderbank.ledger;

import static dev.renderbank.ledger.internal.LedgerInput.checkAmount;
import static dev.renderbank.ledger.internal.LedgerInput.checkKey;
import static dev.renderbank.ledger.internal.LedgerInput.checkText;
import static dev.renderbank.ledger.internal.LedgerInput.checkUser;

import dev.renderbank.ledger.internal.ClawbackStore;
import dev.renderbank.ledger.internal.DebtCarry;
import dev.renderbank.ledger.internal.DebtWaiverStore;
import dev.renderbank.ledger.internal.ExpirySweep;
import dev.renderbank.ledger.internal.FreedCredits;
import dev.renderbank.ledger.internal.Grants;
import dev.renderbank.ledger.internal.HistoryPages;
import dev.renderbank.ledger.internal.HoldStore;
import dev.renderbank.ledger.internal.InvariantCheck;
import dev.renderbank.ledger.internal.LedgerInput;
import dev.renderbank.ledger.internal.LedgerStore;
import dev.renderbank.ledger.internal.OpenHolds;
import dev.renderbank.ledger.internal.OwnerView;
import dev.renderbank.ledger.internal.SettleResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The credit ledger: the only way credits change. Every operation is one transaction of
 * conditional SQL whose row counts are checked, writes an immutable entry, and is idempotent by
 * its key (a repeat returns the first outcome). A key reused for another request (another user or
 * amount; for a give-back, other clawbacks reversed) is a caller's bug, and so is bad input: both
 * are refused with {@link IllegalArgumentException} and nothing is written.
 *
 * <p>Called inside a transaction, every operation joins it. Reserve and capture called on their own
 * are each a single atomic statement run in autocommit, which halves their round trips on the hottest
 * path of the product. A release or expiry is a transaction: the credits that come free pay any debt
 * in it ({@link FreedCredits}).
 *
 * <p>The module's one facade: every balance change goes through it, one short method per money
 * operation. The grant paths run in {@link Grants}, history pages are read by {@link HistoryPages}.
 */
@Service
public class Ledger {

    /** Upper bound of any single amount: far above any price or pack, far below overflow. */
    public static final long MAX_AMOUNT = dev.renderbank.platform.CreditLimits.MAX_AMOUNT;

    /** The longest a hold may live ({@link #reserve}); a longer one is refused. */
    public static final Duration MAX_TTL = Duration.ofDays(30);

    private final LedgerStore store;
    private final HoldStore holds;
    private final OpenHolds open;
    private final Grants grants;
    private final ClawbackStore clawbacks;
    private final DebtWaiverStore waivers;
    private final InvariantCheck invariants;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ExpirySweep sweep;
    private final FreedCredits freed;
    private final HistoryPages pages;
    private final DebtCarry carry;

    Ledger(
            LedgerStore store,
            HoldStore holds,
            OpenHolds open,
            Grants grants,
            ClawbackStore clawbacks,
            DebtWaiverStore waivers,
            InvariantCheck invariants,
            TransactionTemplate tx,
            Clock clock,
            ExpirySweep sweep,
            FreedCredits freed,
            HistoryPages pages,
            DebtCarry carry) {
        this.carry = carry;
        this.store = store;
        this.holds = holds;
        this.open = open;
        this.grants = grants;
        this.clawbacks = clawbacks;
        this.waivers = waivers;
        this.invariants = invariants;
        this.tx = tx;
        this.clock = clock;
        this.sweep = sweep;
        this.freed = freed;
        this.pages = pages;
    }

    /** Adds credits; pays any debt first. A repeat of {@code key} returns the first grant. */
    public GrantResult grant(
            long userId, long amount, GrantSource source, String key, String reference, String reason) {
        return grant(userId, amount, source, key, reference, reason, null);
    }

    /** As {@link #grant(long, long, GrantSource, String, String, String)}, recording who granted it. */
    public GrantResult grant(
            long userId, long amount, GrantSource source, String key, String reference, String reason, String actor) {
        return grants.grant(null, userId, amount, source, key, reference, reason, actor);
    }

    /**
     * As {@link #grant(long, long, GrantSource, String, String, String, String)}, and tells the owner:
     * when this call granted the credits (not a repeat of {@code key}, nor forfeited on a closed
     * account), {@link CreditsGranted} with {@code occasion} (lower-case words joined by {@code -}) is
     * published in the grant's transaction, so it is stored with the grant or not at all.
     */
    public GrantResult grantAnnounced(
            String occasion,
            long userId,
            long amount,
            GrantSource source,
            String key,
            String reference,
            String reason,
            String actor) {
        return grants.grantAnnounced(occasion, userId, amount, source, key, reference, reason, actor);
    }

    /**
     * Gives back up to {@code amount} credits that the reversed clawbacks took (a dispute won, a refund
     * that failed), as a grant under {@code key} that such clawbacks can take again later. The
     * reversed clawbacks are those of the grants {@code reversed} whose clawback key starts with
     * {@code clawbackKeyPrefix} (the dispute's or the refunds' keys; empty: all clawbacks of those
     * grants): another clawback of the same grant (a refund of a pack whose dispute is won) stands,
     * and so does the forgiveness of its debt. It restores what those clawbacks took from the user and no more: the part of their
     * debt an operator waived (and no earlier give-back counted) was never paid, so that part of
     * {@code amount} is recorded as forgiven and moves nothing; the rest pays those clawbacks' own
     * debt first, then any other debt, then goes to the balance. A repeat of {@code key} returns the
     * first outcome; the key reused for another user or amount, or to reverse other clawbacks (other
     * grants, compared as a set since their order changes nothing, or another {@code
     * clawbackKeyPrefix}), is refused with {@link IllegalArgumentException}, as for other operations:
     * answered as the first, the second give-back would be lost without anyone knowing.
     */
    public GivenBack giveBack(
            long userId,
            long amount,
            List<String> reversed,
            String clawbackKeyPrefix,
            GrantSource source,
            String key,
            String reference,
            String reason) {
        return grants.giveBack(userId, amount, reversed, clawbackKeyPrefix, source, key, reference, reason);
    }

    /** Holds {@code amount} of the user's available credits under {@code key} until {@code ttl} passes. */
    public ReserveResult reserve(long userId, long amount, String key, Duration ttl) {
        checkUser(userId);
        checkAmount(amount);
        checkKey(key);
        if (ttl == null || ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl must be positive and at most " + MAX_TTL.toDays() + " days");
        }
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            // Joins the caller's transaction. A refusal or repeat writes nothing and raises nothing,
            // so the caller may still commit its other work.
            return holds.reserveInTransaction(userId, amount, key, ttl, now());
        }
        return holds.reserveAlone(userId, amount, key, ttl, now());
    }

    /**
     * Charges a held amount: balance and held both drop by it. Refused if released or expired (a hold
     * past its deadline expires now, and its credits pay any debt).
     */
    public CaptureResult capture(String key) {
        checkKey(key);
        SettleResult r = holds.settle(key, HoldStore.Settlement.CAPTURE, null, now());
        if (r instanceof SettleResult.Refused refused && refused.hold().state() != HoldState.CAPTURED) {
            tx.executeWithoutResult(status -> freed.payDebt(refused.hold().userId(), key, now()));
        }
        return r.asCapture();
    }

    /**
     * Gives held credits back; they pay any debt the user has first ({@link FreedCredits}), in the same
     * transaction. Refused if already captured.
     */
    public ReleaseResult release(String key, String reason) {
        checkKey(key);
        return tx.execute(status -> {
            SettleResult r = holds.settle(key, HoldStore.Settlement.RELEASE, reason, now());
            if (r instanceof SettleResult.Settled s) {
                freed.payDebt(s.hold().userId(), key, now());
            }
            return r.asRelease();
        });
    }

    /**
     * Takes back up to {@code amount} credits of a grant (refund, dispute). A grant is never clawed
     * back beyond what it granted in total; what the balance cannot cover becomes debt.
     */
    public ClawbackResult clawback(String grantKey, long amount, String key, String reason) {
        checkAmount(amount);
        checkKey(grantKey);
        checkKey(key);
        return tx.execute(status -> clawbacks.clawback(grantKey, amount, key, reason, now()));
    }

    /**
     * An operator forgives up to {@code amount} of the user's debt (never more than is owed). The
     * waiver is recorded with its actor and reason even when nothing was owed; a repeat of {@code
     * key} returns the first outcome.
     */
    public DebtWaived waiveDebt(long userId, long amount, String key, String actor, String reason) {
        checkUser(userId);
        checkAmount(amount);
        checkKey(key);
        checkText("actor", actor);
        checkText("reason", reason);
        return tx.execute(status -> waivers.waive(userId, amount, key, actor, reason, now()));
    }

    /**
     * Carries what the deleted accounts {@code fromUserIds} owe to {@code toUserId}, a later account of
     * the same mailbox ({@link DebtCarry}); returns what was carried (0: nothing owed).
     */
    public long carryDebt(long toUserId, List<Long> fromUserIds) {
        checkUser(toUserId);
        fromUserIds.forEach(LedgerInput::checkUser);
        return tx.execute(status -> carry.carry(toUserId, fromUserIds, now()));
    }

    /**
     * Releases, as EXPIRED, every open hold whose deadline is at or before {@code now}. A hold the
     * database refuses to expire (a corrupt account row) is logged, counted and left for the next
     * sweep; it does not stop the others ({@link ExpirySweep}).
     */
    public int expireDue(Instant now) {
        return sweep.expireDue(now);
    }

    public Balance balance(long userId) {
        return store.balance(userId).orElse(Balance.EMPTY);
    }

    public Optional<Hold> hold(String key) {
        return holds.hold(key);
    }

    /** The user's open holds (jobs in flight), oldest first; at most 200. */
    public List<Hold> openHolds(long userId) {
        return open.of(userId, 200);
    }

    /**
     * The user's history as they are shown it (their API, pages and data export): as {@link
     * #history}, but an entry about another person (a referral reward names the invited user) does
     * not name them ({@link OwnerView}).
     */
    public HistoryPage ownHistory(long userId, String cursor, int limit) {
        return pages.ownHistory(userId, cursor, limit);
    }

    /** The user's entries as recorded, newest first: for operators (keys and reasons in full). */
    public HistoryPage history(long userId, String cursor, int limit) {
        return pages.history(userId, cursor, limit);
    }

    /**
     * The entries recorded under one key, oldest first, at most 200: for a job (its hold's key is the
     * job's id) its hold and what settled it (capture or release), for operators.
     */
    public List<LedgerEntry> entries(String reference) {
        return store.byReference(reference, 200);
    }

    public HoldsSummary holdsSummary() {
        return open.summary(now());
    }

    /**
     * Balances equal the sum of their entries, held equals the sum of open holds, and no account is
     * overdrawn. Used by tests and by reconciliation.
     */
    public InvariantReport checkInvariants() {
        return invariants.run();
    }

    private Instant now() {
        return clock.instant();
    }
}
