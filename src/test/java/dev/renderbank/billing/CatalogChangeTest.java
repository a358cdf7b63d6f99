package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.ChangedCatalog;
import dev.renderbank.support.OpenedCheckouts;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * The catalogue changes (an operator sets another {@code credits}, restarts) while checkouts opened
 * before are still payable: a Stripe Checkout Session lives a day, a Creem checkout page as long as
 * Creem keeps it. What the buyer pays for is what the checkout offered when it was opened, so that is
 * what its payment grants, not the catalogue's amount of the day the payment arrives. A plan's
 * subscription keeps granting what its checkout offered while it stays on that plan (renewals too);
 * a subscription whose checkout recorded no offer (opened before offers were recorded) is granted
 * what the catalogue says, as before.
 */
class CatalogChangeTest extends BillingIntegrationTest {

    @Autowired
    ApplicationContext context;

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aStripePackSessionGrantsTheCreditsItsCheckoutOffered() throws Exception {
        UserAccount u = newUser();
        String checkout = checkout(u, "pack-1000");
        String session = asStripeSession(checkout);
        try (var changed =
                ChangedCatalog.apply(context, Map.of("renderbank.catalog.packs.pack-1000.credits", "1500"))) {
            assertThat(changed.catalog().product("pack-1000").orElseThrow().credits())
                    .isEqualTo(1500);
            assertThat(stripeAsSent(StripeWebhookTest.session(id("evt"), session, id("pi"), u.id(), "pack-1000", 4500))
                            .statusCode())
                    .isEqualTo(200);
        }
        assertThat(available(u))
                .as("the 1,000 credits the $45 checkout offered")
                .isEqualTo(1000);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aCreemPackCheckoutGrantsTheCreditsItOfferedWhenTheCatalogueNowSaysFewer() throws Exception {
        UserAccount u = newUser();
        String checkout = checkout(u, "pack-1000");
        try (var changed = ChangedCatalog.apply(context, Map.of("renderbank.catalog.packs.pack-1000.credits", "800"))) {
            assertThat(creem(creemPackPaid(checkout, u.id())).statusCode()).isEqualTo(200);
        }
        assertThat(available(u))
                .as("the 1,000 credits the checkout offered, not 800")
                .isEqualTo(1000);
        assertThat(jdbc.sql("select credits from billing_purchase where user_id = ?")
                        .param(u.id())
                        .query(Long.class)
                        .single())
                .as("the purchase records what it granted (refunds take back its share of that)")
                .isEqualTo(1000);
    }

    /**
     * A Stripe plan checkout opened at 500 credits a month, the plan changed to 600 before it was paid:
     * its first month and its renewals grant 500, what the subscription was sold with. A subscription
     * whose checkout recorded no offer gets the catalogue's 600, as before.
     */
    @Test
    void aStripePlanGrantsWhatItsCheckoutOfferedInItsFirstMonthAndItsRenewals() throws Exception {
        UserAccount u = newUser();
        String checkout = checkout(u, "pro-monthly");
        asStripeSession(checkout);
        String sub = id("sub");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant next = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant after = next.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();

        UserAccount before = newUser();
        String beforeSub = id("sub");
        String unrecorded = OpenedCheckouts.stripeSubscription(jdbc, before.id(), "pro-monthly", beforeSub);
        try (var changed =
                ChangedCatalog.apply(context, Map.of("renderbank.catalog.plans.pro-monthly.credits", "600"))) {
            assertThat(stripeInvoice(u, sub, checkout, start, next, "subscription_create"))
                    .isEqualTo(200);
            assertThat(available(u)).as("the first month as offered").isEqualTo(500);
            assertThat(stripeInvoice(u, sub, checkout, next, after, "subscription_cycle"))
                    .isEqualTo(200);
            assertThat(available(u)).as("a renewal as sold").isEqualTo(1000);

            assertThat(stripeInvoice(before, beforeSub, unrecorded, start, next, "subscription_create"))
                    .isEqualTo(200);
            assertThat(available(before))
                    .as("a checkout that recorded no offer: the catalogue, as before")
                    .isEqualTo(600);
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * The offer holds while the subscription is charged at the price it was sold at. Stripe prices
     * cannot change, so a new price is a new id: renewals at the old (earlier) price grant what was
     * sold; a renewal at the plan's new price (the operator moved the subscription to it) pays the new
     * price and grants the plan as it is now.
     */
    @Test
    void aStripeRenewalAtThePlansNewPriceGrantsThePlanAsItIsNow() throws Exception {
        UserAccount u = newUser();
        String checkout = checkout(u, "pro-monthly");
        asStripeSession(checkout);
        String sub = id("sub");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant next = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant after = next.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        try (var changed = ChangedCatalog.apply(
                context,
                Map.of(
                        "renderbank.catalog.plans.pro-monthly.credits", "600",
                        "renderbank.catalog.plans.pro-monthly.price-minor", "2490",
                        "renderbank.catalog.plans.pro-monthly.stripe-price-id", "price_new_pro-monthly",
                        "renderbank.catalog.plans.pro-monthly.stripe-earlier-price-ids", "price_local_pro-monthly"))) {
            assertThat(stripeInvoice(
                            u, sub, checkout, start, next, "subscription_create", "price_local_pro-monthly", 1990))
                    .isEqualTo(200);
            assertThat(available(u)).as("sold at the old price: as offered").isEqualTo(500);
            assertThat(stripeInvoice(
                            u, sub, checkout, next, after, "subscription_cycle", "price_new_pro-monthly", 2490))
                    .isEqualTo(200);
            assertThat(available(u))
                    .as("renewed at the new price: the plan as it is now")
                    .isEqualTo(1100);
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /** The same with Creem: a plan checkout opened at 500 a month, the plan changed to 400, then paid. */
    @Test
    void aCreemPlanGrantsWhatItsCheckoutOfferedInItsFirstMonthAndItsRenewals() throws Exception {
        UserAccount u = newUser();
        String checkout = checkout(u, "pro-monthly");
        String sub = id("sub");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant next = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant after = next.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        try (var changed =
                ChangedCatalog.apply(context, Map.of("renderbank.catalog.plans.pro-monthly.credits", "400"))) {
            assertThat(creem(creemPlanCheckout(checkout, u.id(), sub)).statusCode())
                    .isEqualTo(200);
            assertThat(creem(creemPlanPaid(checkout, u.id(), sub, start, next)).statusCode())
                    .isEqualTo(200);
            assertThat(available(u)).as("the first month as offered").isEqualTo(500);
            assertThat(creem(creemPlanPaid(checkout, u.id(), sub, next, after)).statusCode())
                    .isEqualTo(200);
            assertThat(available(u)).as("a renewal as sold").isEqualTo(1000);
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /** A checkout opened through the API (simulated payments here), as the buyer's page opens it; its id. */
    private String checkout(UserAccount u, String product) throws Exception {
        var r = api("POST", "/api/v1/checkout", token(u), "{\"product\":\"" + product + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String url = json.readTree(r.body()).path("url").asString();
        return url.substring(url.lastIndexOf('/') + 1);
    }

    /**
     * The checkout as if it had been opened at Stripe (this context's payments are simulated): its row
     * names Stripe and a Checkout Session; returns the session id.
     */
    private String asStripeSession(String checkoutId) {
        String session = id("cs");
        assertThat(jdbc.sql("update billing_checkout set provider = 'stripe', provider_ref = :ref where id = :id")
                        .param("ref", session)
                        .param("id", checkoutId)
                        .update())
                .isEqualTo(1);
        return session;
    }

    private int stripeInvoice(UserAccount u, String sub, String checkoutId, Instant from, Instant to, String reason)
            throws Exception {
        return stripeInvoice(u, sub, checkoutId, from, to, reason, "price_local_pro-monthly", 1990);
    }

    private int stripeInvoice(
            UserAccount u,
            String sub,
            String checkoutId,
            Instant from,
            Instant to,
            String reason,
            String price,
            long amount)
            throws Exception {
        String invoice = StripeWebhookTest.invoice(u.id(), id("evt"), id("in"), sub, price, amount, from, to, reason)
                .replace(
                        "\"metadata\":{\"userId\":\"" + u.id() + "\"}",
                        "\"metadata\":{\"userId\":\"" + u.id() + "\",\"checkoutId\":\"" + checkoutId + "\"}");
        assertThat(invoice).contains(checkoutId);
        return stripeAsSent(invoice).statusCode();
    }

    private static String creemPackPaid(String checkoutId, long userId) {
        String n = id("n");
        return """
                {"id":"evt_%1$s","eventType":"checkout.completed","created_at":1728734325927,
                 "object":{"id":"ch_%1$s","object":"checkout","request_id":"%2$s",
                   "order":{"id":"ord_%1$s","product":"prod_local_pack-1000","amount":4500,"currency":"USD","status":"paid"},
                   "product":{"id":"prod_local_pack-1000"},"customer":{"email":"buyer@example.com"},
                   "status":"completed","metadata":{"userId":"%3$d","product":"pack-1000","checkoutId":"%2$s"}}}""".formatted(n, checkoutId, userId);
    }

    private static String creemPlanCheckout(String checkoutId, long userId, String sub) {
        String n = id("n");
        return """
                {"id":"evt_%1$s","eventType":"checkout.completed","created_at":1728734325927,
                 "object":{"id":"ch_%1$s","object":"checkout","request_id":"%2$s",
                   "order":{"id":"ord_%1$s","product":"prod_local_pro-monthly","amount":1990,"currency":"USD",
                     "status":"paid","type":"recurring"},
                   "product":{"id":"prod_local_pro-monthly"},"customer":{"email":"buyer@example.com"},
                   "subscription":{"id":"%4$s","status":"active"},
                   "status":"completed","metadata":{"userId":"%3$d","product":"pro-monthly","checkoutId":"%2$s"}}}""".formatted(n, checkoutId, userId, sub);
    }

    private static String creemPlanPaid(String checkoutId, long userId, String sub, Instant start, Instant end) {
        String n = id("n");
        return """
                {"id":"evt_%1$s","eventType":"subscription.paid","created_at":%6$d,
                 "object":{"id":"%4$s","object":"subscription","status":"active",
                   "product":{"id":"prod_local_pro-monthly"},"customer":{"email":"buyer@example.com"},
                   "last_transaction_id":"tran_%1$s",
                   "last_transaction":{"id":"tran_%1$s","amount":1990,"currency":"USD"},
                   "current_period_start_date":"%5$s","current_period_end_date":"%7$s",
                   "metadata":{"userId":"%3$d","product":"pro-monthly","checkoutId":"%2$s"}}}""".formatted(n, checkoutId, userId, sub, start, start.toEpochMilli(), end);
    }
}
