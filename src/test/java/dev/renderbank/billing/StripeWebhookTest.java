package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.identity.UserAccount;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Stripe webhooks signed with stripe-java's own helper (HMAC of {@code t.body}, 300 s tolerance). */
class StripeWebhookTest extends BillingIntegrationTest {

    @Autowired
    Billing billing;

    @Test
    void aPaidCheckoutSessionGrantsThePackOnce() throws Exception {
        UserAccount u = newUser();
        String event = session(id("evt"), opened(u.id(), "pack-1000", id("cs")), id("pi"), u.id(), "pack-1000", 4500);

        assertThat(stripe(event).statusCode()).isEqualTo(200);
        assertThat(stripe(event).statusCode()).isEqualTo(200);
        assertThat(available(u)).isEqualTo(1000);
    }

    /**
     * The Stripe account may be shared with other applications: a paid session renderbank never
     * opened is stored and acknowledged as IGNORED, and grants nothing, even when its metadata names
     * a real user and product.
     */
    @Test
    void aPaidCheckoutSessionRenderbankNeverOpenedIsIgnoredAndGrantsNothing() throws Exception {
        UserAccount u = newUser();
        String eventId = id("evt");
        String foreign = id("cs");
        String event = session(eventId, foreign, id("pi"), u.id(), "pack-1000", 4500);

        assertThat(stripe(event).statusCode()).isEqualTo(200);
        assertThat(eventStatus("stripe", eventId)).isEqualTo("IGNORED");
        assertThat(available(u)).isZero();
        assertThat(jdbc.sql("select count(*) from billing_purchase_ref where provider = 'stripe' and ref = :ref")
                        .param("ref", foreign)
                        .query(Long.class)
                        .single())
                .isZero();

        String subEvent = id("evt");
        String sub = id("sub");
        assertThat(stripe(subscriptionSession(subEvent, id("cs"), sub, u.id(), "pro-monthly"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(eventStatus("stripe", subEvent)).isEqualTo("IGNORED");
        assertThat(billing.subscriptions(u.id())).isEmpty();
    }

    @Test
    void staleForgedAndUnsignedStripeEventsAreRefused() throws Exception {
        UserAccount u = newUser();
        String eventId = id("evt");
        String event = session(eventId, opened(u.id(), "pack-200", id("cs")), id("pi"), u.id(), "pack-200", 990);
        long now = clock.instant().getEpochSecond();

        assertThat(stripe(event, now - 400, STRIPE_SECRET).statusCode()).isEqualTo(401);
        assertThat(stripe(event, now, "whsec_wrong").statusCode()).isEqualTo(401);
        assertThat(stripe(event.substring(0, event.length() - 5), now, "whsec_wrong")
                        .statusCode())
                .isEqualTo(401);
        var unsigned = http.send(
                java.net.http.HttpRequest.newBuilder(uri("/api/webhooks/stripe"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(event))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(stripe("{not json", now, STRIPE_SECRET).statusCode()).isEqualTo(400);

        assertThat(storedEvents("stripe", eventId)).isZero();
        assertThat(available(u)).isZero();
    }

    @Test
    void cumulativeRefundsAndAWonDisputeMoveCreditsExactly() throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));

        stripe(refunded(id("evt"), charge, pi, 990, 495)); // half: 100 back
        assertThat(available(u)).isEqualTo(100);
        stripe(refunded(id("evt"), charge, pi, 990, 495)); // same state again (another event id): nothing
        assertThat(available(u)).isEqualTo(100);

        String dispute = id("dp");
        stripe(dispute("charge.dispute.created", id("evt"), dispute, charge, pi, "needs_response"));
        assertThat(available(u)).isZero();
        stripe(dispute("charge.dispute.closed", id("evt"), dispute, charge, pi, "won"));
        assertThat(available(u)).isEqualTo(100);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void monthlyRenewalsGrantOncePerPeriodAndAPureProrationInvoiceWaitsForTheNextPeriod() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        Instant start = clock.instant();
        Instant next = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        stripe(subscriptionSession(id("evt"), opened(u.id(), "pro-monthly", id("cs")), sub, u.id(), "pro-monthly"));
        assertThat(available(u)).isZero(); // credits come with the paid invoice

        String firstInvoice = invoice(
                u.id(), id("evt"), id("in"), sub, "price_local_pro-monthly", 1990, start, next, "subscription_create");
        stripe(firstInvoice);
        stripe(firstInvoice);
        assertThat(available(u)).isEqualTo(500);

        // An upgrade within the period, invoiced at once: only proration lines, no new period.
        Instant upgrade = start.plusSeconds(86400);
        String proration = id("evt");
        stripe(invoice(
                u.id(),
                proration,
                id("in"),
                sub,
                700,
                700,
                "subscription_update",
                new Line("price_local_pro-monthly", -1925, upgrade, next, true),
                new Line("price_local_proplus-monthly", 2625, upgrade, next, true)));
        assertThat(eventStatus("stripe", proration)).isEqualTo("IGNORED");
        assertThat(available(u)).isEqualTo(500);

        Instant after = next.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        clock.advance(Duration.between(start, next).plusMinutes(1));
        stripe(proPlusRenewal(u.id(), sub, next, after));
        assertThat(available(u)).isEqualTo(500 + 900);
    }

    @Test
    void eachPaidPeriodMovesTheSubscriptionsPlanAndPaidThroughDateForward() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant next = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant after = next.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        stripe(firstMonthlyInvoice(u.id(), id("evt"), id("in"), sub, start));
        assertThat(billing.subscriptions(u.id())).singleElement().satisfies(s -> {
            assertThat(s.product()).isEqualTo("pro-monthly");
            assertThat(s.periodEnd()).isEqualTo(next);
        });

        stripe(proPlusRenewal(u.id(), sub, next, after));
        assertThat(billing.subscriptions(u.id())).singleElement().satisfies(s -> {
            assertThat(s.product()).isEqualTo("proplus-monthly");
            assertThat(s.periodEnd()).isEqualTo(after);
        });
    }

    @Test
    void aSwitchFromYearlyToMonthlyMovesThePlanAndPaidThroughDateToTheNewPeriodAndAnOlderPeriodDoesNot()
            throws Exception {
        YearlyPlan plan = yearlyPlan(false);
        UserAccount u = plan.user();
        String sub = plan.subscription();
        assertThat(billing.subscriptions(u.id())).singleElement().satisfies(s -> {
            assertThat(s.product()).isEqualTo("pro-yearly");
            assertThat(s.periodEnd()).isEqualTo(plan.end().truncatedTo(ChronoUnit.SECONDS));
        });

        // Switched to pro-monthly in the portal: the new interval restarts the cycle, the unused year is
        // credited, and the subscription is now paid through the end of its first month.
        Instant switchAt = clock.instant().truncatedTo(ChronoUnit.SECONDS).plus(Duration.ofDays(10));
        Instant monthEnd = switchAt.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        clock.advance(Duration.ofDays(10));
        String switchInvoice = invoice(
                u.id(),
                id("evt"),
                id("in"),
                sub,
                0,
                -14010,
                "subscription_update",
                new Line("price_local_pro-yearly", -16000, switchAt, plan.end(), true),
                new Line("price_local_pro-monthly", 1990, switchAt, monthEnd, false));
        stripe(switchInvoice);
        assertThat(billing.subscriptions(u.id())).singleElement().satisfies(s -> {
            assertThat(s.product()).isEqualTo("pro-monthly");
            assertThat(s.periodEnd()).isEqualTo(monthEnd);
        });

        // the year's first invoice delivered again, late: the subscription stays on the month
        stripe(invoice(
                u.id(),
                id("evt"),
                plan.invoice(),
                sub,
                "price_local_pro-yearly",
                19900,
                plan.start(),
                plan.end(),
                "subscription_create"));
        assertThat(billing.subscriptions(u.id())).singleElement().satisfies(s -> {
            assertThat(s.product()).isEqualTo("pro-monthly");
            assertThat(s.periodEnd()).isEqualTo(monthEnd);
        });
    }

    @Test
    void aPeriodDeliveredAgainUnderAnotherEventIdIsProcessedAndGrantsNothingMore() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        String invoiceId = id("in");
        Instant start = clock.instant();
        stripe(firstMonthlyInvoice(u.id(), id("evt"), invoiceId, sub, start));
        String again = id("evt");
        stripe(firstMonthlyInvoice(u.id(), again, invoiceId, sub, start)); // the same invoice, another event

        assertThat(eventStatus("stripe", again)).as("done, not retried").isEqualTo("PROCESSED");
        assertThat(available(u)).isEqualTo(500);
    }

