package dev.renderbank.billing;

import java.time.LocalDate;

/**
 * Where a user stands with the free-credit rewards: the daily check-in streak (0 once a day was
 * missed), the user's referral code and sign-up link, how many signed up through it and what their
 * first purchases paid the user, the {@code terms} in credits, whether today's check-in was
 * collected by another account of the same mailbox (the daily rewards are once per mailbox), and the calendar day the daily rewards
 * count as {@code today}: the date in the user's {@code timeZone}.
 */
public record RewardStatus(
        int streak,
        boolean checkedInToday,
        boolean checkedInByAnotherAccount,
        String referralCode,
        String referralUrl,
        long referred,
        long earned,
        Terms terms,
        LocalDate today,
        String timeZone) {

    /** What each reward pays, from configuration: check-in, every {@code streakDays}th day, share, referral. */
    public record Terms(long checkIn, long checkInStreak, int streakDays, long share, long referral) {}
}
