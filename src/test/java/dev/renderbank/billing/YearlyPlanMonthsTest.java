package dev.renderbank.billing;

import static dev.renderbank.billing.StripeWebhookTest.invoice;
import static dev.renderbank.billing.StripeWebhookTest.refunded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.billing.core.Purchases;
import dev.renderbank.billing.db.PeriodStore;
import dev.renderbank.identity.UserAccount;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A yearly plan (pro-yearly: 19900 for 12 months of 500 credits) grants one month at each month's
 * start: a month starts on the period's day of the month, or on the month's last day when it is
 * shorter; twelve months and never a thirteenth; none while the subscription is paused; and never
 * more than the purchase is still entitled to after a partial refund. The sweep looks at a period
 * when its next month starts, not before and, once its twelfth month is granted, never again.
 */
class YearlyPlanMonthsTest extends BillingIntegrationTest {

    @Autowired
    PeriodStore periods;

    @Autowired
    Purchases purchases;

    @Autowired
    ProductCatalog catalog;

    @Autowired
    TransactionTemplate tx;

    @Test
    void aYearStartingOnJanuary31GrantsEachMonthOnItsDayOrTheMonthsLastDayAndNeverAThirteenth() throws Exception {
        UserAccount u = newUser();
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        int year = today.isBefore(LocalDate.of(today.getYear(), 1, 31)) ? today.getYear() : today.getYear() + 1;
        Instant start = LocalDate.of(year, 1, 31).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = LocalDate.of(year + 1, 1, 31).atStartOfDay(ZoneOffset.UTC).toInstant();
        String invoiceId = id("in");
        // paid ahead of the period's start: its first month is granted with the payment
        stripe(invoice(
                u.id(),
                id("evt"),
                invoiceId,
                id("sub"),
                "price_local_pro-yearly",
                19900,
                start,
                end,
                "subscription_create"));
        assertThat(available(u)).isEqualTo(500);
        long purchase = purchaseOf(invoiceId);

        for (int month = 2; month <= 12; month++) {
            YearMonth ym = YearMonth.of(year, month);
            Instant monthStart = ym.atDay(Math.min(31, ym.lengthOfMonth()))
                    .atStartOfDay(ZoneOffset.UTC)
                    .toInstant();
            long grantedBefore = 500L * (month - 1);
            assertThat(periods.due(monthStart.minusSeconds(1), 10_000))
                    .as("due before %s", ym)
                    .doesNotContain(purchase);
            assertThat(periods.due(monthStart, 10_000)).as("due at %s", ym).contains(purchase);
            moveClockTo(monthStart.minus(Duration.ofHours(1)));
            awaitSweep();
            assertThat(available(u)).as("an hour before %s", ym).isEqualTo(grantedBefore);
            moveClockTo(monthStart.plusSeconds(60));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() ->
                            assertThat(available(u)).as("at %s", monthStart).isEqualTo(grantedBefore + 500));
        }

