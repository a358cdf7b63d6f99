package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.Concurrently;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One plan at a time: a checkout for a plan is refused (409) while the user has a plan that has not
 * ended, or another plan checkout opened within the last 24 hours and not paid; nothing is written
 * for a refused one. Packs sell at any time. Plan changes at the provider (a Stripe switch of the
 * same subscription) are events, not checkouts, and are not refused here.
 */
class OnePlanAtATimeTest extends BillingIntegrationTest {

    private static final String PASSWORD = "a-long-password-123";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
    private static final Pattern KEY = Pattern.compile("name=\"key\" value=\"([^\"]+)\"");
    private final JsonMapper json = JsonMapper.builder().build();

    @org.springframework.beans.factory.annotation.Autowired
    dev.renderbank.billing.db.SubscriptionStore subscriptionStore;

    /** The black-box run's sequence: proplus-yearly paid, then pro-monthly opened. */
    @Test
    void aSecondPlanWhileOneRunsIsRefusedWithNothingWrittenAndAPackStillSells() throws Exception {
        UserAccount u = newUser();
        String token = token(u);
        BrowserSession browser = BrowserSession.signIn(port, u.email(), PASSWORD);
        pay(browser, checkoutPath(api("POST", "/api/v1/checkout", token, "{\"product\":\"proplus-yearly\"}")));
        assertThat(subscriptions(token).size()).isEqualTo(1);
        String subId = subscriptions(token).path(0).path("id").asString();
        long checkoutsBefore = checkouts(u);
        long rateBefore = rateCalls(u);
        long eventsBefore = events();

        for (String plan : List.of("pro-monthly", "proplus-monthly", "pro-yearly", "proplus-yearly")) {
            HttpResponse<String> second = api("POST", "/api/v1/checkout", token, "{\"product\":\"" + plan + "\"}");
            assertThat(second.statusCode()).as(plan + ": " + second.body()).isEqualTo(409);
            assertThat(second.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            JsonNode problem = json.readTree(second.body());
            assertThat(problem.path("type").asString()).endsWith("/plan-already-active");
            assertThat(problem.path("currentPlan").asString()).isEqualTo("proplus-yearly");
            assertThat(problem.path("subscriptionId").asString()).isEqualTo(subId);
            assertThat(problem.path("planStatus").asString()).isEqualTo("active");
            assertThat(second.body()).as("one status member, the answer's").containsOnlyOnce("\"status\"");
            assertThat(problem.path("detail").asString())
                    .contains("proplus-yearly")
                    .contains("One plan at a time")
                    .contains("/api/v1/subscriptions/" + subId + "/cancel")
                    .contains("a new plan can be bought");
        }
        // with an Idempotency-Key too: the key is not taken by a refused checkout
        HttpResponse<String> keyed = keyed(token, "plan-key", "pro-monthly");
        assertThat(keyed.statusCode()).isEqualTo(409);
        assertThat(keyed(token, "plan-key", "pro-monthly").statusCode()).isEqualTo(409);

        assertThat(checkouts(u)).as("no checkout row written").isEqualTo(checkoutsBefore);
        assertThat(rateCalls(u)).as("not counted against the checkout limit").isEqualTo(rateBefore);
        assertThat(events()).as("no payment event").isEqualTo(eventsBefore);
        assertThat(subscriptions(token).size()).isEqualTo(1);

        // a pack still sells, and is granted on top of the plan's first month
        long before = available(u);
        HttpResponse<String> pack = api("POST", "/api/v1/checkout", token, "{\"product\":\"pack-200\"}");
        assertThat(pack.statusCode()).as(pack.body()).isEqualTo(200);
        pay(browser, checkoutPath(pack));
        assertThat(available(u)).isEqualTo(before + 200);
        assertThat(subscriptions(token).size()).isEqualTo(1);
    }

    /**
     * A plan of another payment provider than the one checkouts go to now (payments switched since,
     * say from Stripe to another): it cannot be billed with the new provider's plans and may not be
     * cancellable from here any more, so it does not lock its user out of plans.
     */
    @Test
    void aPlanOfAProviderPaymentsNoLongerUseDoesNotRefuseANewOne() throws Exception {
        UserAccount u = newUser();
        String token = token(u);
        // this context's checkouts are simulated (recorded as Creem's); the plan is a Stripe one
        subscriptionStore.ensure(
                "stripe", id("sub"), u.id(), "pro-monthly", "active", clock.instant(), clock.instant());

        HttpResponse<String> checkout = api("POST", "/api/v1/checkout", token, "{\"product\":\"proplus-monthly\"}");
        assertThat(checkout.statusCode()).as(checkout.body()).isEqualTo(200);
    }

    /**
     * A plan cancelled by its owner runs until its paid period ends: until then a new plan is refused
     * with the end date; once it has ended, a new plan can be bought.
     */
    @Test
    void aCancelledPlanBlocksUntilItEndsThenANewPlanSells() throws Exception {
        UserAccount u = newUser();
        String token = token(u);
        BrowserSession browser = BrowserSession.signIn(port, u.email(), PASSWORD);
        pay(browser, checkoutPath(api("POST", "/api/v1/checkout", token, "{\"product\":\"pro-monthly\"}")));
        String subId = subscriptions(token).path(0).path("id").asString();
        var cancelled = api("POST", "/api/v1/subscriptions/" + subId + "/cancel", token, null);
        assertThat(cancelled.statusCode()).isEqualTo(200);
        Instant endsAt =
                Instant.parse(json.readTree(cancelled.body()).path("endsAt").asString());

        HttpResponse<String> refused = api("POST", "/api/v1/checkout", token, "{\"product\":\"proplus-monthly\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        JsonNode problem = json.readTree(refused.body());
        assertThat(problem.path("type").asString()).endsWith("/plan-already-active");
        assertThat(problem.path("endsAt").asString()).isEqualTo(endsAt.toString());
        assertThat(problem.path("detail").asString())
                .contains("pro-monthly")
                .contains("cancelled")
                .contains(endsAt.toString().substring(0, 10));

        clock.advance(Duration.between(clock.instant(), endsAt).plusSeconds(1));
        HttpResponse<String> after = api("POST", "/api/v1/checkout", token, "{\"product\":\"proplus-monthly\"}");
        assertThat(after.statusCode()).as("the plan has ended: " + after.body()).isEqualTo(200);
    }

    /**
     * Two plan checkouts opened one after the other, neither paid: the second is refused while the
     * first is open (the answer names it and its link), so the user cannot pay two plans that way. A
     * repeat of the first request (its Idempotency-Key) still gets the first checkout. A plan checkout
     * opened more than 24 hours ago (its payment page expired at Stripe) no longer blocks.
     */
    @Test
    void aPlanCheckoutOpenAndUnpaidRefusesAnotherPlanCheckoutUntilItIsADayOld() throws Exception {
        UserAccount u = newUser();
        String token = token(u);
        HttpResponse<String> first = keyed(token, "first-plan", "pro-monthly");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode opened = json.readTree(first.body());
        assertThat(keyed(token, "first-plan", "pro-monthly").body())
                .as("a repeat of the first request answers as it did")
                .isEqualTo(first.body());

        HttpResponse<String> second = api("POST", "/api/v1/checkout", token, "{\"product\":\"proplus-yearly\"}");
        assertThat(second.statusCode()).as(second.body()).isEqualTo(409);
        JsonNode problem = json.readTree(second.body());
        assertThat(problem.path("type").asString()).endsWith("/plan-checkout-open");
        assertThat(problem.path("checkoutId").asString())
                .isEqualTo(opened.path("checkoutId").asString());
        assertThat(problem.path("checkoutUrl").asString())
                .isEqualTo(opened.path("url").asString());
        assertThat(problem.path("detail").asString()).contains("pro-monthly").contains("One plan at a time");
        assertThat(api("POST", "/api/v1/checkout", token, "{\"product\":\"pro-monthly\"}")
                        .statusCode())
                .as("the same plan without the key is a second checkout too")
                .isEqualTo(409);
        assertThat(checkouts(u)).isEqualTo(1);
        assertThat(api("POST", "/api/v1/checkout", token, "{\"product\":\"pack-500\"}")
                        .statusCode())
                .as("a pack is not a plan")
                .isEqualTo(200);

        // paid: now the plan itself refuses the second
        BrowserSession browser = BrowserSession.signIn(port, u.email(), PASSWORD);
        pay(browser, pathOf(opened.path("url").asString()));
        HttpResponse<String> afterPaid = api("POST", "/api/v1/checkout", token, "{\"product\":\"proplus-yearly\"}");
        assertThat(json.readTree(afterPaid.body()).path("type").asString()).endsWith("/plan-already-active");

        // another user's plan checkout left unpaid for over a day no longer blocks
        UserAccount v = newUser();
        String vToken = token(v);
        assertThat(api("POST", "/api/v1/checkout", vToken, "{\"product\":\"pro-monthly\"}")
                        .statusCode())
                .isEqualTo(200);
        clock.advance(Duration.ofHours(23));
        assertThat(api("POST", "/api/v1/checkout", vToken, "{\"product\":\"pro-yearly\"}")
                        .statusCode())
                .isEqualTo(409);
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        HttpResponse<String> later = api("POST", "/api/v1/checkout", vToken, "{\"product\":\"pro-yearly\"}");
        assertThat(later.statusCode()).as(later.body()).isEqualTo(200);
    }

    /**
     * Two plan checkouts of one user sent at the same moment (each pair a new user; several pairs, so
     * the two overlap for real): exactly one is opened, the other is refused, one row is written.
     */
    @Test
    void twoPlanCheckoutsAtOnceOpenOne() throws Exception {
        for (int round = 0; round < 6; round++) {
            UserAccount u = newUser();
            String token = token(u);
            String other = round % 2 == 0 ? "proplus-yearly" : "pro-monthly";
            List<HttpResponse<String>> answers = Concurrently.run(
                    () -> api("POST", "/api/v1/checkout", token, "{\"product\":\"pro-monthly\"}"),
                    () -> api("POST", "/api/v1/checkout", token, "{\"product\":\"" + other + "\"}"));
            assertThat(answers.stream().map(HttpResponse::statusCode).sorted().toList())
                    .as("round " + round + ": "
                            + answers.stream().map(HttpResponse::body).toList())
                    .containsExactly(200, 409);
            HttpResponse<String> refused = answers.stream()
                    .filter(r -> r.statusCode() == 409)
                    .findFirst()
                    .orElseThrow();
            assertThat(json.readTree(refused.body()).path("type").asString()).endsWith("/plan-checkout-open");
            assertThat(checkouts(u)).as("round " + round).isEqualTo(1);
        }
    }

    /**
     * The buy page while a plan runs offers no "Subscribe": it shows the plan and how to change it;
     * the buy form's post for another plan is refused with a message on the page, nothing opened.
     */
    @Test
    void theBuyPageOffersNoOtherPlanWhileOneRunsAndItsFormRefusesOne() throws Exception {
        UserAccount u = newUser();
        BrowserSession browser = BrowserSession.signIn(port, u.email(), PASSWORD);
        String before = browser.get("/buy").body();
        assertThat(before).contains(">Subscribe<");

        // an open plan checkout: the page leads back to it instead of offering another plan
        HttpResponse<String> opened = post(browser, "/buy", form(before, "pro-monthly"));
        String checkout = opened.headers().firstValue("Location").orElseThrow();
        assertThat(checkout).contains("/checkout/simulated/chk_");
        String open = browser.get("/buy").body();
        assertThat(open)
                .doesNotContain(">Subscribe<")
                .contains("not paid yet")
                .contains("href=\"" + checkout + "\"")
                .contains(">Buy<");

        pay(browser, pathOf(checkout));
        String page = browser.get("/buy").body();
        assertThat(page)
                .doesNotContain(">Subscribe<")
                .contains("Pro, monthly")
                .contains("One plan at a time")
                .contains("cancel it")
                .contains(">Buy<");

        long rows = checkouts(u);
        HttpResponse<String> refused = post(browser, "/buy", form(before, "proplus-yearly"));
        assertThat(refused.statusCode()).isEqualTo(302);
        assertThat(refused.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/buy"));
        assertThat(browser.get("/buy").body())
                .contains("role=\"alert\"")
                .contains("You already have Pro, monthly")
                .contains("One plan at a time");
        assertThat(checkouts(u)).isEqualTo(rows);
        assertThat(subscriptions(token(u)).size()).isEqualTo(1);
    }

    private String form(String page, String product) {
        return "product=" + product + "&key=" + key(page) + "&_csrf=" + csrf(page);
    }

    private void pay(BrowserSession browser, String path) throws Exception {
        String page = browser.get(path).body();
        HttpResponse<String> paid = post(browser, path + "/pay", "_csrf=" + csrf(page));
        assertThat(paid.statusCode()).isEqualTo(200);
        assertThat(paid.body()).contains("Payment received");
    }

    private HttpResponse<String> post(BrowserSession browser, String path, String form) throws Exception {
        return browser.send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    private String checkoutPath(HttpResponse<String> checkout) {
        assertThat(checkout.statusCode()).as(checkout.body()).isEqualTo(200);
        return pathOf(json.readTree(checkout.body()).path("url").asString());
    }

    private JsonNode subscriptions(String token) throws Exception {
        return json.readTree(api("GET", "/api/v1/subscriptions", token, null).body());
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

    private long checkouts(UserAccount u) {
        return jdbc.sql("select count(*) from billing_checkout where user_id = ?")
                .param(u.id())
                .query(Long.class)
                .single();
    }

    private long rateCalls(UserAccount u) {
        return jdbc.sql("select coalesce(sum(calls), 0) from billing_checkout_rate where user_id = ?")
                .param(u.id())
                .query(Long.class)
                .single();
    }

    private long events() {
        return jdbc.sql("select count(*) from payment_event").query(Long.class).single();
    }

    private static String pathOf(String url) {
        return url.replaceFirst("^https?://[^/]+", "");
    }

    private static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("CSRF token in page").isTrue();
        return URLEncoder.encode(m.group(1), StandardCharsets.UTF_8);
    }

    private static String key(String html) {
        Matcher m = KEY.matcher(html);
        assertThat(m.find()).as("checkout key in the buy form").isTrue();
        return m.group(1);
    }
}
