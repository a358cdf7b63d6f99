package dev.renderbank.billing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.renderbank.billing.db.SubscriptionStore;
import dev.renderbank.billing.simulated.SimulatedPlan;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.support.IntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@code renderbank.payments.provider=creem}: checkout and cancel call Creem's API (a WireMock here). */
class CreemCheckoutTest extends IntegrationTest {

    static final WireMockServer creem = new WireMockServer(options().dynamicPort());

    static final String CREEM_SECRET = "creem-test-webhook-secret-77";

    static {
        creem.start();
    }

    @DynamicPropertySource
    static void creemProperties(DynamicPropertyRegistry registry) {
        registry.add("renderbank.payments.provider", () -> "creem");
        registry.add("renderbank.payments.creem.base-url", creem::baseUrl);
        registry.add("CREEM_API_KEY", () -> "creem_test_key_for_wiremock");
        registry.add("CREEM_WEBHOOK_SECRET", () -> CREEM_SECRET);
    }

    @AfterAll
    static void stop() {
        creem.stop();
    }

    @LocalServerPort
    int port;

    @Autowired
    Users users;

    @Autowired
    SubscriptionStore subscriptions;

    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void reset() {
        creem.resetAll();
    }

    @Test
    void checkoutCallsCreemWithProductRequestIdMetadataAndEmail() throws Exception {
        UserAccount u =
                users.create("creem-" + UUID.randomUUID() + "@example.com", "a-long-password-123", Role.USER, true);
        creem.stubFor(post("/v1/checkouts")
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"ch_123\",\"object\":\"checkout\",\"status\":\"pending\","
                                + "\"checkout_url\":\"https://checkout.creem.io/ch_123\"}")));

        var r = call("/api/v1/checkout", users.issueToken(u.id(), "t"), "{\"product\":\"pack-1000\"}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"url\":\"https://checkout.creem.io/ch_123\"");
        creem.verify(postRequestedFor(urlEqualTo("/v1/checkouts"))
                .withHeader("x-api-key", equalTo("creem_test_key_for_wiremock"))
                .withRequestBody(matchingJsonPath("$.product_id", equalTo("prod_local_pack-1000")))
                .withRequestBody(matchingJsonPath(
                        "$.request_id", com.github.tomakehurst.wiremock.client.WireMock.matching("chk_[0-9a-f]{32}")))
                .withRequestBody(matchingJsonPath("$.metadata.userId", equalTo(Long.toString(u.id()))))
                .withRequestBody(matchingJsonPath("$.metadata.product", equalTo("pack-1000")))
                .withRequestBody(matchingJsonPath("$.customer.email", equalTo(u.email())))
                .withRequestBody(matchingJsonPath(
                        "$.success_url",
                        com.github.tomakehurst.wiremock.client.WireMock.containing("/?checkout=done"))));
    }

    @Test
    void aFailingProviderIs503AndNothingIsKept() throws Exception {
        creem.stubFor(post("/v1/checkouts").willReturn(aResponse().withStatus(500)));
        var r = call("/api/v1/checkout", DEMO_TOKEN, "{\"product\":\"pack-200\"}");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void checkoutsAreLimitedPerUserWithRetryAfterAndRepeatsOfAnAcceptedKeyStillAnswer() throws Exception {
        UserAccount u =
                users.create("creem-" + UUID.randomUUID() + "@example.com", "a-long-password-123", Role.USER, true);
        String token = users.issueToken(u.id(), "t");
        creem.stubFor(post("/v1/checkouts")
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"ch_1\",\"checkout_url\":\"https://checkout.creem.io/ch_1\"}")));
        var keyed = call("/api/v1/checkout", token, "{\"product\":\"pack-200\"}", "checkout-key-1");
        assertThat(keyed.statusCode()).isEqualTo(200);

        ExecutorService pool = Executors.newFixedThreadPool(29);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 29; i++) {
            answers.add(pool.submit(() -> {
                go.await();
                return call("/api/v1/checkout", token, "{\"product\":\"pack-200\"}");
            }));
        }
        go.countDown();
        List<HttpResponse<String>> refused = new ArrayList<>();
        int accepted = 1;
        for (Future<HttpResponse<String>> a : answers) {
            HttpResponse<String> r = a.get();
            if (r.statusCode() == 200) {
                accepted++;
            } else {
                assertThat(r.statusCode()).isEqualTo(429);
                refused.add(r);
            }
        }
        pool.shutdown();

        assertThat(accepted).isEqualTo(10);
        assertThat(refused).hasSize(20);
        creem.verify(10, postRequestedFor(urlEqualTo("/v1/checkouts")));
        HttpResponse<String> limited = refused.get(0);
        assertThat(limited.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        long retryAfter =
                Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(limited.body()).contains("\"retryAfterSeconds\":" + retryAfter);

        // A repeat of an accepted request is its first answer, not a new checkout.
        var repeat = call("/api/v1/checkout", token, "{\"product\":\"pack-200\"}", "checkout-key-1");
        assertThat(repeat.statusCode()).isEqualTo(200);
        assertThat(repeat.body()).isEqualTo(keyed.body());
        // Another user is not limited by this one.
        assertThat(call("/api/v1/checkout", DEMO_TOKEN, "{\"product\":\"pack-200\"}")
                        .statusCode())
                .isEqualTo(200);

        clock.advance(Duration.ofSeconds(retryAfter));
        assertThat(call("/api/v1/checkout", token, "{\"product\":\"pack-200\"}").statusCode())
                .isEqualTo(200);
        creem.verify(12, postRequestedFor(urlEqualTo("/v1/checkouts")));
    }

    @Test
    void cancellingASubscriptionCallsCreemAndStopsAtThePeriodEnd() throws Exception {
        UserAccount u =
                users.create("creem-" + UUID.randomUUID() + "@example.com", "a-long-password-123", Role.USER, true);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS); // PostgreSQL keeps microseconds
        subscriptions.ensure("creem", "sub_abc", u.id(), "pro-monthly", "active", now, now);
        subscriptions.recordPaidPeriod("creem", "sub_abc", "pro-monthly", now, now.plus(30, ChronoUnit.DAYS));
        creem.stubFor(post("/v1/subscriptions/sub_abc/cancel")
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"sub_abc\",\"status\":\"scheduled_cancel\"}")));

        var r = call("/api/v1/subscriptions/sub_abc/cancel", users.issueToken(u.id(), "t"), null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"status\":\"canceled\"");
        creem.verify(postRequestedFor(urlEqualTo("/v1/subscriptions/sub_abc/cancel"))
                .withHeader("x-api-key", equalTo("creem_test_key_for_wiremock"))
                .withRequestBody(equalToJson("{\"mode\":\"scheduled\"}")));
        assertThat(subscriptions.find("creem", "sub_abc").orElseThrow().endsAt())
                .isEqualTo(now.plus(30, ChronoUnit.DAYS));
    }

    @Autowired
    dev.renderbank.identity.AccountDeletion deletion;

    @Test
    void deletingTheAccountCancelsItsSubscriptionAtCreem() throws Exception {
        UserAccount u =
                users.create("gone-" + UUID.randomUUID() + "@example.com", "a-long-password-123", Role.USER, true);
        String sub = "sub_" + UUID.randomUUID().toString().replace("-", "");
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        subscriptions.ensure("creem", sub, u.id(), "pro-monthly", "active", now, now);
        subscriptions.recordPaidPeriod("creem", sub, "pro-monthly", now, now.plus(30, ChronoUnit.DAYS));
        creem.stubFor(post("/v1/subscriptions/" + sub + "/cancel")
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"" + sub + "\",\"status\":\"scheduled_cancel\"}")));

        assertThat(deletion.delete(u.id(), "a-long-password-123"))
                .isInstanceOf(dev.renderbank.identity.DeletionOutcome.Deleted.class);

        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(
                                subscriptions.find("creem", sub).orElseThrow().endsAt())
                        .isNotNull());
        creem.verify(
                1,
                postRequestedFor(urlEqualTo("/v1/subscriptions/" + sub + "/cancel"))
                        .withRequestBody(equalToJson("{\"mode\":\"scheduled\"}")));
    }

    private HttpResponse<String> call(String path, String token, String body) throws Exception {
        return call(path, token, body, null);
    }

    private HttpResponse<String> call(String path, String token, String body, String idempotencyKey) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @Autowired
    ProductCatalog catalog;

    @Autowired
    PaymentReconciliation reconciliation;

    /**
     * A plan bought with the simulated checkout before payments went to Creem ({@link SimulatedPlan}:
     * recorded as Creem's, active, with no end, never renewing). Creem never heard of it, and it cannot
     * be billed with Creem's plans: it does not refuse a plan bought at Creem now (it did, 409
     * plan-already-active for as long as it had no end, which only a cancel could give it).
     */
    @Test
    void aSimulatedPlanFromBeforeTheSwitchDoesNotRefuseAPlanAtCreem() throws Exception {
        UserAccount u = users.create("sim-" + UUID.randomUUID() + "@example.com", PASSWORD, Role.USER, true);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        simulatedPlan(u, now, now.plus(30, ChronoUnit.DAYS));
        creem.stubFor(post("/v1/checkouts")
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"ch_plan\",\"checkout_url\":\"https://checkout.creem.io/ch_plan\"}")));

        var r = call("/api/v1/checkout", users.issueToken(u.id(), "t"), "{\"product\":\"proplus-monthly\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("https://checkout.creem.io/ch_plan");
    }

    /**
     * Its user cancels a simulated plan here, at the end of its paid period, without asking Creem:
     * Creem answers 404 for a {@code sim_sub_} id, which made every cancel a 503.
     */
    @Test
    void aSimulatedPlanFromBeforeTheSwitchIsCancelledHereWithoutAskingCreem() throws Exception {
        UserAccount u = users.create("sim-" + UUID.randomUUID() + "@example.com", PASSWORD, Role.USER, true);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant end = now.plus(30, ChronoUnit.DAYS);
        String sub = simulatedPlan(u, now, end);

        var r = call("/api/v1/subscriptions/" + sub + "/cancel", users.issueToken(u.id(), "t"), null);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"status\":\"canceled\"");
        assertThat(subscriptions.find("creem", sub).orElseThrow().endsAt())
                .as("the period it was given keeps its time")
                .isEqualTo(end);
        creem.verify(0, postRequestedFor(urlPathMatching("/v1/subscriptions/.*")));
    }

    /**
     * Deleting the account of a simulated plan ends it here: the deletion's handler completes without
     * asking Creem (it failed for ever, Creem answering 404 for the {@code sim_sub_} id).
     */
    @Test
    void deletingTheAccountOfASimulatedPlanEndsItHereWithoutAskingCreem() throws Exception {
        UserAccount u = users.create("sim-gone-" + UUID.randomUUID() + "@example.com", PASSWORD, Role.USER, true);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String sub = simulatedPlan(u, now, now.plus(30, ChronoUnit.DAYS));

        assertThat(deletion.delete(u.id(), PASSWORD))
                .isInstanceOf(dev.renderbank.identity.DeletionOutcome.Deleted.class);

        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(
                                subscriptions.find("creem", sub).orElseThrow().endsAt())
                        .isNotNull());
        creem.verify(0, postRequestedFor(urlPathMatching("/v1/subscriptions/.*")));
    }

    /**
     * Reconciliation asks Creem about each Creem subscription due for a renewal; a simulated plan is not
     * one of them (it never renews, and Creem has no such subscription): its call was spent for nothing,
     * every run. A real Creem plan due at the same time is still asked about.
     */
    @Test
    void reconciliationDoesNotAskCreemAboutASimulatedPlan() throws Exception {
        UserAccount u = users.create("sim-" + UUID.randomUUID() + "@example.com", PASSWORD, Role.USER, true);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant end = now.plus(30, ChronoUnit.DAYS);
        String simulated = simulatedPlan(u, now, end);
        UserAccount v = users.create("real-" + UUID.randomUUID() + "@example.com", PASSWORD, Role.USER, true);
        String real = "sub_" + UUID.randomUUID().toString().replace("-", "");
        subscriptions.ensure("creem", real, v.id(), "pro-monthly", "active", now, now);
        subscriptions.recordPaidPeriod("creem", real, "pro-monthly", now, end);
        clock.advance(Duration.ofDays(31)); // both periods ended: each due for a renewal

        reconciliation.unrecordedSince(now.minus(1, ChronoUnit.DAYS));

        creem.verify(
                1,
                getRequestedFor(urlPathEqualTo("/v1/subscriptions")).withQueryParam("subscription_id", equalTo(real)));
        creem.verify(
                0,
                getRequestedFor(urlPathEqualTo("/v1/subscriptions"))
                        .withQueryParam("subscription_id", equalTo(simulated)));
    }

    private static final String PASSWORD = "a-long-password-123";

    private String simulatedPlan(UserAccount u, Instant now, Instant end) throws Exception {
        String sub = SimulatedPlan.record(
                jdbc,
                port,
                CREEM_SECRET,
                u.id(),
                u.email(),
                catalog.product("pro-monthly").orElseThrow(),
                now,
                end);
        Subscription recorded = subscriptions.find("creem", sub).orElseThrow();
        assertThat(recorded.status()).isEqualTo("active");
        assertThat(recorded.endsAt()).isNull();
        assertThat(recorded.periodEnd()).isEqualTo(end);
        return sub;
    }
}