        // the twelfth month granted, the period is done: never due again
        assertThat(periods.due(end.plus(Duration.ofDays(3650)), 10_000)).doesNotContain(purchase);
        moveClockTo(end.plus(Duration.ofDays(45))); // the year is over, nothing renewed it
        awaitSweep();
        assertThat(available(u)).isEqualTo(12 * 500);
        assertThat(monthsGranted(purchase)).isEqualTo(12);
    }

    /**
     * One subscriber's period whose grant fails (here its subscription row cannot be found) must not
     * keep the sweep from granting every other subscriber's month: it is logged and tried again later.
     */
    @Test
    void aPeriodWhoseGrantFailsDoesNotStopTheOtherSubscribersMonths() throws Exception {
        UserAccount broken = newUser();
        UserAccount fine = newUser();
        Instant start = clock.instant().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
        Instant end = start.atZone(ZoneOffset.UTC).plusYears(1).toInstant();
        Instant secondMonth = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        String brokenInvoice = id("in");
        String fineInvoice = id("in");
        String brokenSub = id("sub");
        stripe(invoice(
                broken.id(),
                id("evt"),
                brokenInvoice,
                brokenSub,
                "price_local_pro-yearly",
                19900,
                start,
                end,
                "subscription_create"));
        stripe(invoice(
                fine.id(),
                id("evt"),
                fineInvoice,
                id("sub"),
                "price_local_pro-yearly",
                19900,
                start,
                end,
                "subscription_create"));
        assertThat(available(broken)).isEqualTo(500);
        assertThat(available(fine)).isEqualTo(500);
        long brokenPeriod = purchaseOf(brokenInvoice);
        // the broken period names a subscription that is not there, and comes first in the sweep
        jdbc.sql("""
                        update billing_subscription_period
                           set subscription_id = :gone, next_grant_at = next_grant_at - interval '1 second'
                         where purchase_id = :p""").param("gone", id("sub_gone")).param("p", brokenPeriod).update();
        try {
            moveClockTo(secondMonth.plusSeconds(60));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(available(fine))
                            .as("the other subscriber's second month")
                            .isEqualTo(1000));
            assertThat(available(broken)).isEqualTo(500);
            assertThat(periods.due(clock.instant(), 10_000))
                    .as("the failed period waits before it is tried again")
                    .doesNotContain(brokenPeriod);
            assertThat(periods.due(clock.instant().plus(Duration.ofHours(1)), 10_000))
                    .contains(brokenPeriod);
        } finally {
            // repaired, so that later tests' sweeps grant it like any other
            jdbc.sql("update billing_subscription_period set subscription_id = :sub where purchase_id = :p")
                    .param("sub", brokenSub)
                    .param("p", brokenPeriod)
                    .update();
        }
    }

    @Test
    void aSwitchFromYearlyToMonthlyEndsTheYearsMonthsWhereTheMonthlyPeriodStarts() throws Exception {
        YearlyPlan plan = yearlyPlan(false);
        UserAccount u = plan.user();
        String sub = plan.subscription();
        Instant month2 = plan.start().atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant month3 = plan.start().atZone(ZoneOffset.UTC).plusMonths(2).toInstant();
        moveClockTo(month2.plusSeconds(60));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(available(u)).isEqualTo(1000));

        // Ten days into the year's second month the customer switches to pro-monthly in the portal: a
        // new interval restarts the billing cycle, Stripe credits the unused year and the new month is
        // paid from that credit. The monthly period now pays for the subscription's months.
        Instant switchAt = month2.plus(Duration.ofDays(10)).truncatedTo(ChronoUnit.SECONDS);
        Instant monthEnd = switchAt.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        moveClockTo(switchAt);
        String switchEvent = id("evt");
        stripe(StripeWebhookTest.invoice(
                u.id(),
                switchEvent,
                id("in"),
                sub,
                0,
                -14010,
                "subscription_update",
                new StripeWebhookTest.Line("price_local_pro-yearly", -16000, switchAt, plan.end(), true),
                new StripeWebhookTest.Line("price_local_pro-monthly", 1990, switchAt, monthEnd, false)));
        assertThat(eventStatus("stripe", switchEvent)).isEqualTo("PROCESSED");
        // the monthly plan's first month, less the unused share of the year's second month (credited back)
        long less = Math.floorDiv(
                500 * Duration.between(switchAt, month3).toSeconds(),
                Duration.between(month2, month3).toSeconds());
        assertThat(available(u)).isEqualTo(1500 - less);

        // The year's third month would start before the monthly period ends: the year no longer
        // grants it, so the billing month the monthly plan paid for is granted once.
        moveClockTo(month3.plusSeconds(60));
        awaitSweep();
        assertThat(available(u)).isEqualTo(1500 - less);
        assertThat(periods.due(plan.end().plus(Duration.ofDays(3650)), 10_000))
                .doesNotContain(purchaseOf(plan.invoice()));

        moveClockTo(monthEnd);
        stripe(StripeWebhookTest.invoice(
                u.id(),
                id("evt"),
                id("in"),
                sub,
                "price_local_pro-monthly",
                1990,
                monthEnd,
                monthEnd.atZone(ZoneOffset.UTC).plusMonths(1).toInstant(),
                "subscription_cycle"));
        assertThat(available(u)).isEqualTo(2000 - less);
        awaitSweep();
        assertThat(available(u)).isEqualTo(2000 - less);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aMonthThatStartsWhileTheSwitchToMonthlyIsBeingRecordedIsGrantedOnce() throws Exception {
        YearlyPlan plan = yearlyPlan(false);
        UserAccount u = plan.user();
        Instant month2 = plan.start().atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant switchAt = month2.minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        moveClockTo(switchAt);
        awaitSweep();
        assertThat(available(u)).isEqualTo(500);

        // The switch's paid monthly period is being recorded (its event's transaction is open) when the
        // year's second month starts and the sweep looks at the year.
        Product monthly = catalog.product("pro-monthly").orElseThrow();
        CountDownLatch recorded = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        CompletableFuture<Void> switching = CompletableFuture.runAsync(() -> tx.executeWithoutResult(s -> {
            purchases.period(
                    new Purchases.Charge("stripe", u.id(), monthly, 1990, "USD", List.of(id("in"))),
                    plan.subscription(),
                    switchAt,
                    switchAt.atZone(ZoneOffset.UTC).plusMonths(1).toInstant());
            recorded.countDown();
            try {
                commit.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }));
        try {
            assertThat(recorded.await(10, TimeUnit.SECONDS)).isTrue();
            moveClockTo(month2.plusSeconds(60));
            awaitSweep(); // the sweep looks at the year while the switch is being recorded
        } finally {
            commit.countDown();
        }
        switching.get(10, TimeUnit.SECONDS);
        awaitSweep();

        // the year's first month and the monthly plan's: the year's second month started after the
        // monthly period did, which pays for it
        assertThat(available(u)).isEqualTo(1000);
        assertThat(periods.due(plan.end().plus(Duration.ofDays(3650)), 10_000))
                .doesNotContain(purchaseOf(plan.invoice()));
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /** Stripe's invoice.paid for the plan's second year (19900, starting at the first's end); its id. */
    private String paidRenewal(YearlyPlan plan) throws Exception {
        String renewal = id("in");
        stripe(invoice(
                plan.user().id(),
                id("evt"),
                renewal,
                plan.subscription(),
                "price_local_pro-yearly",
                19900,
                plan.end(),
                plan.end().atZone(ZoneOffset.UTC).plusYears(1).toInstant(),
                "subscription_cycle"));
        return renewal;
    }

    /** The renewed year's third month has started: the first year's twelve months and three of it. */
    private void threeMonthsIntoTheRenewal(YearlyPlan plan) {
        moveClockTo(plan.end().atZone(ZoneOffset.UTC).plusMonths(2).toInstant().plusSeconds(60));
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(available(plan.user())).isEqualTo(15 * 500));
    }

    /**
     * The subscription's end (a deletion as its first year ends) is recorded before the payment of a
     * renewal that starts at that end: Stripe took the next year's money all the same. Credits follow
     * money, so the year grants its twelve months on schedule (it granted only its first before, and
     * the other eleven were lost without a word); which of the two is true only Stripe knows, so
     * operators are told, once, when the renewal's second month is granted.
     */
    @Test
    void aPaidRenewalStartingAtTheRecordedEndGrantsItsYearAndIsRaisedToOperatorsOnce() throws Exception {
        YearlyPlan plan = yearlyPlan(false);
        UserAccount u = plan.user();
        String sub = plan.subscription();
        Instant end = plan.end();
        stripe(StripeWebhookTest.subscriptionDeleted(id("evt"), sub, end));

        String renewal = paidRenewal(plan);
        assertThat(available(u)).isEqualTo(1000);
        assertThat(alertsAbout(sub)).isEmpty();

        // the renewal's third month has started: twelve months of the first year, three of the second
        threeMonthsIntoTheRenewal(plan);
        long purchase = purchaseOf(renewal);
        assertThat(monthsGranted(purchase)).isEqualTo(3);
        awaitSweep();
        assertThat(alertsAbout(sub)).singleElement().isEqualTo("billing.period-paid-after-end");
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * The owner set the plan to end with its first year, then took that back, and Stripe renewed it;
     * the renewal's {@code invoice.paid} is processed before the reactivation's event (Stripe does not
     * order webhooks). The renewed year grants its twelve months as if the events had come in order,
     * and nobody is alerted: by the second month the reactivation has cleared the end. Before, the
     * renewal granted its first month only and its period was never looked at again.
     */
    @Test
    void aRenewalReportedBeforeTheReactivationThatAllowedItGrantsItsYear() throws Exception {
        YearlyPlan plan = yearlyPlan(false);
        UserAccount u = plan.user();
        String sub = plan.subscription();
        Instant end = plan.end();
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        stripe(updated(sub, true, end, now.plusSeconds(1)));
        String renewal = paidRenewal(plan);
        stripe(updated(sub, false, end, now.plusSeconds(2)));
        assertThat(available(u)).isEqualTo(1000);

        threeMonthsIntoTheRenewal(plan);
        awaitSweep();
        assertThat(monthsGranted(purchaseOf(renewal))).isEqualTo(3);
        assertThat(alertsAbout(sub)).isEmpty();
    }

    /**
     * The same order with a renewal a 100 % coupon paid (no money: its months follow the subscription's
     * end): once the reactivation's event clears the end, the renewed year's months come. Before, its
     * period, stopped at the end while that was recorded, was never looked at again (its first month only).
     */
    @Test
    void aFreeRenewalReportedBeforeTheReactivationThatAllowedItGrantsItsYearOnceTheEndIsCleared() throws Exception {
        YearlyPlan plan = yearlyPlan(false);
        UserAccount u = plan.user();
        String sub = plan.subscription();
        Instant end = plan.end();
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        stripe(updated(sub, true, end, now.plusSeconds(1)));
        Instant renewedEnd = end.atZone(ZoneOffset.UTC).plusYears(1).toInstant();
        String renewal = id("in");
        stripe(StripeWebhookTest.invoice(
                u.id(),
                id("evt"),
                renewal,
                sub,
                0,
                0,
                "subscription_cycle",
                new StripeWebhookTest.Line("price_local_pro-yearly", 19900, end, renewedEnd, false)));
        assertThat(available(u)).isEqualTo(1000);
        // the renewal's second month starts while the end is still recorded: not granted
        moveClockTo(end.atZone(ZoneOffset.UTC).plusMonths(1).toInstant().plusSeconds(60));
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(available(u)).isEqualTo(13 * 500));
        awaitSweep();
        assertThat(available(u)).isEqualTo(13 * 500);

        stripe(updated(sub, false, end, now.plusSeconds(2)));
        threeMonthsIntoTheRenewal(plan);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aPausedPlansMonthWaitsUntilItResumes() throws Exception {
        YearlyPlan plan = yearlyPlan(false);
        UserAccount u = plan.user();
        String sub = plan.subscription();
        assertThat(available(u)).isEqualTo(500);
        stripe(status("customer.subscription.paused", sub, "paused", clock.instant()));

        clock.advance(Duration.ofDays(32)); // the second month has started, but the plan is paused
        awaitSweep();
        assertThat(available(u)).isEqualTo(500);
        // the paused month is looked at again within the hour, not at every sweep
        long purchase = purchaseOf(plan.invoice());
        assertThat(periods.due(clock.instant(), 10_000)).doesNotContain(purchase);
        assertThat(periods.due(clock.instant().plus(Duration.ofHours(1)), 10_000))
                .contains(purchase);

        stripe(status("customer.subscription.resumed", sub, "active", clock.instant()));
        clock.advance(Duration.ofMinutes(61)); // the paused month is looked at again within the hour
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(available(u)).isEqualTo(1000));
    }

    @Test
    void aYearlyPlanRefunded30PercentGrantsOnly70PercentOfItsYear() throws Exception {
        YearlyPlan plan = yearlyPlan(true);
        UserAccount u = plan.user();
        String pi = plan.paymentIntent();
        String charge = plan.charge();
        Instant start = plan.start();
        Instant end = plan.end();
        stripe(refunded(id("evt"), charge, pi, 19900, 5970)); // 30 %: the plan is worth 4200 of its 6000 credits
        assertThat(available(u)).isEqualTo(500); // the first month is well within that: nothing clawed back

        clock.advance(Duration.between(start, end).plus(Duration.ofDays(31)));
        // eight full months, 200 in the ninth, nothing after
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(available(u)).isEqualTo(4200));
        awaitSweep();
        assertThat(available(u)).isEqualTo(4200);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aYearlyPlanRefunded90PercentAfterTwoMonthsKeepsExactly600AndTakesTheRestFromItsLatestMonthOnly()
            throws Exception {
        YearlyPlan plan = yearlyPlan(true);
        UserAccount u = plan.user();
        String sub = plan.subscription();
        String pi = plan.paymentIntent();
        String charge = plan.charge();
        Instant start = plan.start();
        clock.advance(Duration.ofDays(32)); // month 2
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(available(u)).isEqualTo(1000));

        // 90 %: the plan is worth 600 of its 6000 credits; of the 1000 granted, 400 go back, all of
        // them from month 2 (500), so month 1 is not touched
        String refund = id("evt");
        stripe(refunded(refund, charge, pi, 19900, 17910));

        assertThat(eventStatus("stripe", refund)).isEqualTo("PROCESSED");
        assertThat(available(u)).isEqualTo(600);
        Instant month2 = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        assertThat(jdbc.sql("select ref_key, amount from ledger_entry where user_id = ? and kind = 'CLAWBACK'")
                        .param(u.id())
                        .query((rs, n) -> rs.getString(1) + "=" + rs.getLong(2))
                        .list())
                .singleElement()
                .satisfies(e -> assertThat(e).endsWith(monthKey(sub, start, month2) + "=400"));
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aYearlyPlanRefunded95PercentAfterTwoMonthsTakesItsLatestMonthWholeAndTheRestFromTheMonthBefore()
            throws Exception {
        YearlyPlan plan = yearlyPlan(true);
        UserAccount u = plan.user();
        String sub = plan.subscription();
        Instant start = plan.start();
        clock.advance(Duration.ofDays(32)); // month 2
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(available(u)).isEqualTo(1000));

        // 95 %: the plan is worth 300 of its 6000 credits; of the 1000 granted, 700 go back: all 500
        // of month 2, and 200 of month 1
        stripe(refunded(id("evt"), plan.charge(), plan.paymentIntent(), 19900, 18905));

        assertThat(available(u)).isEqualTo(300);
        Instant month2 = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        assertThat(jdbc.sql("select ref_key, amount from ledger_entry where user_id = ? and kind = 'CLAWBACK'")
                        .param(u.id())
                        .query((rs, n) -> rs.getString(1) + "=" + rs.getLong(2))
                        .list())
                .satisfiesExactlyInAnyOrder(
                        e -> assertThat(e).endsWith(monthKey(sub, start, month2) + "=500"),
                        e -> assertThat(e).endsWith(monthKey(sub, start, start) + "=200"));
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    private long purchaseOf(String invoiceId) {
        return jdbc.sql("select purchase_id from billing_purchase_ref where provider = 'stripe' and ref = ?")
                .param(invoiceId)
                .query(Long.class)
                .single();
    }

    private int monthsGranted(long purchase) {
        return jdbc.sql("select months_granted from billing_subscription_period where purchase_id = ?")
                .param(purchase)
                .query(Integer.class)
                .single();
    }

    /** The grant key of the month from {@code monthStart} of the Stripe period of {@code sub} from {@code start}. */
    private static String monthKey(String sub, Instant start, Instant monthStart) {
        return Purchases.periodKey("stripe", sub, start) + ":month:"
                + YearMonth.from(monthStart.atZone(ZoneOffset.UTC));
    }

    private List<String> alertsAbout(String sub) {
        return jdbc.sql("select kind from operator_alert where message like ? order by id")
                .param("%" + sub + "%")
                .query(String.class)
                .list();
    }

    /** A customer.subscription.updated: set to end at {@code periodEnd}, or running on. */
    private static String updated(String sub, boolean cancelAtPeriodEnd, Instant periodEnd, Instant at) {
        return """
                {"id":"%s","object":"event","created":%d,"type":"customer.subscription.updated",
                 "data":{"object":{"id":"%s","object":"subscription","status":"active",
                   "cancel_at_period_end":%b,"current_period_end":%d,"metadata":{}}}}""".formatted(id("evt"), at.getEpochSecond(), sub, cancelAtPeriodEnd, periodEnd.getEpochSecond());
    }

    private void moveClockTo(Instant at) {
        clock.advance(Duration.between(clock.instant(), at));
    }

    private static String status(String type, String sub, String status, Instant at) {
        return """
                {"id":"%s","object":"event","created":%d,"type":"%s",
                 "data":{"object":{"id":"%s","object":"subscription","status":"%s","metadata":{}}}}""".formatted(id("evt"), at.getEpochSecond(), type, sub, status);
    }
}
