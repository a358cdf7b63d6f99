package dev.renderbank.billing.rewards;

import dev.renderbank.billing.db.Purchase;
import dev.renderbank.billing.db.PurchaseStore;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.UserAdministration;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.ClawbackResult;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The referral reward: who referred whom (recorded at sign-up through a referral link), and the
 * reward that follows the referee's first paid purchase: paid when due (to a verified, live, not
 * suspended referrer; else when the referrer verifies or is reinstated), clawed back with the
 * purchase's refunds and disputes, given back when a dispute is won. Each a ledger grant or clawback
 * keyed by the referee and the movement, so a repeat does nothing more.
 */
@Service
public class Referrals {

    private static final String CODE_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"; // no look-alikes (l, 1, o, 0)
    private static final int CODE_LENGTH = 10;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger log = LoggerFactory.getLogger(Referrals.class);

    private final Ledger ledger;
    private final Users users;
    private final AccountDeletion accounts;
    private final UserAdministration administration;
    private final ReferralStore store;
    private final RewardsProperties props;
    private final Clock clock;
    private final PurchaseStore purchases;

    Referrals(
            Ledger ledger,
            Users users,
            AccountDeletion accounts,
            UserAdministration administration,
            ReferralStore store,
            RewardsProperties props,
            Clock clock,
            PurchaseStore purchases) {
        this.ledger = ledger;
        this.users = users;
        this.accounts = accounts;
        this.administration = administration;
        this.store = store;
        this.props = props;
        this.clock = clock;
        this.purchases = purchases;
    }

    /**
     * Records that {@code refereeId} signed up through {@code referrerId}'s link. The referrer is
     * rewarded at the referee's first purchase. False if the referee already has a referrer, or had
     * one that its address's owner's recovery forgot ({@link #forgetChosenBeforeRecovery}): the
     * sign-up handler may run again after the recovery's (retried at least once), and must not bring
     * it back.
     */
    @Transactional
    public boolean recordReferral(long refereeId, long referrerId) {
        if (refereeId == referrerId) {
            throw new IllegalArgumentException("a user cannot refer themselves");
        }
        if (users.byId(referrerId).isEmpty() || users.byId(refereeId).isEmpty()) {
            throw new IllegalArgumentException("unknown user");
        }
        store.lockReferee(refereeId);
        return store.record(refereeId, referrerId, clock.instant());
    }

    /**
     * The referee's referral, chosen by whoever signed up first with the address, forgotten when its
     * owner took the account back before confirming it (nothing earned it yet: a purchase that did,
     * someone paid for); whether there was one. Forgotten for good: a sign-up handler that runs (again)
     * afterwards records none ({@link #recordReferral}).
     */
    @Transactional
    public boolean forgetChosenBeforeRecovery(long refereeId) {
        store.lockReferee(refereeId);
        return store.forgetUnearned(refereeId, clock.instant());
    }

    public Optional<Long> referrerOf(long refereeId) {
        return store.referrerOf(refereeId);
    }

    /**
     * Called in the transaction of the referee's first purchase {@code first} (locked): that purchase
     * earns the referrer's reward, once per referee. It is paid now if the referrer's address is
     * verified and the account not suspended, else when it is verified or reinstated
     * ({@link #payWaitingReferrals}); never to a deleted referrer.
     */
    public void rewardReferrer(long refereeId, Purchase first) {
        if (store.qualify(refereeId, first.id())) {
            payIfDue(first);
        }
    }

    /**
     * The referral rewards that waited for {@code referrerId} to verify their address or to be
     * reinstated: paid now if nothing else holds them back, each at what its purchase still entitles
     * (a purchase refunded meanwhile pays that much less, one refunded in full nothing).
     */
    @Transactional
    public int payWaitingReferrals(long referrerId) {
        store.lockReferrer(referrerId);
        int paid = 0;
        for (long purchaseId : store.waitingPurchases(referrerId)) {
            // the purchase first, then the referral: the order refunds and disputes lock them in
            if (payIfDue(purchases.lock(purchaseId)) > 0) {
                paid++;
            }
        }
        return paid;
    }

