package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.ChangedCatalog;
import java.net.CookieManager;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The default, key-less purchase path end to end over HTTP: API checkout → the local checkout
 * page (logged in as the buyer) → "Pay" → the Creem-format events handed to the webhook intake → credits.
 */
class SimulatedCheckoutTest extends BillingIntegrationTest {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    @Autowired
    ApplicationContext context;

    private static final String PASSWORD = "a-long-password-123";
    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void buyingAPackThroughTheSimulatedCheckoutGrantsItsCredits() throws Exception {
        UserAccount u = newUser();
        var checkout = api("POST", "/api/v1/checkout", token(u), "{\"product\":\"pack-500\"}");
        assertThat(checkout.statusCode()).isEqualTo(200);
        String path = pathOf(json.readTree(checkout.body()).path("url").asString());
        assertThat(path).startsWith("/checkout/simulated/chk_");

        Browser browser = login(u);
        var page = browser.get(path);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("pack-500").contains("USD 22.90");

        var paid = browser.post(path + "/pay", "_csrf=" + csrf(page.body()));
        assertThat(paid.statusCode()).isEqualTo(200);
        assertThat(paid.body()).contains("Payment received");
        assertThat(available(u)).isEqualTo(500);

        // paying again is a replay of the same webhook: nothing more
        browser.post(path + "/pay", "_csrf=" + csrf(browser.get(path).body()));
        assertThat(available(u)).isEqualTo(500);
    }

