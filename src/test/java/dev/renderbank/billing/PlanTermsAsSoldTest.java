package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.ChangedCatalog;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * A subscriber keeps the terms their plan was sold with after the operator changes the plan in the
 * catalogue (and restarts): the account page says what the subscription grants and costs, not what
 * the catalogue sells today. And with Creem as with Stripe, a renewal charged at the plan's new
 * product (the operator moved the subscription to it) pays the new price and grants the plan as it
 * is now; one still at the earlier product keeps what was sold.
 */
class PlanTermsAsSoldTest extends BillingIntegrationTest {

    private static final String PASSWORD = "a-long-password-123";

    @Autowired
    ApplicationContext context;

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void theAccountPageShowsThePlanAsItWasSoldNotAsTheCatalogueSellsItNow() throws Exception {
        UserAccount u = newUser();
        String checkout = checkout(u, "pro-monthly");
        String sub = id("sub");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant next = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        assertThat(creem(planCheckout(checkout, u.id(), sub)).statusCode()).isEqualTo(200);
        assertThat(creem(planPaid(checkout, u.id(), sub, start, next, "prod_local_pro-monthly", 1990))
                        .statusCode())
                .isEqualTo(200);
        assertThat(available(u)).isEqualTo(500);

        try (var changed = ChangedCatalog.apply(
                context,
                Map.of(
                        "renderbank.catalog.plans.pro-monthly.credits", "600",
                        "renderbank.catalog.plans.pro-monthly.price-minor", "2490"))) {
            BrowserSession session = BrowserSession.signIn(port, u.email(), PASSWORD);
            String account = session.get("/account").body();
            assertThat(account)
                    .as("what the subscription renews at")
                    .contains("500 credits every month · $19.90 / month")
                    .doesNotContain("600 credits")
                    .doesNotContain("$24.90");
            String cancel = session.get("/account/plans/" + sub + "/cancel").body();
            assertThat(cancel)
                    .contains("500 credits every month · $19.90 / month")
                    .doesNotContain("600 credits");
            var listed = api("GET", "/api/v1/subscriptions", token(u), null);
            assertThat(json.readTree(listed.body())
                            .get(0)
                            .path("monthlyCredits")
                            .asLong())
                    .isEqualTo(500);
        }
    }

