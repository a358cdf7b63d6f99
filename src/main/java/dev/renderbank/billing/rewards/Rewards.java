package dev.renderbank.billing.rewards;

import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.RewardStatus;
import dev.renderbank.billing.db.Purchase;
import dev.renderbank.billing.db.PurchaseStore;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.UserAdministration;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.ClawbackResult;
import dev.renderbank.ledger.GrantResult;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.platform.PublicUrl;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Free credits: sign-up bonus, daily check-in (with a streak bonus), sharing and referrals. Each
 * is a ledger grant whose key names the user and the day (or the referee), so asking twice never
 * grants twice. "Day" is the calendar day in the user's own time zone.
 *
 * <p>Over 300 lines because it is the module's one entry point for free credits, and since the ninth
 * session the referral reward follows its purchase (pay when due, claw back, give back, pay at the
 * referrer's verification). Those referral methods, from {@link #recordReferral} down to
 * {@link #referrerByCode}, are the part to move into a class of their own when this grows again.
 */
@Service
public class Rewards {

    private static final String CODE_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"; // no look-alikes (l, 1, o, 0)
    private static final int CODE_LENGTH = 10;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger log = LoggerFactory.getLogger(Rewards.class);

    private final Ledger ledger;
    private final Users users;
    private final RewardDayStore days;
    private final ReferralStore referrals;
    private final RewardsProperties props;
    private final ProductCatalog catalog;
    private final Clock clock;
    private final AccountDeletion accounts;
    private final PublicUrl publicUrl;
    private final PurchaseStore purchases;
    private final UserAdministration administration;

    Rewards(
            Ledger ledger,
            Users users,
            AccountDeletion accounts,
            RewardDayStore days,
            ReferralStore referrals,
            RewardsProperties props,
            ProductCatalog catalog,
            Clock clock,
            PublicUrl publicUrl,
            PurchaseStore purchases,
            UserAdministration administration) {
        this.ledger = ledger;
        this.users = users;
        this.accounts = accounts;
        this.days = days;
        this.referrals = referrals;
        this.props = props;
        this.catalog = catalog;
        this.clock = clock;
        this.publicUrl = publicUrl;
        this.purchases = purchases;
        this.administration = administration;
    }

    /** The free plan's credits, once per user, and only once the email address is verified. */
    public RewardResult grantSignupBonus(long userId) {
        Optional<UserAccount> user = users.byId(userId);
        if (user.isEmpty()) {
            return new RewardResult.Refused("unknown user");
        }
        if (!user.get().emailVerified()) {
            return new RewardResult.Refused("the email address is not verified yet");
        }
        if (!accounts.claimSignupBonus(userId)) {
            // an earlier (since deleted) account of the same address had it: once per address, ever
            return new RewardResult.Refused("the sign-up bonus was already paid for this email address");
        }
        return granted(
                ledger.grant(
                        userId, catalog.signupBonus(), GrantSource.SIGNUP, "signup:" + userId, null, "sign-up bonus"),
                "signup:" + userId,
                0);
    }

    /**
     * Daily check-in: 2 credits, 5 on every 7th consecutive day; only for a live account whose email
     * address is verified; once a calendar day as {@link #claimDay} counts days.
     */
    @Transactional
    public RewardResult checkIn(long userId) {
        Optional<RewardResult> refused = ineligible(userId);
        if (refused.isPresent()) {
            return refused.get();
        }
        ZonedDateTime now = now(userId).orElseThrow();
        String key = "reward:check-in:" + userId + ":" + now.toLocalDate();
        Optional<Integer> streak = claimDay(userId, RewardDayStore.Kind.CHECK_IN, now);
        if (streak.isEmpty()) {
            return new RewardResult.AlreadyGranted(key);
        }
        long amount = streak.get() % props.streakDays() == 0 ? props.checkInStreak() : props.checkIn();
        return granted(
                ledger.grant(userId, amount, GrantSource.REWARD, key, null, "daily check-in, day " + streak.get()),
                key,
                streak.get());
    }

    /**
     * Sharing: 2 credits at most once a calendar day as {@link #claimDay} counts days; only for a live
     * account whose email address is verified.
     */
    @Transactional
    public RewardResult share(long userId) {
        Optional<RewardResult> refused = ineligible(userId);
        if (refused.isPresent()) {
            return refused.get();
        }
        ZonedDateTime now = now(userId).orElseThrow();
        String key = "reward:share:" + userId + ":" + now.toLocalDate();
        if (claimDay(userId, RewardDayStore.Kind.SHARE, now).isEmpty()) {
            return new RewardResult.AlreadyGranted(key);
        }
        return granted(ledger.grant(userId, props.share(), GrantSource.REWARD, key, null, "shared"), key, 0);
    }

    /**
     * Claims today's daily reward of {@code kind} (today in the user's current time zone): never a day
     * before the latest one, and never a second one within one calendar day of the current zone, so
     * changing the time zone (east or west, between calls or during one) gives no extra reward; the
     * streak, or empty if it is not due. Serialized per user and kind.
     */
    private Optional<Integer> claimDay(long userId, RewardDayStore.Kind kind, ZonedDateTime now) {
        LocalDate today = now.toLocalDate();
        return days.claim(userId, kind, today, today.atStartOfDay(now.getZone()).toInstant(), now.toInstant());
    }

    /**
     * Why the user may not have a daily reward, if they may not: unknown, deleted, or an address not
     * verified (throwaway sign-ups must not farm free credits; the free plan's credits wait for the
     * same verification).
     */
    private Optional<RewardResult> ineligible(long userId) {
        Optional<UserAccount> user = users.byId(userId);
        if (user.isEmpty()) {
            return Optional.of(new RewardResult.Refused("unknown user"));
        }
        if (accounts.isDeleted(userId)) {
            return Optional.of(new RewardResult.Refused("the account is deleted"));
        }
        if (!user.get().emailVerified()) {
            return Optional.of(new RewardResult.EmailNotVerified());
        }
        return Optional.empty();
    }

    /**
     * Records that {@code refereeId} signed up through {@code referrerId}'s link. The referrer is
     * rewarded at the referee's first purchase. False if the referee already has a referrer.
     */
    public boolean recordReferral(long refereeId, long referrerId) {
        if (refereeId == referrerId) {
            throw new IllegalArgumentException("a user cannot refer themselves");
        }
        if (users.byId(referrerId).isEmpty() || users.byId(refereeId).isEmpty()) {
            throw new IllegalArgumentException("unknown user");
        }
        return referrals.record(refereeId, referrerId, clock.instant());
    }

    public Optional<Long> referrerOf(long refereeId) {
        return referrals.referrerOf(refereeId);
    }

    /**
     * Called in the transaction of the referee's first purchase {@code first} (locked): that purchase
     * earns the referrer's reward, once per referee. It is paid now if the referrer's address is
     * verified and the account not suspended, else when it is verified or reinstated
     * ({@link #payWaitingReferrals}); never to a deleted referrer.
     */
    public void rewardReferrer(long refereeId, Purchase first) {
        if (referrals.qualify(refereeId, first.id())) {
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
        referrals.lockReferrer(referrerId);
        int paid = 0;
        for (long purchaseId : referrals.waitingPurchases(referrerId)) {
            // the purchase first, then the referral: the order refunds and disputes lock them in
            if (payIfDue(purchases.lock(purchaseId)) > 0) {
                paid++;
            }
        }
        return paid;
    }

    private long payIfDue(Purchase p) {
        Optional<ReferralStore.Earned> earned = referrals.lockByPurchase(p.id());
        if (earned.isEmpty() || earned.get().rewarded()) {
            return 0;
        }
        ReferralStore.Earned r = earned.get();
        referrals.lockReferrer(r.referrerId());
        if (accounts.isDeleted(r.referrerId())) {
            log.info("referral reward for user {} not paid: the referrer {} is deleted", r.refereeId(), r.referrerId());
            return 0;
        }
        if (!users.byId(r.referrerId()).map(UserAccount::emailVerified).orElse(false)) {
            log.info("referral reward for user {} waits for referrer {} to verify", r.refereeId(), r.referrerId());
            return 0;
        }
        if (!administration.active(r.referrerId())) {
            log.info(
                    "referral reward for user {} waits for referrer {} to be reinstated",
                    r.refereeId(),
                    r.referrerId());
            return 0;
        }
        if (!referrals.markRewarded(r.refereeId(), props.referral(), clock.instant())) {
            return 0;
        }
        long amount = p.entitlementOf(props.referral());
        String key = "reward:referral:" + r.refereeId();
        if (amount > 0 && referrals.addGrant(r.refereeId(), key, amount, clock.instant())) {
            ledger.grant(r.referrerId(), amount, GrantSource.REWARD, key, "user:" + r.refereeId(), "referral reward");
        }
        return amount;
    }

    /**
     * Keeps the referral reward the locked purchase {@code p} earned in step with what the purchase
     * still entitles: the same fraction as its refunds and disputes take back of its credits is
     * clawed back from the referrer (through the ledger: down to zero available, the rest debt), and
     * given back when a dispute is won or a refund fails. {@code key} names the refund or dispute
     * movement, so a repeat does nothing more. Nothing is moved for a deleted referrer.
     */
    public void settleReferral(Purchase p, String key, String reason) {
        Optional<ReferralStore.Earned> earned = referrals.lockByPurchase(p.id());
        if (earned.isEmpty()
                || !earned.get().rewarded()
                || accounts.isDeleted(earned.get().referrerId())) {
            return;
        }
        ReferralStore.Earned r = earned.get();
        String why = "referral reward (the invited user's purchase: " + reason + ")";
        long kept = referrals.granted(r.refereeId()) - r.clawed();
        long due = p.entitlementOf(r.reward());
        if (kept > due) {
            long applied = 0;
            for (String grantKey : referrals.grantKeys(r.refereeId())) {
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
                referrals.addClawed(r.refereeId(), applied);
            }
        } else if (kept < due) {
            String back = "reward:referral:" + r.refereeId() + ":" + key;
            if (referrals.addGrant(r.refereeId(), back, due - kept, clock.instant())) {
                ledger.grant(r.referrerId(), due - kept, GrantSource.REWARD, back, "user:" + r.refereeId(), why);
            }
        }
    }

    /** The user's streak, referral code and link, and what referrals earned (the rewards page and API). */
    public RewardStatus status(long userId) {
        LocalDate today = now(userId)
                .orElseThrow(() -> new IllegalArgumentException("unknown user"))
                .toLocalDate();
        Optional<RewardDayStore.Latest> latest = days.latest(userId, RewardDayStore.Kind.CHECK_IN);
        boolean checkedInToday = latest.filter(l -> l.day().equals(today)).isPresent();
        int streak = latest.filter(l -> !l.day().isBefore(today.minusDays(1)))
                .map(RewardDayStore.Latest::streak)
                .orElse(0);
        String code = referralCode(userId);
        ReferralStore.Tally tally = referrals.tally(userId, props.referral());
        return new RewardStatus(
                streak,
                checkedInToday,
                code,
                publicUrl.get() + "/signup?ref=" + code,
                tally.referred(),
                tally.earned(),
                new RewardStatus.Terms(
                        props.checkIn(), props.checkInStreak(), props.streakDays(), props.share(), props.referral()));
    }

    /**
     * The user's referral code: drawn at random on first use, then the same forever, so a link once
     * shared keeps naming the user.
     */
    public String referralCode(long userId) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<String> existing = referrals.codeOf(userId);
            if (existing.isPresent()) {
                return existing.get();
            }
            referrals.assignCode(userId, newCode(), clock.instant()); // a taken code: draw again
        }
        return referrals
                .codeOf(userId)
                .orElseThrow(() -> new IllegalStateException("no free referral code for user " + userId));
    }

    /** Who a sign-up link's {@code ref} names, if anyone: for recording the referral at sign-up. */
    public Optional<Long> referrerByCode(String code) {
        if (code == null || !code.matches("[a-z0-9]{8,32}")) {
            return Optional.empty();
        }
        return referrals.userOfCode(code).filter(user -> !accounts.isDeleted(user));
    }

    private static String newCode() {
        StringBuilder code = new StringBuilder(CODE_LENGTH);
        for (int i = 0; i < CODE_LENGTH; i++) {
            code.append(CODE_ALPHABET.charAt(RANDOM.nextInt(CODE_ALPHABET.length())));
        }
        return code.toString();
    }

    /** The time in the user's own time zone. */
    private Optional<ZonedDateTime> now(long userId) {
        return users.byId(userId).map(u -> clock.instant().atZone(zone(u.timeZone())));
    }

    private static ZoneId zone(String timeZone) {
        try {
            return timeZone == null ? ZoneOffset.UTC : ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            return ZoneOffset.UTC; // an unknown zone must not cost the user their reward
        }
    }

    private static RewardResult granted(GrantResult g, String key, int streak) {
        if (g instanceof GrantResult.Forfeited) {
            // deleted while asking: the ledger forfeited it as it landed
            return new RewardResult.Refused("the account is deleted");
        }
        return g instanceof GrantResult.AlreadyGranted
                ? new RewardResult.AlreadyGranted(key)
                : new RewardResult.Granted(g.amount(), streak, key);
    }
}