    /**
     * A pack and a plan added in configuration (only credits and price set, as docs/CONFIGURATION.md
     * allows) are bought like the built-in ones: their provider ids default to the placeholders the
     * simulated checkout understands, so its events name a product the catalogue maps.
     */
    @Test
    void aPackAndAPlanAddedInConfigurationAreBoughtWithSimulatedPayments() throws Exception {
        try (var changed = ChangedCatalog.apply(
                context,
                Map.of(
                        "renderbank.catalog.packs.pack-300.credits", "300",
                        "renderbank.catalog.packs.pack-300.price-minor", "1290",
                        "renderbank.catalog.plans.team-monthly.credits", "2000",
                        "renderbank.catalog.plans.team-monthly.price-minor", "6990"))) {
            UserAccount u = newUser();
            var checkout = api("POST", "/api/v1/checkout", token(u), "{\"product\":\"pack-300\"}");
            assertThat(checkout.statusCode()).as(checkout.body()).isEqualTo(200);
            String path = pathOf(json.readTree(checkout.body()).path("url").asString());
            Browser browser = login(u);
            var page = browser.get(path);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("pack-300").contains("USD 12.90");

            var paid = browser.post(path + "/pay", "_csrf=" + csrf(page.body()));
            assertThat(paid.statusCode()).isEqualTo(200);
            assertThat(paid.body()).contains("Payment received");
            assertThat(available(u)).isEqualTo(300);

            var plan = api("POST", "/api/v1/checkout", token(u), "{\"product\":\"team-monthly\"}");
            assertThat(plan.statusCode()).as(plan.body()).isEqualTo(200);
            String planPath = pathOf(json.readTree(plan.body()).path("url").asString());
            var planPaid = browser.post(
                    planPath + "/pay", "_csrf=" + csrf(browser.get(planPath).body()));
            assertThat(planPaid.body()).contains("Payment received");
            assertThat(available(u)).as("the pack and the plan's first month").isEqualTo(300 + 2000);
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aSimulatedPlanGrantsItsFirstMonthAndCanBeCancelled() throws Exception {
        UserAccount u = newUser();
        String token = token(u);
        var checkout = api("POST", "/api/v1/checkout", token, "{\"product\":\"pro-monthly\"}");
        String path = pathOf(json.readTree(checkout.body()).path("url").asString());
        Browser browser = login(u);
        browser.post(path + "/pay", "_csrf=" + csrf(browser.get(path).body()));
        assertThat(available(u)).isEqualTo(500);

        JsonNode subs =
                json.readTree(api("GET", "/api/v1/subscriptions", token, null).body());
        assertThat(subs.size()).isEqualTo(1);
        String subId = subs.path(0).path("id").asString();
        var cancelled = api("POST", "/api/v1/subscriptions/" + subId + "/cancel", token, null);
        assertThat(cancelled.statusCode()).isEqualTo(200);
        assertThat(cancelled.body()).contains("\"status\":\"canceled\"");
        assertThat(api("POST", "/api/v1/subscriptions/" + subId + "/cancel", token(newUser()), null)
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void anotherUsersCheckoutPageIsNotFound() throws Exception {
        UserAccount buyer = newUser();
        var checkout = api("POST", "/api/v1/checkout", token(buyer), "{\"product\":\"pack-200\"}");
        String path = pathOf(json.readTree(checkout.body()).path("url").asString());
        assertThat(login(newUser()).get(path).statusCode()).isEqualTo(404);
    }

    /**
     * A checkout started for a product the catalogue no longer has (its configuration changed since):
     * its page and its "Pay" say so with 410, not a 500, and pay nothing: no event, no credits, the
     * checkout still open.
     */
    @Test
    void aCheckoutOfAProductNoLongerSoldIsGoneAndPaysNothing() throws Exception {
        UserAccount u = newUser();
        var checkout = api("POST", "/api/v1/checkout", token(u), "{\"product\":\"pack-200\"}");
        String path = pathOf(json.readTree(checkout.body()).path("url").asString());
        String id = path.substring(path.lastIndexOf('/') + 1);
        Browser browser = login(u);
        String form = "_csrf=" + csrf(browser.get(path).body());
        // the catalogue no longer has the checkout's product
        jdbc.sql("update billing_checkout set product = 'pack-retired' where id = ?")
                .param(id)
                .update();

        var page = browser.get(path);
        assertThat(page.statusCode()).isEqualTo(410);
        assertThat(page.body()).contains("pack-retired").contains("no longer sold");
        var paid = browser.post(path + "/pay", form);
        assertThat(paid.statusCode()).isEqualTo(410);
        assertThat(paid.body()).contains("no longer sold").doesNotContain("Reference");

        assertThat(available(u)).isZero();
        assertThat(jdbc.sql("select count(*) from payment_event where event_id like ?")
                        .param("%" + id + "%")
                        .query(Long.class)
                        .single())
                .as("no payment event")
                .isZero();
        assertThat(jdbc.sql("select status from billing_checkout where id = ?")
                        .param(id)
                        .query(String.class)
                        .single())
                .isEqualTo("OPEN");
    }

    @Test
    void checkoutRefusalsAndIdempotencyKeys() throws Exception {
        String token = token(newUser());
        var unknown = api("POST", "/api/v1/checkout", token, "{\"product\":\"pack-3\"}");
        assertThat(unknown.statusCode()).isEqualTo(422);
        assertThat(unknown.body()).contains("\"field\":\"product\"");
        assertThat(api("POST", "/api/v1/checkout", token, "{}").statusCode()).isEqualTo(400);
        assertThat(api("POST", "/api/v1/checkout", token, "not json").statusCode())
                .isEqualTo(400);

        var first = keyed(token, "key-1", "pack-200");
        var again = keyed(token, "key-1", "pack-200");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(keyed(token, "key-1", "pack-500").statusCode()).isEqualTo(422);
        assertThat(keyed(token(newUser()), "key-1", "pack-200").body()).isNotEqualTo(first.body());
    }

    /**
     * A checkout whose request died before it had a URL (its node stopped) does not hold its
     * Idempotency-Key for the key's 24 h: a retry after the longest a checkout request can run is
     * evaluated afresh. One just started is still a request in progress (409).
     */
    @Test
    void aCheckoutLeftPendingByADeadRequestDoesNotBlockItsKey() throws Exception {
        UserAccount u = newUser();
        String token = token(u);
        pending(u, "left-behind", clock.instant().minus(Duration.ofMinutes(5)));
        pending(u, "under-way", clock.instant());

        var retry = keyed(token, "left-behind", "pack-200");
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
        assertThat(json.readTree(retry.body()).path("url").asString()).contains("/checkout/simulated/chk_");
        assertThat(keyed(token, "left-behind", "pack-200").body())
                .as("the new checkout now answers its key")
                .isEqualTo(retry.body());

        var concurrent = keyed(token, "under-way", "pack-200");
        assertThat(concurrent.statusCode()).isEqualTo(409);
        assertThat(concurrent.headers().firstValue("Retry-After")).hasValue("1");
    }

    /**
     * A checkout request that fails after it took its Idempotency-Key (here the database refuses to
     * record the opened checkout) frees the key: the client's immediate retry is a new checkout, not
     * a 409 for a request that is no longer running.
     */
    @Test
    void aCheckoutThatFailsFreesItsKeyForTheRetry() throws Exception {
        UserAccount u = newUser();
        String token = token(u);
        jdbc.sql("""
                create or replace function test_fail_checkout_open() returns trigger language plpgsql as $$
                begin
                  if new.status = 'OPEN' and new.user_id = %d then
                    raise exception 'test: the database fails this checkout';
                  end if;
                  return new;
                end $$""".formatted(u.id())).update();
        jdbc.sql("create trigger test_fail_checkout_open before update on billing_checkout"
                        + " for each row execute function test_fail_checkout_open()")
                .update();
        HttpResponse<String> failed;
        try {
            failed = keyed(token, "key-1", "pack-200");
        } finally {
            jdbc.sql("drop trigger if exists test_fail_checkout_open on billing_checkout")
                    .update();
            jdbc.sql("drop function if exists test_fail_checkout_open()").update();
        }
        assertThat(failed.statusCode()).isEqualTo(500);

        var retry = keyed(token, "key-1", "pack-200");
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
        assertThat(jdbc.sql("select count(*) from billing_checkout where user_id = ?")
                        .param(u.id())
                        .query(Long.class)
                        .single())
                .as("the failed checkout is not kept")
                .isEqualTo(1);
    }

    /**
     * A request that outlived the abandoned-key limit, its key taken by a retry meanwhile, finds its
     * row no longer PENDING when it records the provider's session (here a trigger skips that update,
     * as a row taken over would): it must not hand out that session, or one key would lead to two
     * payable checkouts. It answers "in progress", and the retry with the key gets the key's checkout.
     */
    @Test
    void aCheckoutWhoseKeyWasTakenMeanwhileHandsOutNoSession() throws Exception {
        UserAccount u = newUser();
        String token = token(u);
        jdbc.sql("""
                create or replace function test_skip_checkout_open() returns trigger language plpgsql as $$
                begin
                  if new.status = 'OPEN' and new.user_id = %d then
                    return null;
                  end if;
                  return new;
                end $$""".formatted(u.id())).update();
        jdbc.sql("create trigger test_skip_checkout_open before update on billing_checkout"
                        + " for each row execute function test_skip_checkout_open()")
                .update();
        HttpResponse<String> outlived;
        try {
            outlived = keyed(token, "key-late", "pack-200");
        } finally {
            jdbc.sql("drop trigger if exists test_skip_checkout_open on billing_checkout")
                    .update();
            jdbc.sql("drop function if exists test_skip_checkout_open()").update();
        }
        assertThat(outlived.statusCode()).as(outlived.body()).isEqualTo(409);
        assertThat(outlived.body()).doesNotContain("/checkout/simulated/");

        var retry = keyed(token, "key-late", "pack-200");
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
        assertThat(keyed(token, "key-late", "pack-200").body())
                .as("the key's one checkout from now on")
                .isEqualTo(retry.body());
    }

    /** A checkout row as a request leaves it between taking its key and recording the provider's URL. */
    private void pending(UserAccount u, String key, Instant createdAt) {
        jdbc.sql("""
                        insert into billing_checkout (id, user_id, product, provider, idempotency_key, status, created_at)
                        values (:id, :user, 'pack-200', 'simulated', :key, 'PENDING', :at)""")
                .param("id", id("chk"))
                .param("user", u.id())
                .param("key", key)
                .param("at", java.sql.Timestamp.from(createdAt))
                .update();
    }

    @Test
    void theCatalogueListsPacksAndPlansWithMinorUnitPrices() throws Exception {
        var r = api("GET", "/api/v1/catalog/products", token(newUser()), null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(r.body());
        assertThat(body.path("packs").size()).isEqualTo(5);
        assertThat(body.path("plans").size()).isEqualTo(4);
        assertThat(r.body())
                .contains(
                        "{\"id\":\"pack-200\",\"kind\":\"pack\",\"credits\":200,\"priceMinor\":990,\"currency\":\"USD\"")
                .contains("\"id\":\"pro-yearly\"")
                .doesNotContain("price_local");
    }

    private HttpResponse<String> keyed(String token, String key, String product) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri("/api/v1/checkout"))
                        .header("Authorization", "Bearer " + token)
                        .header("Idempotency-Key", key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"product\":\"" + product + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String pathOf(String url) {
        return url.replaceFirst("^https?://[^/]+", "");
    }

    private static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("CSRF token in page").isTrue();
        return URLEncoder.encode(m.group(1), StandardCharsets.UTF_8);
    }

    private Browser login(UserAccount u) throws Exception {
        Browser b = new Browser();
        String token = csrf(b.get("/login").body());
        var r = b.post(
                "/login",
                "username=" + URLEncoder.encode(u.email(), StandardCharsets.UTF_8) + "&password=" + PASSWORD + "&_csrf="
                        + token);
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).doesNotContain("error"));
        return b;
    }

    /** A session-keeping client, like a browser (no redirects followed, so statuses stay visible). */
    private class Browser {
        private final HttpClient client = HttpClient.newBuilder()
                .cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();

        HttpResponse<String> get(String path) throws Exception {
            return client.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String path, String form) throws Exception {
            return client.send(
                    HttpRequest.newBuilder(uri(path))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