    /**
     * pro-monthly sold at 500 credits for $19.90 under Creem product A; the operator sets 700 credits,
     * $24.90 and a new product B (A listed as earlier). A renewal still at A grants 500; the
     * subscription moved to B at Creem, a renewal at B's $24.90 grants 700, and the account page says so.
     */
    @Test
    void aCreemRenewalAtThePlansNewProductGrantsThePlanAsItIsNow() throws Exception {
        UserAccount u = newUser();
        String checkout = checkout(u, "pro-monthly");
        String sub = id("sub");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant second = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant third = second.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant fourth = third.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        assertThat(creem(planCheckout(checkout, u.id(), sub)).statusCode()).isEqualTo(200);
        assertThat(creem(planPaid(checkout, u.id(), sub, start, second, "prod_local_pro-monthly", 1990))
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
            assertThat(creem(planPaid(checkout, u.id(), sub, second, third, "prod_local_pro-monthly", 1990))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(available(u))
                    .as("renewed at the earlier product: as sold")
                    .isEqualTo(1000);
            assertThat(creem(planPaid(checkout, u.id(), sub, third, fourth, "prod_new_pro-monthly", 2490))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(available(u))
                    .as("renewed at the new product's price: the plan as it is now")
                    .isEqualTo(1700);
            assertThat(BrowserSession.signIn(port, u.email(), PASSWORD)
                            .get("/account")
                            .body())
                    .contains("700 credits every month · $24.90 / month");
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * A plan's price and credits changed in the catalogue while its Creem product stays the same (the
     * change applies to checkouts opened after it): a renewal Creem charges at the price the
     * subscription was sold at is granted the credits it was sold with, not the catalogue's new ones.
     */
    @Test
    void aCreemRenewalChargedAtTheOldPriceOfAnUnchangedProductKeepsTheOffer() throws Exception {
        UserAccount u = newUser();
        String checkout = checkout(u, "pro-monthly");
        String sub = id("sub");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant second = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant third = second.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        assertThat(creem(planCheckout(checkout, u.id(), sub)).statusCode()).isEqualTo(200);
        assertThat(creem(planPaid(checkout, u.id(), sub, start, second, "prod_local_pro-monthly", 1990))
                        .statusCode())
                .isEqualTo(200);
        assertThat(available(u)).isEqualTo(500);
        try (var changed = ChangedCatalog.apply(
                context,
                Map.of(
                        "renderbank.catalog.plans.pro-monthly.credits", "700",
                        "renderbank.catalog.plans.pro-monthly.price-minor", "2490"))) {
            assertThat(creem(planPaid(checkout, u.id(), sub, second, third, "prod_local_pro-monthly", 1990))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(available(u))
                    .as("charged 19.90 as sold: 500 credits, not the catalogue's new 700")
                    .isEqualTo(1000);
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * Case A: pro-monthly sold at 500 credits for $19.90 under product A; the operator sets 600 credits
     * at $21.90 under the same product. Creem keeps charging the subscriber $19.90, plus VAT: 24.08 paid.
     * The tax is no part of the price: the renewal is at the price sold, grants 500, and the account
     * page says $19.90.
     */
    @Test
    void aTaxedRenewalAtThePriceSoldKeepsTheOfferWhenThePlanWasRaisedUnderTheSameProduct() throws Exception {
        UserAccount u = newUser();
        String checkout = checkout(this, u, "pro-monthly");
        String sub = id("sub");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant second = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant third = second.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        assertThat(creem(planCheckout(checkout, u.id(), sub)).statusCode()).isEqualTo(200);
        String product = "prod_local_pro-monthly";
        assertThat(creem(planPaid(checkout, u.id(), sub, start, second, product, 1990, 2408, 418))
                        .statusCode())
                .isEqualTo(200);
        assertThat(available(u)).isEqualTo(500);
        try (var changed = ChangedCatalog.apply(
                context,
                Map.of(
                        "renderbank.catalog.plans.pro-monthly.credits", "600",
                        "renderbank.catalog.plans.pro-monthly.price-minor", "2190"))) {
            assertThat(creem(planPaid(checkout, u.id(), sub, second, third, product, 1990, 2408, 418))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(available(u))
                    .as("charged 19.90 before tax, as sold: 500 credits, not the raised plan's 600")
                    .isEqualTo(1000);
            assertThat(BrowserSession.signIn(port, u.email(), PASSWORD)
                            .get("/account")
                            .body())
                    .contains("500 credits every month · $19.90 / month")
                    .doesNotContain("$21.90");
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * Case B: pro-monthly sold at 700 credits for $24.90; the operator lowers it to 500 credits at $19.90
     * under the same product. Creem keeps charging $24.90: the renewal keeps the 700 it was sold with.
     */
    @Test
    void aRenewalAtThePriceSoldKeepsTheOfferWhenThePlanWasLoweredUnderTheSameProduct() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        String product = "prod_local_pro-monthly";
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant second = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant third = second.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        String checkout;
        try (var sold = ChangedCatalog.apply(
                context,
                Map.of(
                        "renderbank.catalog.plans.pro-monthly.credits", "700",
                        "renderbank.catalog.plans.pro-monthly.price-minor", "2490"))) {
            checkout = checkout(this, u, "pro-monthly");
            assertThat(creem(planCheckout(checkout, u.id(), sub)).statusCode()).isEqualTo(200);
            assertThat(creem(planPaid(checkout, u.id(), sub, start, second, product, 2490, 2490, 0))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(available(u)).isEqualTo(700);
        }
        // The catalogue is back at 500 credits for $19.90, same Creem product.
        assertThat(creem(planPaid(checkout, u.id(), sub, second, third, product, 2490, 2490, 0))
                        .statusCode())
                .isEqualTo(200);
        assertThat(available(u))
                .as("charged 24.90 as sold: 700 credits, not the lowered plan's 500")
                .isEqualTo(1400);
        assertThat(BrowserSession.signIn(port, u.email(), PASSWORD)
                        .get("/account")
                        .body())
                .contains("700 credits every month · $24.90 / month");
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /** A checkout opened through the API (simulated payments here), as the buyer's page opens it; its id. */
    static String checkout(BillingIntegrationTest t, UserAccount u, String product) throws Exception {
        var r = t.api("POST", "/api/v1/checkout", t.token(u), "{\"product\":\"" + product + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String url = JsonMapper.builder().build().readTree(r.body()).path("url").asString();
        return url.substring(url.lastIndexOf('/') + 1);
    }

    private String checkout(UserAccount u, String product) throws Exception {
        return checkout(this, u, product);
    }

    static String planCheckout(String checkoutId, long userId, String sub) {
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

    private static String planPaid(
            String checkoutId, long userId, String sub, Instant start, Instant end, String product, long amount) {
        return planPaid(checkoutId, userId, sub, start, end, product, amount, amount, 0);
    }

    /** A renewal whose transaction is {@code amount} before tax and discount, {@code paid} with {@code tax}. */
    static String planPaid(
            String checkoutId,
            long userId,
            String sub,
            Instant start,
            Instant end,
            String product,
            long amount,
            long paid,
            long tax) {
        String n = id("n");
        return """
                {"id":"evt_%1$s","eventType":"subscription.paid","created_at":%6$d,
                 "object":{"id":"%4$s","object":"subscription","status":"active",
                   "product":{"id":"%8$s"},"customer":{"email":"buyer@example.com"},
                   "last_transaction_id":"tran_%1$s",
                   "last_transaction":{"id":"tran_%1$s","amount":%9$d,"amount_paid":%10$d,"discount_amount":%12$d,
                     "tax_amount":%11$d,"currency":"USD"},
                   "current_period_start_date":"%5$s","current_period_end_date":"%7$s",
                   "metadata":{"userId":"%3$d","product":"pro-monthly","checkoutId":"%2$s"}}}""".formatted(
                        n,
                        checkoutId,
                        userId,
                        sub,
                        start,
                        start.toEpochMilli(),
                        end,
                        product,
                        amount,
                        paid,
                        tax,
                        amount - (paid - tax));
    }
}
