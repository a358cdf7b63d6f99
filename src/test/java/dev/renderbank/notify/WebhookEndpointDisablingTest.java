package dev.renderbank.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.renderbank.billing.PurchaseCompleted;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.notify.webhooks.WebhookEvents;
import dev.renderbank.platform.DurableEvents;
import dev.renderbank.support.Api;
import dev.renderbank.support.Chromium;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.SignInForm;
import dev.renderbank.support.TestUsers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An endpoint whose deliveries have failed for {@code renderbank.webhooks.disable-after} (3 days) is
 * disabled: its owner gets an email, its pending deliveries stop and new events are not queued for
 * it. A delivery that gets through in between starts the count afresh.
 */
class WebhookEndpointDisablingTest extends IntegrationTest {

    static final WireMockServer receiver =
            new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

    @BeforeAll
    static void up() {
        receiver.start();
    }

    @AfterAll
    static void down() {
        receiver.stop();
    }

    @Autowired
    TestUsers testUsers;

    @Autowired
    DurableEvents events;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    Ledger ledger;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Notifier notifier;

    @Autowired
    WebhookEvents webhookEvents;

    @LocalServerPort
    int port;

    private String register(String token, String path) {
        Api.Response r = new Api(port)
                .post(
                        "/api/v1/webhook-endpoints",
                        token,
                        "{\"url\":\"http://127.0.0.1:" + receiver.port() + path
                                + "\",\"events\":[\"credits.granted\"]}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asString();
    }

    private void answer(String path, int status) {
        receiver.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(status)));
    }

    /** A purchase as billing commits it; its credits.granted event becomes a delivery. */
    private void purchase(long userId) {
        String ref = "ord_" + UUID.randomUUID();
        tx.executeWithoutResult(s -> {
            ledger.grant(userId, 10, GrantSource.PURCHASE, ref, ref, "pack");
            events.publish(new PurchaseCompleted(userId, "pack-10", 10, 990, "USD", ref));
        });
    }

    private int requests(String path) {
        return receiver.findAll(postRequestedFor(urlEqualTo(path))).size();
    }

    /** A purchase, then the receiver's answer to its delivery has been recorded. */
    private void purchaseAndAwaitAttempt(long userId, String path) {
        int before = requests(path);
        purchase(userId);
        await().atMost(Duration.ofSeconds(20)).until(() -> requests(path) > before);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> jdbc.sql(
                                        "select count(*) from webhook_delivery d where d.user_id = :u and d.status = 'PENDING'"
                                                + " and not exists (select 1 from webhook_attempt a where a.delivery_id = d.id)")
                                .param("u", userId)
                                .query(Long.class)
                                .single()
                        == 0);
    }

    private boolean disabled(String endpointId) {
        return jdbc.sql("select disabled_at is not null from webhook_endpoint where id = :e")
                .param("e", endpointId)
                .query(Boolean.class)
                .single();
    }

    /** A user's endpoint whose receiver answers 500, and one event that failed there. */
    private record Failing(TestUsers.TestUser user, String path, String endpointId) {}

    private Failing failingEndpoint() {
        var user = testUsers.create(0);
        String path = "/hooks/" + UUID.randomUUID();
        answer(path, 500);
        String endpointId = register(user.token(), path);
        purchaseAndAwaitAttempt(user.id(), path);
        return new Failing(user, path, endpointId);
    }

    /**
     * The receiver keeps failing for {@code spell}: an event every 12 hours, each failing (with the
     * retries of the earlier ones), so the endpoint is tried all along, as a live integration is.
     */
    private void keepFailing(long userId, String path, Duration spell) {
        for (Duration passed = Duration.ZERO; passed.compareTo(spell) < 0; passed = passed.plusHours(12)) {
            clock.advance(Duration.ofHours(12));
            purchaseAndAwaitAttempt(userId, path);
        }
    }

    /** Failing for 3 days: 2.5 days of failures, then half a day more and one more event. */
    private void failPastTheLimit(long userId, String path) {
        keepFailing(userId, path, Duration.ofHours(60));
        clock.advance(Duration.ofHours(12).plusMinutes(1));
        purchase(userId);
    }

    @Test
    void failingForDaysDisablesTheEndpointAndEmailsItsOwner() {
        Failing f = failingEndpoint();
        var user = f.user();
        String path = f.path();
        String endpointId = f.endpointId();
        keepFailing(user.id(), path, Duration.ofDays(2));
        assertThat(disabled(endpointId)).as("failing for 2 days: still on").isFalse();
        assertThat(disabledEmails(user.id())).isZero();

        // past 3 days: the next failed attempt (a retry of an earlier delivery, or this purchase's) disables it
        keepFailing(user.id(), path, Duration.ofHours(12));
        clock.advance(Duration.ofHours(12).plusMinutes(1));
        purchase(user.id());
        await().atMost(Duration.ofSeconds(20)).until(() -> disabled(endpointId));
        assertThat(notifier.message(Notifier.webhookDisabledCause(endpointId, failingSince(endpointId)), user.id()))
                .hasValueSatisfying(m -> {
                    assertThat(m.template()).isEqualTo("webhook-disabled");
                    assertThat(m.to()).isEqualTo(user.email());
                    assertThat(m.subject()).contains("disabled");
                });
        assertThat(jdbc.sql("select body_text from mail_outbox where user_id = :u and template = 'webhook-disabled'")
                        .param("u", user.id())
                        .query(String.class)
                        .single())
                .as("what its owner does: enable it, as the page and the docs say (registering again makes"
                        + " another endpoint with another secret, and what failed cannot be resent from it)")
                .contains("enable the endpoint")
                .doesNotContain("register the endpoint again");
        assertThat(jdbc.sql("select count(*) from webhook_delivery where endpoint_id = :e and status = 'PENDING'")
                        .param("e", endpointId)
                        .query(Long.class)
                        .single())
                .as("nothing left to retry")
                .isZero();
        assertThat(webhookEvents.record(user.id(), "credits.granted", "after-disabling", Map.of()))
                .as("a disabled endpoint gets no new deliveries")
                .isZero();
        assertThat(new Api(port)
                        .get("/api/v1/webhook-endpoints", user.token())
                        .json()
                        .at("/items/0/disabledAt")
                        .asString())
                .isNotBlank();
        showsTheDisabledEndpoint(user.email());
        assertThat(disabled(endpointId)).as("enabled from the page").isFalse();
    }

    /** The owner's webhooks page says the endpoint is disabled (and a screenshot of it for the docs). */
    private void showsTheDisabledEndpoint(String email) {
        Chromium.assumeInstalled();
        try (Playwright playwright = Chromium.playwright();
                Browser browser = Chromium.launch(playwright);
                BrowserContext context =
                        browser.newContext(new Browser.NewContextOptions().setViewportSize(1100, 760))) {
            Page page = context.newPage();
            SignInForm.signIn(page, port, email, "correct horse battery staple");
            page.navigate("http://localhost:" + port + "/account/webhooks");
            PlaywrightAssertions.assertThat(page.locator(".endpoint-disabled")).containsText("Disabled");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(Path.of("docs/screenshots/webhooks-disabled.png"))
                    .setFullPage(true));
            // the owner enables it from the page (the receiver may answer again)
            PlaywrightAssertions.assertThat(page.locator("button.resend").first())
                    .isDisabled();
            page.click(".enable-endpoint");
            PlaywrightAssertions.assertThat(page.locator(".endpoint-disabled")).hasCount(0);
            PlaywrightAssertions.assertThat(page.locator("button.resend").first())
                    .isEnabled();
        }
    }

    @Test
    void aDeliveryThatGetsThroughStartsTheCountAfresh() {
        Failing f = failingEndpoint();
        var user = f.user();
        String path = f.path();
        String endpointId = f.endpointId();
        clock.advance(Duration.ofDays(2));
        answer(path, 204);
        purchaseAndAwaitAttempt(user.id(), path);
        answer(path, 500);
        clock.advance(Duration.ofDays(2));
        purchaseAndAwaitAttempt(user.id(), path);

        assertThat(disabled(endpointId)).as("failing since 2 days only").isFalse();
        assertThat(disabledEmails(user.id())).isZero();
    }

    /**
     * "Failing for 3 days" means tried and failing throughout: an endpoint whose one delivery failed for
     * a day weeks ago, and that got nothing since, is not disabled by one failed attempt today (a
     * deploy's 502); that delivery is retried as any other, and the count starts from today.
     */
    @Test
    void oneFailureLongAfterAnOldFailingSpellDoesNotDisableTheEndpoint() {
        Failing f = failingEndpoint();
        var user = f.user();
        clock.advance(Duration.ofDays(10)); // the old delivery's last try fails: its retry window ended
        answer(f.path(), 502);
        purchaseAndAwaitAttempt(user.id(), f.path());

        assertThat(disabled(f.endpointId())).as("one blip after ten quiet days").isFalse();
        assertThat(disabledEmails(user.id())).isZero();
        assertThat(jdbc.sql("select count(*) from webhook_delivery where endpoint_id = :e and status = 'PENDING'")
                        .param("e", f.endpointId())
                        .query(Long.class)
                        .single())
                .as("today's delivery is retried")
                .isEqualTo(1);
        assertThat(failingSince(f.endpointId()))
                .isAfterOrEqualTo(clock.instant().minusSeconds(60));
    }

    @Test
    void itsOwnerEnablesADisabledEndpointAgainAndOnlyThenCanResendWhatFailed() {
        Failing f = failingEndpoint();
        var user = f.user();
        String endpointId = f.endpointId();
        failPastTheLimit(user.id(), f.path());
        await().atMost(Duration.ofSeconds(20)).until(() -> disabled(endpointId));
        String failedDelivery = jdbc.sql("select id from webhook_delivery where endpoint_id = :e order by id limit 1")
                .param("e", endpointId)
                .query(String.class)
                .single();
        String resend = "/api/v1/webhook-endpoints/" + endpointId + "/deliveries/" + failedDelivery + "/resend";
        String enable = "/api/v1/webhook-endpoints/" + endpointId + "/enable";

        Api.Response refused = new Api(port).post(resend, user.token(), "");
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().get("type").asString()).endsWith("endpoint-disabled");
        assertThat(refused.json().get("detail").asString()).contains("enable");
        assertThat(status(failedDelivery)).as("a refused resend queues nothing").isEqualTo("FAILED");

        Api.Response stranger = new Api(port).post(enable, testUsers.create(0).token(), "");
        assertThat(stranger.status()).as("another user's endpoint").isEqualTo(404);
        assertThat(disabled(endpointId)).isTrue();

        answer(f.path(), 204);
        Api.Response enabled = new Api(port).post(enable, user.token(), "");
        assertThat(enabled.status()).as(enabled.body()).isEqualTo(200);
        assertThat(enabled.json().get("disabledAt").isNull()).isTrue();
        assertThat(disabled(endpointId)).isFalse();
        assertThat(new Api(port).post(enable, user.token(), "").status())
                .as("enabling an enabled endpoint changes nothing")
                .isEqualTo(200);

        assertThat(new Api(port).post(resend, user.token(), "").status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> "DELIVERED".equals(status(failedDelivery)));
        assertThat(webhookEvents.record(user.id(), "credits.granted", "after-enabling", Map.of()))
                .as("new events reach it again")
                .isEqualTo(1);
        // the next three days of failures are counted afresh, not from the old failing_since
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        jdbc.sql("select count(*) from webhook_delivery where endpoint_id = :e and status = 'PENDING'")
                                        .param("e", endpointId)
                                        .query(Long.class)
                                        .single()
                                == 0);
        answer(f.path(), 500);
        clock.advance(Duration.ofDays(1));
        long attempts = attempts(endpointId);
        purchase(user.id());
        await().atMost(Duration.ofSeconds(20)).until(() -> attempts(endpointId) > attempts);
        assertThat(disabled(endpointId)).isFalse();
    }

    /**
     * Each disabling is told: an endpoint its owner enabled again and that then failed for days once
     * more is disabled again, and its owner gets a second email (the first one's key must not
     * swallow it).
     */
    @Test
    void anEndpointDisabledAgainAfterBeingEnabledEmailsItsOwnerAgain() {
        Failing f = failingEndpoint();
        var user = f.user();
        String endpointId = f.endpointId();
        failPastTheLimit(user.id(), f.path());
        await().atMost(Duration.ofSeconds(20)).until(() -> disabled(endpointId));
        assertThat(disabledEmails(user.id())).isEqualTo(1);

        Api.Response enabled =
                new Api(port).post("/api/v1/webhook-endpoints/" + endpointId + "/enable", user.token(), "");
        assertThat(enabled.status()).as(enabled.body()).isEqualTo(200);
        long attempts = attempts(endpointId);
        purchase(user.id()); // fails again: counted from now
        await().atMost(Duration.ofSeconds(20)).until(() -> attempts(endpointId) > attempts);
        failPastTheLimit(user.id(), f.path());
        await().atMost(Duration.ofSeconds(20)).until(() -> disabled(endpointId));

        assertThat(disabledEmails(user.id())).as("one email per disabling").isEqualTo(2);
    }

    private java.time.Instant failingSince(String endpointId) {
        return jdbc.sql("select failing_since from webhook_endpoint where id = :e")
                .param("e", endpointId)
                .query((rs, n) ->
                        rs.getObject(1, java.time.OffsetDateTime.class).toInstant())
                .single();
    }

    private long disabledEmails(long userId) {
        return jdbc.sql("select count(*) from mail_outbox where user_id = :u and template = 'webhook-disabled'")
                .param("u", userId)
                .query(Long.class)
                .single();
    }

    private long attempts(String endpointId) {
        return jdbc.sql("select count(*) from webhook_attempt a join webhook_delivery d on d.id = a.delivery_id"
                        + " where d.endpoint_id = :e")
                .param("e", endpointId)
                .query(Long.class)
                .single();
    }

    private String status(String deliveryId) {
        return jdbc.sql("select status from webhook_delivery where id = :d")
                .param("d", deliveryId)
                .query(String.class)
                .single();
    }
}
