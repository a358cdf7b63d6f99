package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.billing.db.SubscriptionStore;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.ChangedCatalog;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * Creem subscription statuses as Creem documents them: {@code subscription.expired} is not terminal
 * (payment retries follow; only {@code canceled} is), {@code scheduled_cancel} ends grants at the
 * period end, {@code trialing}, {@code past_due} and {@code unpaid} are recorded.
 */
class CreemSubscriptionTest extends BillingIntegrationTest {

    @Autowired
    SubscriptionStore subscriptions;

    @Autowired
    ApplicationContext context;

    @Test
    void anExpiredYearlyPlanWhosePaymentRecoversGrantsEveryMonthOfItsNewYear() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant year = start.atZone(ZoneOffset.UTC).plusYears(1).toInstant();
        Instant nextYear = year.atZone(ZoneOffset.UTC).plusYears(1).toInstant();
        creem(paid(id("evt"), sub, u.id(), "prod_local_pro-yearly", id("tran"), start, year, start));
        assertThat(available(u)).isEqualTo(500);

        clock.advance(Duration.between(start, year).plusMinutes(1)); // the paid year is over
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(available(u)).isEqualTo(12 * 500));
        creem(status("subscription.expired", id("evt"), sub, u.id(), "active", year, year, clock.instant()));

        clock.advance(Duration.ofDays(3)); // a payment retry succeeds
        creem(paid(id("evt"), sub, u.id(), "prod_local_pro-yearly", id("tran"), year, nextYear, clock.instant()));
        assertThat(available(u)).isEqualTo(13 * 500);

        clock.advance(Duration.ofDays(32)); // the new year's second month has started
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(available(u)).isEqualTo(14 * 500));
        assertThat(subscriptions.find("creem", sub).orElseThrow().endsAt()).isNull();
    }

    @Test
    void documentedStatusesAreRecordedAndAScheduledCancelEndsAtThePeriodEnd() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant next = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        creem(paid(id("evt"), sub, u.id(), "prod_local_pro-monthly", id("tran"), start, next, start));

        creem(status("subscription.past_due", id("evt"), sub, u.id(), "past_due", start, next, start.plusSeconds(1)));
        assertThat(subscriptions.find("creem", sub).orElseThrow().status()).isEqualTo("past_due");
        creem(status("subscription.unpaid", id("evt"), sub, u.id(), "unpaid", start, next, start.plusSeconds(2)));
        assertThat(subscriptions.find("creem", sub).orElseThrow().status()).isEqualTo("unpaid");
        creem(status(
                "subscription.scheduled_cancel",
                id("evt"),
                sub,
                u.id(),
                "scheduled_cancel",
                start,
                next,
                start.plusSeconds(3)));
        Subscription cancelling = subscriptions.find("creem", sub).orElseThrow();
        assertThat(cancelling.status()).isEqualTo("scheduled_cancel");
        assertThat(cancelling.endsAt()).isEqualTo(next);

        String trial = id("sub");
        creem(status("subscription.trialing", id("evt"), trial, u.id(), "trialing", start, next, start));
        assertThat(subscriptions.find("creem", trial).orElseThrow().status()).isEqualTo("trialing");
        assertThat(available(u)).isEqualTo(500); // a trial grants nothing
    }

    /**
     * What a scheduled cancel (the cancel renderbank asks Creem for) is followed by: {@code
     * subscription.scheduled_cancel} now, {@code subscription.canceled} when the paid period ends.
     * Neither takes back the paid month, and no grant follows.
     */
    @Test
    void aScheduledCancelAndItsCanceledAtThePeriodEndKeepThePaidPeriod() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant next = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        creem(paid(id("evt"), sub, u.id(), "prod_local_pro-monthly", id("tran"), start, next, start));
        creem(status(
                "subscription.scheduled_cancel",
                id("evt"),
                sub,
                u.id(),
                "scheduled_cancel",
                start,
                next,
                start.plusSeconds(5)));
        assertThat(subscriptions.find("creem", sub).orElseThrow().endsAt()).isEqualTo(next);

        clock.advance(Duration.between(start, next).plusMinutes(1));
        creem(status("subscription.canceled", id("evt"), sub, u.id(), "canceled", start, next, next));
        Subscription ended = subscriptions.find("creem", sub).orElseThrow();
        assertThat(ended.status()).isEqualTo("canceled");
        assertThat(ended.endsAt())
                .as("the paid period, not the time of the event")
                .isEqualTo(next);
        assertThat(available(u))
                .as("the paid month's grant stays, no further grant")
                .isEqualTo(500);
    }

    /**
     * Case C: pro-monthly sold at 500 credits for $19.90 under product A; the operator sets 700 credits at
     * $24.90 under product B (A earlier) and moves the subscription to B at Creem, with a 25 % recurring
     * discount: $18.68 plus VAT paid. The product the period was charged for says it renews at the plan
     * as it is now (the discount is the seller's choice): 700 credits, and the account page says what
     * was charged before tax.
     */
    @Test
    void aDiscountedRenewalAtThePlansNewProductGrantsThePlanAsItIsNow() throws Exception {
        UserAccount u = newUser();
        String checkout = PlanTermsAsSoldTest.checkout(this, u, "pro-monthly");
        String sub = id("sub");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant second = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant third = second.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        assertThat(creem(PlanTermsAsSoldTest.planCheckout(checkout, u.id(), sub))
                        .statusCode())
                .isEqualTo(200);
        assertThat(creem(PlanTermsAsSoldTest.planPaid(
                                checkout, u.id(), sub, start, second, "prod_local_pro-monthly", 1990, 2408, 418))
                        .statusCode())
                .isEqualTo(200);
        assertThat(available(u)).isEqualTo(500);
        try (var changed = ChangedCatalog.apply(
                context,
                Map.of(
                        "renderbank.catalog.plans.pro-monthly.credits", "700",
                        "renderbank.catalog.plans.pro-monthly.price-minor", "2490",
                        "renderbank.catalog.plans.pro-monthly.creem-product-id", "prod_new_pro-monthly",
                        "renderbank.catalog.plans.pro-monthly.creem-earlier-product-ids", "prod_local_pro-monthly"))) {
            // 24.90 less 25 % is 18.68 before tax, 3.92 VAT: 22.60 paid.
            assertThat(creem(PlanTermsAsSoldTest.planPaid(
                                    checkout, u.id(), sub, second, third, "prod_new_pro-monthly", 2490, 2260, 392))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(available(u))
                    .as("renewed at the plan's new product: the plan as it is now, discount or not")
                    .isEqualTo(1200);
            assertThat(BrowserSession.signIn(port, u.email(), "a-long-password-123")
                            .get("/account")
                            .body())
                    .contains("700 credits every month · $18.68 / month");
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * Moved at Creem to the plan's new product (700 credits at $24.90) but charged $19.90 before tax, the
     * price the 500-credit offer was sold at: never more credits than that price bought.
     */
    @Test
    void aRenewalAtTheNewProductChargedTheOffersPriceGetsNoMoreThanTheOffer() throws Exception {
        UserAccount u = newUser();
        String checkout = PlanTermsAsSoldTest.checkout(this, u, "pro-monthly");
        String sub = id("sub");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant second = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant third = second.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        creem(PlanTermsAsSoldTest.planCheckout(checkout, u.id(), sub));
        creem(PlanTermsAsSoldTest.planPaid(
                checkout, u.id(), sub, start, second, "prod_local_pro-monthly", 1990, 2408, 418));
        try (var changed = ChangedCatalog.apply(
                context,
                Map.of(
                        "renderbank.catalog.plans.pro-monthly.credits", "700",
                        "renderbank.catalog.plans.pro-monthly.price-minor", "2490",
                        "renderbank.catalog.plans.pro-monthly.creem-product-id", "prod_new_pro-monthly",
                        "renderbank.catalog.plans.pro-monthly.creem-earlier-product-ids", "prod_local_pro-monthly"))) {
            assertThat(creem(PlanTermsAsSoldTest.planPaid(
                                    checkout, u.id(), sub, second, third, "prod_new_pro-monthly", 2490, 2408, 418))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(available(u)).as("19.90 before tax bought 500 credits").isEqualTo(1000);
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /** A subscription.paid whose last transaction carries tax: amount 1990 before tax, 2408 paid. */
    static String paid(
            String eventId,
            String sub,
            long userId,
            String creemProduct,
            String txn,
            Instant start,
            Instant end,
            Instant createdAt) {
        return """
                {"id":"%s","eventType":"subscription.paid","created_at":%d,
                 "object":{"id":"%s","object":"subscription","status":"active",
                   "product":{"id":"%s"},"customer":{"email":"buyer@example.com"},
                   "last_transaction_id":"%s",
                   "last_transaction":{"id":"%s","amount":1990,"amount_paid":2408,"tax_amount":418,"currency":"USD"},
                   "current_period_start_date":"%s","current_period_end_date":"%s",
                   "metadata":{"userId":"%d"}}}""".formatted(eventId, createdAt.toEpochMilli(), sub, creemProduct, txn, txn, start, end, userId);
    }

    static String status(
            String type,
            String eventId,
            String sub,
            long userId,
            String status,
            Instant start,
            Instant end,
            Instant createdAt) {
        return """
                {"id":"%s","eventType":"%s","created_at":%d,
                 "object":{"id":"%s","object":"subscription","status":"%s",
                   "product":{"id":"prod_local_pro-monthly"},"customer":{"email":"buyer@example.com"},
                   "current_period_start_date":"%s","current_period_end_date":"%s",
                   "metadata":{"userId":"%d"}}}""".formatted(eventId, type, createdAt.toEpochMilli(), sub, status, start, end, userId);
    }
}
