package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.support.Concurrently;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
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
    /**
     * A month granted short (a partial refund left less to grant than the month's credits) gets the
     * rest when the refund fails and the room comes back, once: a repeat of the failure and later
     * sweeps grant nothing more, and the year still grants exactly its twelve months.
     */
    @Test
    void aMonthGrantedShortWhileRefundedGetsTheRestWhenTheRefundFails() throws Exception {
        YearlyPlan plan = yearlyPlan(true);
        refund(plan, 17910); // 90%: the year's 6000 credits leave 600, the first month's 500 are kept
        assertThat(available(plan.user()))
                .as("a partial refund within what is left")
                .isEqualTo(500);

        intoTheSecondMonth(plan);
        assertThat(available(plan.user()))
                .as("the second month granted short: 100 were left to grant")
                .isEqualTo(600);

        refund(plan, 0);
        assertThat(available(plan.user()))
                .as("the refund failed: the second month gets the rest of its 500")
                .isEqualTo(1000);
        refund(plan, 0);
        awaitSweep();
        assertThat(available(plan.user())).as("topped up once").isEqualTo(1000);

        clock.advance(Duration.between(clock.instant(), plan.end().plus(Duration.ofDays(31))));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(available(plan.user())).isEqualTo(12 * 500));
        awaitSweep();
        assertThat(available(plan.user())).as("the whole year, once").isEqualTo(12 * 500);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * The refund that makes room for a short month's rest and another refund of the same charge
     * processed at the same moment, on two threads: in either order the month is topped up at most
     * once, and the user ends with exactly the two months (the other refund leaves room for both).
     */
    @Test
    void aTopUpAndAnotherRefundAtTheSameMomentNeverGrantMoreThanTheMonths() throws Exception {
        List<YearlyPlan> plans = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            YearlyPlan plan = yearlyPlan(true);
            refund(plan, 17910);
            plans.add(plan);
        }
        intoTheSecondMonth(plans.get(0));
        for (YearlyPlan plan : plans) {
            assertThat(available(plan.user()))
                    .as("the second month granted short")
                    .isEqualTo(600);
            String failed = StripeWebhookTest.refunded(id("evt"), plan.charge(), plan.paymentIntent(), 19900, 0);
            String half = StripeWebhookTest.refunded(id("evt"), plan.charge(), plan.paymentIntent(), 19900, 9950);

            var codes = Concurrently.run(
                    () -> stripe(failed).statusCode(), () -> stripe(half).statusCode());

            assertThat(codes).containsOnly(200);
            assertThat(available(plan.user()))
                    .as("two whole months, the second topped up once, whichever refund came first")
                    .isEqualTo(1000);
        }
        awaitSweep();
        for (YearlyPlan plan : plans) {
            assertThat(available(plan.user())).as("no sweep tops up again").isEqualTo(1000);
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    private void refund(YearlyPlan plan, long refundedTotal) throws Exception {
        stripe(StripeWebhookTest.refunded(id("evt"), plan.charge(), plan.paymentIntent(), 19900, refundedTotal));
    }

    private void intoTheSecondMonth(YearlyPlan plan) {
        Instant secondMonth = plan.start().atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        clock.advance(Duration.between(clock.instant(), secondMonth.plusSeconds(60)));
        awaitSweep();
    }
}
