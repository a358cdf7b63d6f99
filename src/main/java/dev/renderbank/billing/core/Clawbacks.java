package dev.renderbank.billing.core;

import dev.renderbank.billing.CreditsClawedBack;
import dev.renderbank.billing.db.Purchase;
import dev.renderbank.billing.db.PurchaseStore;
import dev.renderbank.billing.rewards.Referrals;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.ledger.ClawbackResult;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.platform.DurableEvents;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;

/** Takes back what a purchase granted beyond what it is still entitled to (refunds, disputes), and gives it back. */
@Component
class Clawbacks {

    private final PurchaseStore store;
    private final Ledger ledger;

    private final AccountDeletion accounts;
    private final DurableEvents events;
    private final Referrals referrals;

    Clawbacks(PurchaseStore store, Ledger ledger, AccountDeletion accounts, DurableEvents events, Referrals referrals) {
        this.store = store;
        this.ledger = ledger;
        this.accounts = accounts;
        this.events = events;
        this.referrals = referrals;
    }

    /**
     * Claws back whatever the locked purchase {@code p} granted beyond its entitlement, latest grants
     * first. The ledger caps each grant at what it granted, and turns what the balance cannot cover
     * into debt. The referral reward the purchase earned, if it was the buyer's first, follows it (the
     * referrer is someone else, so this happens even when the buyer deleted the account). A deleted
     * buyer's clawback is debt: it is carried to a new account of the buyer's mailbox ({@link
     * AccountDeletion#liveSuccessor}, or the next one opened). Returns the buyer's credits clawed back now.
     */
    long rebalance(Purchase p, String keyPrefix, String reason) {
        // a claw back that turns into a give-back of the reward (it rarely can) reverses any of its clawbacks
        referrals.settleReferral(p, keyPrefix, "", reason);
        long taken = takeBack(p, store.grantKeys(p.id()), p.kept() - p.entitlement(), keyPrefix, reason, false);
        if (taken > 0 && accounts.isDeleted(p.userId())) {
            // The owner deleted the account (its credits are forfeited): what it owes now is never
            // collected from it, but a new account of its mailbox carries it, the one opened since if
            // any (else the next one, when it is opened).
            accounts.liveSuccessor(p.userId()).ifPresent(to -> ledger.carryDebt(to, List.of(p.userId())));
        }
        return taken;
    }

    /**
     * Claws back for a plan switch {@code excess} of what the locked purchase {@code p} granted under
     * {@code grantKeys}, in their order (the caller checked the account is not deleted and the referral
     * needs nothing): unused time the switch credited back as money. A won dispute or a failed refund
     * of {@code p} never gives it back ({@link #giveBack}). Returns the credits clawed back now.
     */
    long takeBackForSwitch(Purchase p, List<String> grantKeys, long excess, String keyPrefix, String reason) {
        return takeBack(p, grantKeys, excess, keyPrefix, reason, true);
    }

    private long takeBack(
            Purchase p, List<String> grantKeys, long excess, String keyPrefix, String reason, boolean bySwitch) {
        long applied = 0;
        for (String grantKey : grantKeys) {
            if (excess - applied <= 0) {
                break;
            }
            ClawbackResult r = ledger.clawback(grantKey, excess - applied, keyPrefix + ":" + grantKey, reason);
            if (r instanceof ClawbackResult.ClawedBack cb) {
                applied += cb.applied();
            } else if (r instanceof ClawbackResult.GrantNotFound) {
                // Each purchase grant is recorded in the transaction of its ledger grant: one missing is a bug.
                throw new IllegalStateException(
                        "purchase " + p.id() + " names grant " + grantKey + " the ledger lacks");
            } else {
                throw new IllegalStateException("unexpected clawback result " + r);
            }
        }
        if (applied > 0) {
            store.addClawed(p.id(), applied, bySwitch);
            events.publish(
                    new CreditsClawedBack(p.userId(), p.id(), p.product(), applied, reason, p.clawed() + applied));
        }
        return applied;
    }

    /**
     * Gives back to the locked purchase {@code p} what is clawed back and no longer owed (a won
     * dispute, a refund that failed): at most what refunds and disputes clawed back net of earlier
     * give-backs (not what a plan switch did), so the user never keeps more than the purchase granted,
     * and at most up to its entitlement and what its months granted less what plan switches took of
     * them ({@link PurchaseStore#giveBackRoom}).
     * Once per {@code key}; the referral reward the purchase earned follows it.
     *
     * <p>The purchase records all of it as given back (its grant can be clawed back again), but the
     * ledger restores only what the purchase's clawbacks took from the user: debt of theirs that an
     * operator waived was never paid, so that part comes back as nothing ({@link Ledger#giveBack}).
     * Returns what the buyer got back now: credits, or debt of theirs cancelled.
     *
     * <p>{@code reverses} is the start of the keys of the clawbacks this reverses ({@link
     * #disputeClawbacks}, {@link #refundClawbacks}): a refund and a dispute of one purchase claw back
     * the same grants, and what an operator forgave of the one that stands stays forgiven.
     */
    long giveBack(Purchase p, String key, String reverses, String reason, Instant now) {
        referrals.settleReferral(p, key, reverses, reason);
        // What refunds and disputes clawed back and nothing gave back yet (a plan switch's clawbacks are
        // money already paid back, the unused time it credited, never a refund's or dispute's to undo),
        // up to the entitlement and to what the months granted less what switches took of them: a
        // yearly period's entitlement counts all twelve months, and a switch recorded while the charge
        // was refunded or disputed found nothing to take, so that is where it is taken.
        PurchaseStore.GiveBackRoom room = store.giveBackRoom(p.id());
        long back = Math.max(0, Math.min(room.stillClawed(), Math.min(p.entitlement(), room.holdable()) - p.kept()));
        List<String> clawed = store.grantKeys(p.id()); // before this give-back's own grant joins them
        if (back > 0 && store.addGrant(p.id(), key, back, now)) {
            return ledger.giveBack(p.userId(), back, clawed, reverses, GrantSource.PURCHASE, key, p.product(), reason)
                    .restored();
        }
        return 0;
    }

    /**
     * The key prefix of the dispute's clawbacks ({@link #rebalance} keys each clawback {@code
     * keyPrefix + ":" + grant key}, with keyPrefix {@code provider:dispute:id}).
     */
    static String disputeClawbacks(String provider, String disputeId) {
        return provider + ":dispute:" + disputeId + ":";
    }

    /**
     * The key prefix of the purchase's refund clawbacks (keyPrefix {@code provider:refund:...}, by
     * refund id or by refund movement): a refund that fails reverses what refunds took.
     */
    static String refundClawbacks(String provider) {
        return provider + ":refund:";
    }
}
