package dev.renderbank.billing.rewards;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Reward amounts in credits ({@code renderbank.rewards.*}); the sign-up bonus is the free plan's credits. */
@ConfigurationProperties("renderbank.rewards")
public record RewardsProperties(
        @DefaultValue("2") long checkIn,
        @DefaultValue("5") long checkInStreak,
        @DefaultValue("7") int streakDays,
        @DefaultValue("10") long referral,
        @DefaultValue("2") long share) {

    /**
     * Each daily reward is a ledger grant, and the ledger takes positive amounts only: a zero or
     * negative one would fail every claim of it with an error; a streak of zero days divides by zero.
     * A referral reward of 0 grants nothing (referrals still recorded); negative means nothing.
     */
    public RewardsProperties {
        atLeastOne(checkIn, "check-in");
        atLeastOne(checkInStreak, "check-in-streak");
        atLeastOne(streakDays, "streak-days");
        if (referral < 0) {
            throw new IllegalArgumentException("renderbank.rewards.referral must be 0 or more (was " + referral + ")");
        }
        atLeastOne(share, "share");
    }

    private static void atLeastOne(long value, String key) {
        if (value < 1) {
            throw new IllegalArgumentException("renderbank.rewards." + key + " must be at least 1 (was " + value + ")");
        }
    }
}
