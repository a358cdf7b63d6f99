package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A charge's refunded total going up and down more than once (refunds that fail, then new ones)
 * never leaves the user more than the purchase granted. Here no Stripe API key is set, so each
 * {@code charge.refunded} stands for the charge's current state (the development fallback).
 */
class StripeRefundTotalsTest extends BillingIntegrationTest {

    @Test
    void aYearlyPlansRefundFailingTwiceGivesBackOnlyWhatWasTakenEachTime() throws Exception {
        YearlyPlan plan = yearlyPlan(true);
        assertThat(available(plan.user())).as("the year's first month").isEqualTo(500);
        for (int round = 0; round < 2; round++) {
            stripe(StripeWebhookTest.refunded(id("evt"), plan.charge(), plan.paymentIntent(), 19900, 19900));
            assertThat(available(plan.user()))
                    .as("round " + round + ": refunded")
                    .isZero();
            stripe(StripeWebhookTest.refunded(id("evt"), plan.charge(), plan.paymentIntent(), 19900, 0));
            assertThat(available(plan.user()))
                    .as("round " + round + ": the refund failed, the month is back, no more")
                    .isEqualTo(500);
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }
}