    @Test
    void aSwitchFromMonthlyToYearlyInThePortalRecordsTheYearAsANewPeriod() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        // The monthly period starts on the 1st and the switch falls in the same calendar month.
        Instant start = clock.instant()
                .atZone(ZoneOffset.UTC)
                .withDayOfMonth(1)
                .truncatedTo(ChronoUnit.DAYS)
                .toInstant();
        Instant next = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        stripe(invoice(
                u.id(), id("evt"), id("in"), sub, "price_local_pro-monthly", 1990, start, next, "subscription_create"));
        assertThat(available(u)).isEqualTo(500);

        Instant switchAt = clock.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        Instant yearEnd = switchAt.atZone(ZoneOffset.UTC).plusYears(1).toInstant();
        String yearly = id("in");
        String switchEvent = id("evt");
        stripe(invoice(
                u.id(),
                switchEvent,
                yearly,
                sub,
                18995,
                18995,
                "subscription_update",
                new Line("price_local_pro-monthly", -905, switchAt, next, true), // unused monthly time
                new Line("price_local_pro-yearly", 19900, switchAt, yearEnd, false)));
        assertThat(eventStatus("stripe", switchEvent)).isEqualTo("PROCESSED");
        // the year's first month, on top of the paid monthly one, less the monthly month's unused share:
        // its unused time was credited back (credits follow paid time)
        long less = Math.floorDiv(
                500 * Duration.between(switchAt, next).toSeconds(),
                Duration.between(start, next).toSeconds());
        assertThat(available(u)).isEqualTo(500 + 500 - less);

