package dev.renderbank.billing;

/**
 * Where a user stands with the free-credit rewards: the daily check-in streak (0 once a day was
 * missed), the user's referral code and sign-up link, how many signed up through it and what their
 * first purchases paid the user, and the {@code terms} in credits.
 */
public record RewardStatus(
        int streak,
        boolean checkedInToday,
        String referralCode,
        String referralUrl,
        long referred,
        long earned,
        Terms terms) {

    /** What each reward pays, from configuration: check-in, every {@code streakDays}th day, share, referral. */
    public record Terms(long checkIn, long checkInStreak, int streakDays, long share, long referral) {}
}
