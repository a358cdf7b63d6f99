package dev.renderbank.billing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.renderbank.billing.db.SubscriptionStore;
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

    static {
        creem.start();
    }

    @DynamicPropertySource
    static void creemProperties(DynamicPropertyRegistry registry) {
        registry.add("renderbank.payments.provider", () -> "creem");
        registry.add("renderbank.payments.creem.base-url", creem::baseUrl);
        registry.add("CREEM_API_KEY", () -> "creem_test_key_for_wiremock");
        registry.add("CREEM_WEBHOOK_SECRET", () -> "creem-test-webhook-secret-77");
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
}