        String pi = id("pi");
        String charge = id("ch");
        stripe(invoicePayment(id("evt"), yearly, pi, charge));
        String refundEvent = id("evt");
        stripe(refunded(refundEvent, charge, pi, 18995, 18995));
        assertThat(eventStatus("stripe", refundEvent)).isEqualTo("PROCESSED");
        assertThat(available(u)).isEqualTo(500);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aCheckoutSessionPaidInFullByAPromotionCodeGrantsThePackOnce() throws Exception {
        UserAccount u = newUser();
        String event = """
                {"id":"%s","object":"event","created":%d,"type":"checkout.session.completed",
                 "data":{"object":{"id":"%s","object":"checkout.session","mode":"payment",
                   "payment_status":"no_payment_required","status":"complete","amount_subtotal":990,"amount_total":0,
                   "total_details":{"amount_discount":990,"amount_shipping":0,"amount_tax":0},
                   "currency":"usd","payment_intent":null,"client_reference_id":"%d",
                   "metadata":{"userId":"%d","product":"pack-200"}}}}""".formatted(
                id("evt"), Instant.now().getEpochSecond(), opened(u.id(), "pack-200", id("cs")), u.id(), u.id());

        stripe(event);
        stripe(event);

        assertThat(available(u)).isEqualTo(200);
    }

    @Test
    void aPeriodPaidInFullByACouponGrantsItsCredits() throws Exception {
        UserAccount u = newUser();
        Instant start = clock.instant();
        Instant next = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        stripe(invoice(
                u.id(),
                id("evt"),
                id("in"),
                id("sub"),
                0,
                0,
                "subscription_create",
                new Line("price_local_pro-monthly", 1990, start, next, false))); // 100 % off: subtotal 1990, total 0

        assertThat(available(u)).isEqualTo(500);
    }

    @Test
    void aRenewalPaidFromTheCustomerBalanceGrantsButATrialDoesNot() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        Instant start = clock.instant();
        Instant next = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant after = next.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        stripe(invoice(
                u.id(),
                id("evt"),
                id("in"),
                sub,
                "price_local_pro-monthly",
                0,
                0,
                start,
                next,
                "subscription_create")); // a free trial month
        assertThat(available(u)).isZero();

