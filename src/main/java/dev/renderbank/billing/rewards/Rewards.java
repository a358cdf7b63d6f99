package dev.renderbank.billing.rewards;

import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.RewardStatus;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.TimeZones;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.UserAdministration;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.GrantResult;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.platform.PublicUrl;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Free credits: sign-up bonus, daily check-in (with a streak bonus) and sharing. Each is a ledger
 * grant whose key names the user and the day, so asking twice never grants twice. "Day" is the
 * calendar day in the user's own time zone. Each is once per mailbox, not per account: the sign-up
 * bonus ever ({@link AccountDeletion#claimSignupBonus}), the daily rewards each day ({@link
 * #claimDay}), so the accounts of one inbox's aliases collect them once. The referral reward is {@link Referrals}'. Each grant is
 * announced to the user ({@link Ledger#grantAnnounced}: {@code signup-bonus}, {@code check-in}, {@code
 * share}).
 */
@Service
public class Rewards {

    private final Ledger ledger;
    private final Users users;
    private final RewardDayStore days;
    private final Referrals referrals;
    private final RewardsProperties props;
    private final ProductCatalog catalog;
    private final Clock clock;
    private final AccountDeletion accounts;
    private final PublicUrl publicUrl;
    private final SignupBonusWaits waits;
    private final UserAdministration administration;

    Rewards(
            Ledger ledger,
            Users users,
            AccountDeletion accounts,
            RewardDayStore days,
            Referrals referrals,
            RewardsProperties props,
            ProductCatalog catalog,
            Clock clock,
            PublicUrl publicUrl,
            SignupBonusWaits waits,
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
        this.waits = waits;
        this.administration = administration;
    }

    /**
     * At a reinstatement: pays the sign-up bonus that was held while the account was suspended, if
     * one was (an account that never had a bonus held gets nothing here). Still suspended (suspended
     * again meanwhile): it is held again.
     */
    @Transactional
    public RewardResult payWaitingSignupBonus(long userId) {
        // the account row before the wait: a grant at verification locks the row, then holds the wait
        // (a suspended account), and the opposite order here would deadlock with it
        accounts.lockForSignupBonus(userId);
        if (!waits.take(userId)) {
            return new RewardResult.Refused("no sign-up bonus was held for this account");
        }
        return grantSignupBonus(userId);
    }

    /**
     * The free plan's credits, once per user, and only once the email address is verified and while
     * the account is not suspended (then it waits for the reinstatement, {@link
     * SignupBonusAtReinstatement}). One transaction: the account row stays locked from the claim to the
     * grant, so a suspension committing meanwhile waits and cannot slip in between.
     */
    @Transactional
    public RewardResult grantSignupBonus(long userId) {
        Optional<UserAccount> user = users.byId(userId);
        if (user.isEmpty()) {
            return new RewardResult.Refused("unknown user");
        }
        if (!user.get().emailVerified()) {
            return new RewardResult.Refused("the email address is not verified yet");
        }
        switch (accounts.claimSignupBonus(userId)) {
            case CLAIMED -> {}
            case SUSPENDED -> {
                // like a suspended referrer's reward: held, and paid by SignupBonusAtReinstatement
                waits.hold(userId, clock.instant());
                return new RewardResult.Refused(
                        "the account is suspended: the sign-up bonus is paid when it is reinstated");
            }
            case TAKEN -> {
                // an earlier (since deleted) account of the same address had it: once per address, ever
                return new RewardResult.Refused("the sign-up bonus was already paid for this email address");
            }
            case NOT_ELIGIBLE -> {
                return new RewardResult.Refused("the account is deleted or its email address is not verified");
            }
        }
        return granted(
                ledger.grantAnnounced(
                        "signup-bonus",
                        userId,
                        catalog.signupBonus(),
                        GrantSource.SIGNUP,
                        "signup:" + userId,
                        null,
                        "sign-up bonus",
                        null),
                "signup:" + userId,
                0);
    }

    /**
     * Daily check-in: 2 credits, 5 on every 7th consecutive day; only for a live account whose email
     * address is verified; once a calendar day per mailbox as {@link #claimDay} counts days (the streak
     * is the mailbox's too).
     */
    @Transactional
    public RewardResult checkIn(long userId) {
        Optional<RewardResult> refused = ineligible(userId);
        if (refused.isPresent()) {
            return refused.get();
        }
        UserAccount user = users.byId(userId).orElseThrow();
        ZonedDateTime now = now(user);
        String key = "reward:check-in:" + userId + ":" + now.toLocalDate();
        RewardDayStore.Claim claim = claimDay(user, RewardDayStore.Kind.CHECK_IN, now);
        if (claim instanceof RewardDayStore.Claim.NotDue notDue) {
            int made = days.latest(userId, accounts.dailyRewardKey(user), RewardDayStore.Kind.CHECK_IN)
                    .map(RewardDayStore.Latest::streak)
                    .orElse(0);
            return notDue.byThisAccount()
                    ? new RewardResult.AlreadyGranted(key, made)
                    : new RewardResult.TakenByMailbox("check-in");
        }
        int streak = ((RewardDayStore.Claim.Given) claim).streak();
        long amount = streak % props.streakDays() == 0 ? props.checkInStreak() : props.checkIn();
        return granted(
                ledger.grantAnnounced(
                        "check-in",
                        userId,
                        amount,
                        GrantSource.REWARD,
                        key,
                        null,
                        "daily check-in, day " + streak,
                        null),
                key,
                streak);
    }

    /**
     * Sharing: 2 credits at most once a calendar day per mailbox as {@link #claimDay} counts days; only
     * for a live account whose email address is verified.
     */
    @Transactional
    public RewardResult share(long userId) {
        Optional<RewardResult> refused = ineligible(userId);
        if (refused.isPresent()) {
            return refused.get();
        }
        UserAccount user = users.byId(userId).orElseThrow();
        ZonedDateTime now = now(user);
        String key = "reward:share:" + userId + ":" + now.toLocalDate();
        if (claimDay(user, RewardDayStore.Kind.SHARE, now) instanceof RewardDayStore.Claim.NotDue notDue) {
            return notDue.byThisAccount()
                    ? new RewardResult.AlreadyGranted(key, 0)
                    : new RewardResult.TakenByMailbox("share");
        }
        return granted(
                ledger.grantAnnounced("share", userId, props.share(), GrantSource.REWARD, key, null, "shared", null),
                key,
                0);
    }

    /**
     * Claims today's daily reward of {@code kind} (today in the user's current time zone) for the user
     * and their mailbox: every alias and spelling of one inbox, and every account it had (a deleted one
     * too: deleting and signing up again gives no second reward that day), share one series of days.
     * Never a day before the mailbox's latest one, and never a second one within one calendar day of
     * the current zone, so changing the time zone (east or west, between calls or during one), or
     * asking from another account of the mailbox in another zone, gives no extra reward. Serialized per
     * user and per mailbox and kind.
     */
    private RewardDayStore.Claim claimDay(UserAccount user, RewardDayStore.Kind kind, ZonedDateTime now) {
        LocalDate today = now.toLocalDate();
        return days.claim(
                user.id(),
                accounts.dailyRewardKey(user),
                kind,
                today,
                today.atStartOfDay(now.getZone()).toInstant(),
                now.toInstant());
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
        // the row held FOR SHARE until the grant commits: a suspension committing meanwhile is waited
        // for and seen, never granted beside (the request filter checked it before the call only)
        if (!administration.lockActive(userId)) {
            return Optional.of(new RewardResult.Refused("the account is suspended"));
        }
        return Optional.empty();
    }

    /** The user's streak, referral code and link, and what referrals earned (the rewards page and API). */
    public RewardStatus status(long userId) {
        UserAccount user = users.byId(userId).orElseThrow(() -> new IllegalArgumentException("unknown user"));
        ZonedDateTime now = now(user);
        LocalDate today = now.toLocalDate();
        Instant dayStart = today.atStartOfDay(now.getZone()).toInstant();
        Optional<RewardDayStore.Latest> latest =
                days.latest(userId, accounts.dailyRewardKey(user), RewardDayStore.Kind.CHECK_IN);
        // as a check-in now would decide: also a day after today's, or a reward given since today began,
        // after the user's zone moved (never a day before the latest one, never two in one calendar day),
        // or by another account of the same mailbox
        boolean checkedInToday = latest.filter(l -> l.blocks(today, dayStart)).isPresent();
        boolean byAnotherAccount =
                checkedInToday && !days.blocksOwn(userId, RewardDayStore.Kind.CHECK_IN, today, dayStart);
        int streak = latest.filter(l -> !l.day().isBefore(today.minusDays(1)))
                .map(RewardDayStore.Latest::streak)
                .orElse(0);
        String code = referrals.referralCode(userId);
        ReferralStore.Tally tally = referrals.tally(userId);
        return new RewardStatus(
                streak,
                checkedInToday,
                byAnotherAccount,
                code,
                publicUrl.get() + "/signup?ref=" + code,
                tally.referred(),
                tally.earned(),
                new RewardStatus.Terms(
                        props.checkIn(), props.checkInStreak(), props.streakDays(), props.share(), props.referral()),
                today,
                now.getZone().getId());
    }

    /** The time in the user's own time zone. */
    private ZonedDateTime now(UserAccount user) {
        return clock.instant().atZone(TimeZones.zoneOf(user.timeZone()));
    }

    private static RewardResult granted(GrantResult g, String key, int streak) {
        if (g instanceof GrantResult.Forfeited) {
            // deleted while asking: the ledger forfeited it as it landed
            return new RewardResult.Refused("the account is deleted");
        }
        return g instanceof GrantResult.AlreadyGranted
                ? new RewardResult.AlreadyGranted(key, streak)
                : new RewardResult.Granted(g.amount(), streak, key);
    }
}