    private long payIfDue(Purchase p) {
        Optional<ReferralStore.Earned> earned = store.lockByPurchase(p.id());
        if (earned.isEmpty() || earned.get().rewarded()) {
            return 0;
        }
        ReferralStore.Earned r = earned.get();
        store.lockReferrer(r.referrerId());
        // The referrer's account row is held FOR SHARE from here to the commit, so a suspension (or
        // deletion) committing at the same moment either waits for this payment or is seen by it.
        boolean active = administration.lockActive(r.referrerId());
        if (accounts.isDeleted(r.referrerId())) {
            log.info("referral reward for user {} not paid: the referrer {} is deleted", r.refereeId(), r.referrerId());
            return 0;
        }
        if (!users.byId(r.referrerId()).map(UserAccount::emailVerified).orElse(false)) {
            log.info("referral reward for user {} waits for referrer {} to verify", r.refereeId(), r.referrerId());
            return 0;
        }
        if (!active) {
            log.info(
                    "referral reward for user {} waits for referrer {} to be reinstated",
                    r.refereeId(),
                    r.referrerId());
            return 0;
        }
        if (!store.markRewarded(r.refereeId(), props.referral(), clock.instant())) {
            return 0;
        }
        long amount = p.entitlementOf(props.referral());
        String key = "reward:referral:" + r.refereeId();
        if (amount > 0 && store.addGrant(r.refereeId(), key, amount, clock.instant())) {
            ledger.grantAnnounced(
                    "referral",
                    r.referrerId(),
                    amount,
                    GrantSource.REWARD,
                    key,
                    "user:" + r.refereeId(),
                    "referral reward",
                    null);
        }
        return amount;
    }

    /**
     * Keeps the referral reward the locked purchase {@code p} earned in step with what the purchase
     * still entitles: the same fraction as its refunds and disputes take back of its credits is
     * clawed back from the referrer (through the ledger: down to zero available, the rest debt), and
     * given back when a dispute is won or a refund fails. {@code key} names the refund or dispute
     * movement, so a repeat does nothing more; {@code reverses} is the start of the keys of the
     * movements a give-back reverses (the dispute's, the refunds'; the reward's clawbacks are keyed
     * {@code movement key + ":" + grant key}), so the waived debt of another clawback of the reward
     * stays forgiven (empty: any of them). Nothing is moved for a deleted referrer.
     */
    public void settleReferral(Purchase p, String key, String reverses, String reason) {
        Optional<ReferralStore.Earned> earned = store.lockByPurchase(p.id());
        if (earned.isEmpty()
                || !earned.get().rewarded()
                || accounts.isDeleted(earned.get().referrerId())) {
            return;
        }
        ReferralStore.Earned r = earned.get();
        String why = "referral reward (the invited user's purchase: " + reason + ")";
        long kept = store.granted(r.refereeId()) - r.clawed();
        long due = p.entitlementOf(r.reward());
        if (kept > due) {
            long applied = 0;
            for (String grantKey : store.grantKeys(r.refereeId())) {
                if (kept - applied <= due) {
                    break;
                }
                ClawbackResult c = ledger.clawback(grantKey, kept - applied - due, key + ":" + grantKey, why);
                if (!(c instanceof ClawbackResult.ClawedBack cb)) {
                    throw new IllegalStateException("referral grant " + grantKey + " is not in the ledger: " + c);
                }
                applied += cb.applied();
            }
            if (applied > 0) {
                store.addClawed(r.refereeId(), applied);
            }
        } else if (kept < due) {
            String back = "reward:referral:" + r.refereeId() + ":" + key;
            List<String> clawed = store.grantKeys(r.refereeId()); // the reward's grants the clawbacks took from
            if (store.addGrant(r.refereeId(), back, due - kept, clock.instant())) {
                // debt of the referrer's that an operator waived of these clawbacks comes back as nothing
                ledger.giveBack(
                        r.referrerId(),
                        due - kept,
                        clawed,
                        reverses,
                        GrantSource.REWARD,
                        back,
                        "user:" + r.refereeId(),
                        why);
            }
        }
    }

    /** How many signed up through the user's link, and what their rewarded referrals paid. */
    ReferralStore.Tally tally(long referrerId) {
        return store.tally(referrerId, props.referral());
    }

    /**
     * The user's referral code: drawn at random on first use, then the same forever, so a link once
     * shared keeps naming the user.
     */
    public String referralCode(long userId) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<String> existing = store.codeOf(userId);
            if (existing.isPresent()) {
                return existing.get();
            }
            store.assignCode(userId, newCode(), clock.instant()); // a taken code: draw again
        }
        return store.codeOf(userId)
                .orElseThrow(() -> new IllegalStateException("no free referral code for user " + userId));
    }

    /** Who a sign-up link's {@code ref} names, if anyone: for recording the referral at sign-up. */
    public Optional<Long> referrerByCode(String code) {
        if (code == null || !code.matches("[a-z0-9]{8,32}")) {
            return Optional.empty();
        }
        return store.userOfCode(code).filter(user -> !accounts.isDeleted(user));
    }

    private static String newCode() {
        StringBuilder code = new StringBuilder(CODE_LENGTH);
        for (int i = 0; i < CODE_LENGTH; i++) {
            code.append(CODE_ALPHABET.charAt(RANDOM.nextInt(CODE_ALPHABET.length())));
        }
        return code.toString();
    }
}