        clock.advance(Duration.between(start, next).plusMinutes(1));
        stripe(invoice(
                u.id(),
                id("evt"),
                id("in"),
                sub,
                "price_local_pro-monthly",
                0,
                1990,
                next,
                after,
                "subscription_cycle")); // paid in full from the customer's credit balance
        assertThat(available(u)).isEqualTo(500);
    }

    @Test
    void aRefundOfAnInvoiceThatNamesNoChargeFindsItThroughItsInvoicePayment() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        String invoiceId = id("in");
        String pi = id("pi");
        String charge = id("ch");
        Instant start = clock.instant();
        Instant next = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        stripe(invoice(
                u.id(),
                id("evt"),
                invoiceId,
                sub,
                "price_local_pro-monthly",
                1990,
                start,
                next,
                "subscription_create"));
        stripe(invoicePayment(id("evt"), invoiceId, pi, charge));
        assertThat(available(u)).isEqualTo(500);

        String refundEvent = id("evt");
        stripe(refunded(refundEvent, charge, pi, 1990, 1990));

        assertThat(eventStatus("stripe", refundEvent)).isEqualTo("PROCESSED");
        assertThat(available(u)).isZero();
    }

    @Test
    void anInvoicePaymentArrivingBeforeItsInvoiceIsKeptForIt() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        String invoiceId = id("in");
        String pi = id("pi");
        String charge = id("ch");
        Instant start = clock.instant();
        Instant next = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        stripe(invoicePayment(id("evt"), invoiceId, pi, charge));
        stripe(invoice(
                u.id(),
                id("evt"),
                invoiceId,
                sub,
                "price_local_pro-monthly",
                1990,
                start,
                next,
                "subscription_create"));
        assertThat(available(u)).isEqualTo(500);

        String dp = id("dp");
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "needs_response", 1990));

        assertThat(available(u)).isZero();
    }

    @Test
    void aYearlyPlanGrantsEachMonthAtItsStartAndADeletionAtOnceKeepsThePaidYearsMonths() throws Exception {
        YearlyPlan plan = yearlyPlan(false);
        UserAccount u = plan.user();
        String sub = plan.subscription();
        assertThat(available(u)).isEqualTo(500);

        clock.advance(Duration.ofDays(20));
        awaitSweep();
        assertThat(available(u)).isEqualTo(500); // the next month has not started

        clock.advance(Duration.ofDays(12)); // day 32: month 2 started
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(available(u)).isEqualTo(1000));
        clock.advance(Duration.ofDays(60)); // day 92: months 3 and 4 have started
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(available(u)).isEqualTo(2000));

        // Deleted at once on day 92: the year was paid with money and nothing was refunded, so its
        // months go on (a refund takes back its share); before, they stopped and 8 paid months were kept.
        stripe(subscriptionDeleted(id("evt"), sub, clock.instant()));
        clock.advance(Duration.ofDays(62)); // day 154: months 5 and 6 have started
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(available(u)).isEqualTo(3000));
        clock.advance(Duration.ofDays(400)); // the year is over: twelve months, never a thirteenth
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(available(u)).isEqualTo(6000));
        awaitSweep();
        assertThat(available(u)).isEqualTo(6000);
    }

    /**
     * A period invoiced at a price the catalogue does not map (say a plan switched in Stripe's portal
     * to a price nobody configured here) grants nothing and is kept as failed for an operator: the
     * subscription's metadata and the plan recorded for it name what was bought first, not what this
     * invoice charged for.
     */
    @Test
    void anInvoiceAtAnUnmappedPriceGrantsNothingWhateverPlanItsMetadataNames() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        Instant start = clock.instant();
        Instant next = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        stripe(subscriptionSession(
                id("evt"), opened(u.id(), "proplus-yearly", id("cs")), sub, u.id(), "proplus-yearly"));
        String event = id("evt");
        String unmapped = invoice(
                        u.id(), event, id("in"), sub, "price_unmapped_cheaper", 990, start, next, "subscription_update")
                .replace(
                        "\"metadata\":{\"userId\":\"" + u.id() + "\"}",
                        "\"metadata\":{\"userId\":\"" + u.id() + "\",\"product\":\"proplus-yearly\"}");
        assertThat(unmapped).contains("\"product\":\"proplus-yearly\"");

        assertThat(stripe(unmapped).statusCode()).isEqualTo(200);

        assertThat(available(u)).isZero();
        assertThat(eventStatus("stripe", event)).isEqualTo("FAILED");
        assertThat(jdbc.sql("select last_error from payment_event where provider = 'stripe' and event_id = ?")
                        .param(event)
                        .query(String.class)
                        .single())
                .contains("price_unmapped_cheaper");
    }

    /**
     * Another application's subscription on a shared Stripe account: its invoice names a subscription
     * renderbank never recorded at a price the catalogue does not have. Nothing to grant and nothing
     * for an operator to repair: stored IGNORED, not FAILED (a failure would be kept for an operator
     * and counted for the alert). Even metadata naming a real user changes nothing.
     */
    @Test
    void anInvoiceOfAnotherApplicationsSubscriptionIsIgnored() throws Exception {
        UserAccount u = newUser();
        Instant start = clock.instant();
        Instant next = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        String event = id("evt");
        String foreign = invoice(
                u.id(), event, id("in"), id("sub"), "price_other_app", 1500, start, next, "subscription_create");

        assertThat(stripe(foreign).statusCode()).isEqualTo(200);

        assertThat(eventStatus("stripe", event)).isEqualTo("IGNORED");
        assertThat(available(u)).isZero();
        assertThat(billing.subscriptions(u.id())).isEmpty();
    }

    static String session(String eventId, String sessionId, String pi, long userId, String product, long amount) {
        return """
                {"id":"%s","object":"event","api_version":"2026-07-29.dahlia","created":%d,"type":"checkout.session.completed",
                 "data":{"object":{"id":"%s","object":"checkout.session","mode":"payment","payment_status":"paid",
                   "amount_total":%d,"currency":"usd","payment_intent":"%s","client_reference_id":"%d",
                   "metadata":{"userId":"%d","product":"%s"}}}}""".formatted(eventId, Instant.now().getEpochSecond(), sessionId, amount, pi, userId, userId, product);
    }

    static String subscriptionSession(String eventId, String sessionId, String sub, long userId, String product) {
        return """
                {"id":"%s","object":"event","created":%d,"type":"checkout.session.completed",
                 "data":{"object":{"id":"%s","object":"checkout.session","mode":"subscription","payment_status":"paid",
                   "amount_total":1990,"currency":"usd","subscription":"%s",
                   "metadata":{"userId":"%d","product":"%s"}}}}""".formatted(eventId, Instant.now().getEpochSecond(), sessionId, sub, userId, product);
    }

    /** The first invoice of a new pro-monthly plan (19.90, 500 credits) whose month starts at {@code start}. */
    static String firstMonthlyInvoice(long userId, String eventId, String invoiceId, String sub, Instant start) {
        Instant next = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        return invoice(
                userId, eventId, invoiceId, sub, "price_local_pro-monthly", 1990, start, next, "subscription_create");
    }

    /** A paid renewal of {@code sub} on the pro-plus monthly price for the period {@code from}–{@code to}. */
    private static String proPlusRenewal(long userId, String sub, Instant from, Instant to) {
        return invoice(
                userId, id("evt"), id("in"), sub, "price_local_proplus-monthly", 3490, from, to, "subscription_cycle");
    }

    /** An invoice in the 2025+ shape: subscription and price under parent / pricing. */
    static String invoice(
            long userId,
            String eventId,
            String invoiceId,
            String sub,
            String price,
            long paid,
            Instant start,
            Instant end,
            String reason) {
        return invoice(userId, eventId, invoiceId, sub, price, paid, paid, start, end, reason);
    }

    /** A paid invoice of {@code total}, of which {@code paid} was charged (the rest from the customer balance). */
    static String invoice(
            long userId,
            String eventId,
            String invoiceId,
            String sub,
            String price,
            long paid,
            long total,
            Instant start,
            Instant end,
            String reason) {
        return invoice(userId, eventId, invoiceId, sub, paid, total, reason, new Line(price, total, start, end, false));
    }

    /** One invoice line of a subscription item; {@code proration} marks a mid-period adjustment. */
    record Line(String price, long amount, Instant start, Instant end, boolean proration) {}

    /** A paid invoice with the given lines; its subtotal is their sum (before discounts). */
    static String invoice(
            long userId,
            String eventId,
            String invoiceId,
            String sub,
            long paid,
            long total,
            String reason,
            Line... lines) {
        StringBuilder json = new StringBuilder();
        long subtotal = 0;
        for (Line l : lines) {
            subtotal += l.amount();
            json.append(json.isEmpty() ? "" : ",").append("""
                    {"id":"%s","object":"line_item","amount":%d,
                      "parent":{"type":"subscription_item_details","subscription_item_details":{"subscription":"%s",
                         "proration":%b}},
                      "pricing":{"type":"price_details","price_details":{"price":"%s","product":"prod_x"}},
                      "period":{"start":%d,"end":%d}}""".formatted(
                            id("il"),
                            l.amount(),
                            sub,
                            l.proration(),
                            l.price(),
                            l.start().getEpochSecond(),
                            l.end().getEpochSecond()));
        }
        return """
                {"id":"%s","object":"event","created":%d,"type":"invoice.paid",
                 "data":{"object":{"id":"%s","object":"invoice","status":"paid","amount_paid":%d,"total":%d,
                   "subtotal":%d,"currency":"usd","billing_reason":"%s",
                   "customer_email":"nobody@example.com",
                   "parent":{"type":"subscription_details","subscription_details":{"subscription":"%s",
                      "metadata":{"userId":"%d"}}},
                   "lines":{"data":[%s]}}}}""".formatted(
                eventId, Instant.now().getEpochSecond(), invoiceId, paid, total, subtotal, reason, sub, userId, json);
    }

    /** An invoice_payment.paid (API 2025-03-31+): the only event linking an invoice to its charge. */
    static String invoicePayment(String eventId, String invoiceId, String pi, String charge) {
        return """
                {"id":"%s","object":"event","api_version":"2025-03-31.basil","created":%d,"type":"invoice_payment.paid",
                 "data":{"object":{"id":"%s","object":"invoice_payment","invoice":"%s","status":"paid",
                   "amount_paid":1990,"currency":"usd","is_default":true,
                   "payment":{"type":"payment_intent","payment_intent":"%s","charge":"%s"}}}}""".formatted(eventId, Instant.now().getEpochSecond(), id("inpay"), invoiceId, pi, charge);
    }

    static String subscriptionDeleted(String eventId, String sub, Instant at) {
        return """
                {"id":"%s","object":"event","created":%d,"type":"customer.subscription.deleted",
                 "data":{"object":{"id":"%s","object":"subscription","status":"canceled","ended_at":%d,
                   "metadata":{}}}}""".formatted(eventId, at.getEpochSecond(), sub, at.getEpochSecond());
    }

    static String refunded(String eventId, String charge, String pi, long amount, long refunded) {
        return """
                {"id":"%s","object":"event","created":%d,"type":"charge.refunded",
                 "data":{"object":{"id":"%s","object":"charge","amount":%d,"amount_refunded":%d,"currency":"usd",
                   "payment_intent":"%s","refunded":%b}}}""".formatted(eventId, Instant.now().getEpochSecond(), charge, amount, refunded, pi, refunded == amount);
    }

    /** A dispute of 990 (all of a pack-200 charge). */
    static String dispute(String type, String eventId, String dispute, String charge, String pi, String status) {
        return dispute(type, eventId, dispute, charge, pi, status, 990);
    }

    static String dispute(
            String type, String eventId, String dispute, String charge, String pi, String status, long amount) {
        return """
                {"id":"%s","object":"event","created":%d,"type":"%s",
                 "data":{"object":{"id":"%s","object":"dispute","amount":%d,"currency":"usd","charge":"%s",
                   "payment_intent":"%s","status":"%s"}}}""".formatted(eventId, Instant.now().getEpochSecond(), type, dispute, amount, charge, pi, status);
    }
}
