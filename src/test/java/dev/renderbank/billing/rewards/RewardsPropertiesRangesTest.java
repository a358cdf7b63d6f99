package dev.renderbank.billing.rewards;

import static dev.renderbank.support.PropertyRanges.accepted;
import static dev.renderbank.support.PropertyRanges.refused;

import org.junit.jupiter.api.Test;

/**
 * The daily rewards are credits granted by the ledger, which takes only positive amounts: a zero or
 * negative check-in or share reward would fail every claim with an error (500) instead of refusing the
 * setting at start; a streak of zero days divides by zero on every check-in. A referral reward of 0
 * grants nothing (a referral grants only a positive amount); a negative one is refused.
 */
class RewardsPropertiesRangesTest {

    static final String P = "renderbank.rewards";

    @Test
    void everyDailyRewardIsAtLeastOneCredit() {
        refused(P, RewardsProperties.class, "renderbank.rewards.check-in", "0");
        refused(P, RewardsProperties.class, "renderbank.rewards.check-in-streak", "-5");
        refused(P, RewardsProperties.class, "renderbank.rewards.share", "0");
        refused(P, RewardsProperties.class, "renderbank.rewards.share", "-2");
    }

    @Test
    void theReferralRewardIsZeroOrMore() {
        refused(P, RewardsProperties.class, "renderbank.rewards.referral", "-10");
        accepted(P, RewardsProperties.class, "renderbank.rewards.referral", "0");
    }

    @Test
    void aStreakIsAtLeastOneDay() {
        refused(P, RewardsProperties.class, "renderbank.rewards.streak-days", "0");
        refused(P, RewardsProperties.class, "renderbank.rewards.streak-days", "-7");
    }
}
