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
        @DefaultValue("2") long share) {}
