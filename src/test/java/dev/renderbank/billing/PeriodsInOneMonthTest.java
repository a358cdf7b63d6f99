package dev.renderbank.billing;

import static dev.renderbank.billing.CreemSubscriptionTest.paid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.billing.core.Purchases;
import dev.renderbank.billing.db.PeriodStore;
import dev.renderbank.billing.db.PurchaseRefStore;
import dev.renderbank.billing.db.PurchaseStore;
import dev.renderbank.billing.db.SubscriptionStore;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.support.Concurrently;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every paid subscription period grants its months exactly once, also a second paid period of the
 * same plan that starts in the same UTC month as the one before it (a plan restarted with a new
 * billing cycle, a renewal whose start falls in the month of the previous one, a new year bought
 * within the month of the old year's start). Months were keyed by subscription and UTC month
 * ({@code sub:<id>:<yyyy-MM>}), so such a period found its first month's key taken by the period
 * before it and granted 0 for it although it was paid. Signed webhooks through the real endpoints.
 */
class PeriodsInOneMonthTest extends BillingIntegrationTest {

    @Autowired
    PurchaseStore purchaseStore;

    @Autowired
    PurchaseRefStore purchaseRefs;

    @Autowired
    PeriodStore periods;

    @Autowired
    SubscriptionStore subscriptions;

    @Autowired
    TransactionTemplate tx;

    /** The third day of the next UTC month, 10:00: far enough from a month's edge for two periods in it. */
    private Instant thirdOfNextMonth() {
        LocalDate next = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)
                .withDayOfMonth(1)
                .plusMonths(1);
        return next.withDayOfMonth(3).atTime(10, 0).toInstant(ZoneOffset.UTC);
    }

    private static Instant plusMonths(Instant at, int months) {
        return at.atZone(ZoneOffset.UTC).plusMonths(months).toInstant();
    }

    /**
     * A Stripe pro-monthly subscription whose billing cycle is restarted on the same plan 15 days
     * into its first month (an update with {@code billing_cycle_anchor=now}: a new period, paid in
     * full). The restarted period is paid, so it grants its 500, once: its invoice arrives as two
     * copies under two event ids and one of them twice, all at the same moment, and again later.
     */
    @Test
    void aStripeMonthlyPeriodRestartedInTheSameUtcMonthGrantsItsMonthOnce() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        Instant first = thirdOfNextMonth();
        Instant restart = first.plus(Duration.ofDays(15));
        assertThat(YearMonth.from(restart.atZone(ZoneOffset.UTC)))
                .isEqualTo(YearMonth.from(first.atZone(ZoneOffset.UTC)));
        stripe(StripeWebhookTest.invoice(
                u.id(),
                id("evt"),
                id("in"),
                sub,
                "price_local_pro-monthly",
                1990,
                first,
                plusMonths(first, 1),
                "subscription_create"));
        assertThat(available(u)).isEqualTo(500);

        String invoice = id("in");
        String event = id("evt");
        String copy = id("evt");
        String restarted = StripeWebhookTest.invoice(
                u.id(),
                event,
                invoice,
                sub,
                "price_local_pro-monthly",
                1990,
                restart,
                plusMonths(restart, 1),
                "subscription_update");
        String restartedCopy = restarted.replace(event, copy);
        List<Integer> codes = Concurrently.run(
                () -> stripe(restarted).statusCode(),
                () -> stripe(restarted).statusCode(),
                () -> stripe(restartedCopy).statusCode());
        assertThat(codes).containsOnly(200);
        // a copy's answer may come while the retry worker processes it: the copy that recorded the
        // invoice made the other due at once (WaitingEvents), and the worker took it first
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(20))
                .until(() -> "PROCESSED".equals(eventStatus("stripe", event))
                        && "PROCESSED".equals(eventStatus("stripe", copy)));
        assertThat(available(u))
                .as("the restarted period was paid: its month is granted beside the first period's")
                .isEqualTo(1000);

        stripe(restarted);
        stripe(restarted.replace(event, id("evt")));
        awaitSweep();
        assertThat(available(u)).as("each paid period once").isEqualTo(1000);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * A Creem yearly plan whose subscription is paid again for a new year ten days after the first
     * year started, in the same UTC month. The new year grants its first month when it is paid and its
     * second a month later; the old year grants no month from the new year's start on.
     */
    @Test
    void aCreemYearPaidAgainInTheSameUtcMonthGrantsItsFirstMonthAndTheRestOnSchedule() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        Instant first = thirdOfNextMonth();
        Instant second = first.plus(Duration.ofDays(10));
        creem(paid(id("evt"), sub, u.id(), "prod_local_pro-yearly", id("tran"), first, plusYear(first), first));
        assertThat(available(u)).isEqualTo(500);

        String event = id("evt");
        String renewal =
                paid(event, sub, u.id(), "prod_local_pro-yearly", id("tran"), second, plusYear(second), second);
        List<Integer> codes = Concurrently.run(
                () -> creem(renewal).statusCode(), () -> creem(renewal).statusCode());
        assertThat(codes).containsOnly(200);
        assertThat(eventStatus("creem", event)).isEqualTo("PROCESSED");
        assertThat(available(u))
                .as("the new year was paid: its first month is granted in the month the old year's was")
                .isEqualTo(1000);

        clock.advance(Duration.between(clock.instant(), plusMonths(second, 1).plusSeconds(60)));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(available(u)).isEqualTo(1500));
        awaitSweep();
        assertThat(available(u))
                .as("the new year's second month; the old year's second month started after the new year did")
                .isEqualTo(1500);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * A yearly period recorded before this release, its months granted under the keys of then
     * ({@code sub:<id>:<yyyy-MM>}): the rows are written here as the release before wrote them (the
     * period, its purchase and refs, each month's purchase grant and ledger grant under the old key),
     * with a 90 % refund in between (a real webhook), which left its second month granted short (100
     * of 500). After the upgrade: the period's invoice sent again grants nothing, the refund failing
     * tops the short month up once under its old key, the next month is granted once under the new
     * key, and a full refund takes back every month whichever key it was granted under.
     */
    @Test
    void monthsGrantedUnderTheOldKeysAreNotGrantedAgainAndAShortOneGetsItsRestOnce() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        String invoice = id("in");
        String pi = id("pi");
        String charge = id("ch");
        Instant start = clock.instant().minus(Duration.ofDays(40)).truncatedTo(ChronoUnit.SECONDS);
        Instant end = plusYear(start);
        Instant month2 = plusMonths(start, 1);
        Instant month3 = plusMonths(start, 2);
        String key = Purchases.periodKey("stripe", sub, start);
        long purchase = tx.execute(s -> {
            subscriptions.ensure("stripe", sub, u.id(), "pro-yearly", "active", start, clock.instant());
            subscriptions.recordPaidPeriod("stripe", sub, "pro-yearly", start, end);
            long id = purchaseStore
                    .insert(key, "stripe", u.id(), "pro-yearly", 6000, 19900, 0, "USD", clock.instant())
                    .orElseThrow();
            purchaseRefs.add("stripe", id, List.of(invoice, pi, charge));
            periods.insert(id, "stripe", sub, start, end, 500, 12);
            oldMonthGrant(u, id, sub, start, 500);
            periods.advance(id, 1, null);
            return id;
        });
        assertThat(available(u)).isEqualTo(500);
        stripe(StripeWebhookTest.refunded(id("evt"), charge, pi, 19900, 17910)); // 90 %: 600 of 6000 left
        tx.executeWithoutResult(s -> {
            purchaseStore.lock(purchase);
            oldMonthGrant(u, purchase, sub, month2, 100); // the second month, granted short
            periods.advance(purchase, 2, month3);
        });
        assertThat(available(u)).isEqualTo(600);

        // upgraded: the period's invoice again (a late copy under another event id) grants nothing
        stripe(StripeWebhookTest.invoice(
                u.id(), id("evt"), invoice, sub, "price_local_pro-yearly", 19900, start, end, "subscription_create"));
        assertThat(available(u)).isEqualTo(600);

        stripe(StripeWebhookTest.refunded(id("evt"), charge, pi, 19900, 0)); // the refund failed
        assertThat(available(u))
                .as("the second month, granted short under its old key, gets its rest")
                .isEqualTo(1000);
        stripe(StripeWebhookTest.refunded(id("evt"), charge, pi, 19900, 0));
        awaitSweep();
        assertThat(available(u)).as("topped up once").isEqualTo(1000);

        clock.advance(Duration.between(clock.instant(), month3.plusSeconds(60)));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(available(u)).isEqualTo(1500));
        awaitSweep();
        assertThat(available(u))
                .as("the third month once; the first two not again")
                .isEqualTo(1500);
        assertThat(purchaseStore.grantKeys(purchase))
                .containsExactlyInAnyOrder(
                        oldMonthKey(sub, start),
                        oldMonthKey(sub, month2),
                        oldMonthKey(sub, month2) + ":top-up:1",
                        key + ":month:" + YearMonth.from(month3.atZone(ZoneOffset.UTC)));

        stripe(StripeWebhookTest.refunded(id("evt"), charge, pi, 19900, 19900));
        assertThat(available(u))
                .as("a full refund takes back the months under either key")
                .isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    private static String oldMonthKey(String sub, Instant monthStart) {
        return "sub:" + sub + ":" + YearMonth.from(monthStart.atZone(ZoneOffset.UTC));
    }

    /** A month's grant as the release before made it: the purchase's grant and the ledger's, under the old key. */
    private void oldMonthGrant(UserAccount u, long purchase, String sub, Instant monthStart, long amount) {
        String key = oldMonthKey(sub, monthStart);
        assertThat(purchaseStore.addGrant(purchase, key, amount, clock.instant()))
                .isTrue();
        ledger.grant(
                u.id(),
                amount,
                GrantSource.SUBSCRIPTION,
                key,
                "pro-yearly",
                "pro-yearly credits for " + YearMonth.from(monthStart.atZone(ZoneOffset.UTC)));
    }

    private static Instant plusYear(Instant at) {
        return at.atZone(ZoneOffset.UTC).plusYears(1).toInstant();
    }
}
