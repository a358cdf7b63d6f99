package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * A charge's refunded total going up and down more than once (refunds that fail, then new ones)
 * never leaves the user more than the purchase granted, nor loses a yearly plan's month that started
 * while the charge was refunded. Here no Stripe API key is set, so each
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

    /**
     * A month that starts while the whole charge is refunded waits; it is not counted as granted with
     * nothing. When the refund fails, the months that started meanwhile are granted, and the year
     * still grants all twelve of its months.
     */
    @Test
    void aMonthThatStartsWhileTheChargeIsRefundedIsGrantedWhenTheRefundFails() throws Exception {
        YearlyPlan plan = yearlyPlan(true);
        stripe(StripeWebhookTest.refunded(id("evt"), plan.charge(), plan.paymentIntent(), 19900, 19900));
        assertThat(available(plan.user())).as("refunded in full").isZero();

        Instant secondMonth = plan.start().atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        clock.advance(Duration.between(clock.instant(), secondMonth.plusSeconds(60)));
        awaitSweep();
        assertThat(available(plan.user()))
                .as("the second month started while refunded")
                .isZero();

        stripe(StripeWebhookTest.refunded(id("evt"), plan.charge(), plan.paymentIntent(), 19900, 0));
        assertThat(available(plan.user()))
                .as("the refund failed: the first month back, the second granted")
                .isEqualTo(1000);

        clock.advance(Duration.between(clock.instant(), plan.end().plus(Duration.ofDays(31))));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(available(plan.user())).isEqualTo(12 * 500));
        awaitSweep();
        assertThat(available(plan.user())).as("the whole year, once").isEqualTo(12 * 500);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }
}
