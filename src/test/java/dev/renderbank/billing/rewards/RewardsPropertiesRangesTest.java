package dev.renderbank.billing.rewards;

import dev.renderbank.support.PropertyRanges;
import dev.renderbank.support.PropertyRanges.Ranges;
import org.junit.jupiter.api.Test;

/**
 * The daily rewards are credits granted by the ledger, which takes only positive amounts: a zero or
 * negative check-in or share reward would fail every claim with an error (500) instead of refusing the
 * setting at start; a streak of zero days divides by zero on every check-in. A referral reward of 0
 * grants nothing (a referral grants only a positive amount); a negative one is refused.
 */
class RewardsPropertiesRangesTest {

    static final Ranges R = PropertyRanges.of(RewardsProperties.class);

    @Test
    void everyDailyRewardIsAtLeastOneCredit() {
        R.refused("renderbank.rewards.check-in", "0");
        R.refused("renderbank.rewards.check-in-streak", "-5");
        R.refused("renderbank.rewards.share", "0", "-2");
    }

    @Test
    void theReferralRewardIsZeroOrMore() {
        R.refused("renderbank.rewards.referral", "-10");
        R.accepted("renderbank.rewards.referral", "0");
    }

    @Test
    void aStreakIsAtLeastOneDay() {
        R.refused("renderbank.rewards.streak-days", "0", "-7");
    }
}
