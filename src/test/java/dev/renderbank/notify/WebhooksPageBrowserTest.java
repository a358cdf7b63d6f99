package dev.renderbank.notify;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.renderbank.billing.PurchaseCompleted;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.platform.DurableEvents;
import dev.renderbank.support.Chromium;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.SignInForm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The webhooks page in a real browser (Debian's chromium): add an endpoint, see its secret once, see
 * a delivery and resend it. The screenshot lands in target/screenshots (docs/screenshots/webhooks.png
 * is a copy).
 */
class WebhooksPageBrowserTest extends IntegrationTest {

    static final WireMockServer receiver =
            new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    static Playwright playwright;
    static Browser browser;

    @LocalServerPort
    int port;

    @Autowired
    Users users;

    @Autowired
    Ledger ledger;

    @Autowired
    DurableEvents events;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    @BeforeAll
    static void launch() {
        Chromium.assumeInstalled();
        receiver.start();
        playwright = Chromium.playwright();
        browser = Chromium.launch(playwright);
    }

    @AfterAll
    static void close() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        receiver.stop();
    }

    @Test
    void addAnEndpointSeeItsSecretOnceAndResendADelivery() throws Exception {
        String email = "webhooks-" + UUID.randomUUID() + "@test.local";
        UserAccount user = users.create(email, "correct horse battery staple", Role.USER, true);
        receiver.stubFor(WireMock.post(WireMock.urlEqualTo("/receiver"))
                .willReturn(WireMock.aResponse().withStatus(200)));
        String url = "http://127.0.0.1:" + receiver.port() + "/receiver";
        Path shots = Files.createDirectories(Path.of("target/screenshots"));
        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1100, 800))) {
            Page page = context.newPage();
            page.navigate("http://localhost:" + port + "/account/webhooks");
            SignInForm.submit(page, email, "correct horse battery staple");
            page.navigate("http://localhost:" + port + "/account/webhooks");
            assertThat(page.locator("#no-endpoints")).isVisible();
            assertThat(page.locator("script:not([src])")).hasCount(0);

            page.fill("#url", url);
            page.locator("input[value='generation.failed']").uncheck();
            page.click("#add-endpoint button[type=submit]");
            assertThat(page.locator("#secret")).containsText("whsec_");
            String secret = page.locator("#secret").textContent();

            String ref = "ord_" + UUID.randomUUID();
            tx.executeWithoutResult(s -> {
                ledger.grant(user.id(), 200, GrantSource.PURCHASE, ref, ref, "pack");
                events.publish(new PurchaseCompleted(user.id(), "pack-200", 200, 990, "USD", ref));
            });
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> jdbc.sql("select count(*) from webhook_delivery where user_id = :u"
                                            + " and status = 'DELIVERED'")
                                    .param("u", user.id())
                                    .query(Long.class)
                                    .single()
                            == 1);

            page.click("#secret-box a.button"); // Done: the page as it is from now on
            assertThat(page.locator("table.deliveries")).containsText("credits.granted");
            assertThat(page.locator("table.deliveries td.status")).hasText("delivered");
            assertThat(page.locator("body")).not().containsText(secret);
            assertThat(page.locator("h3")).containsText(url);
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(shots.resolve("webhooks.png"))
                    .setFullPage(true));

            page.locator("button.resend").first().click();
            assertThat(page.locator("button.resend").first()).hasText("Queued");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> receiver.findAll(WireMock.postRequestedFor(WireMock.urlEqualTo("/receiver")))
                                    .size()
                            == 2);

            // a second resend within renderbank.webhooks.resend-interval: the page says how long to wait
            page.reload();
            page.locator("button.resend").first().click();
            assertThat(page.locator(".resend-note").first()).containsText("s before resending.");
            assertThat(page.locator("button.resend").first()).isEnabled();
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(shots.resolve("webhooks-resend-too-soon.png"))
                    .setFullPage(true));
        }
        assertThat(receiver.findAll(WireMock.postRequestedFor(WireMock.urlEqualTo("/receiver"))))
                .extracting(r -> r.getHeader("webhook-id"))
                .containsOnly(receiver.findAll(WireMock.postRequestedFor(WireMock.urlEqualTo("/receiver")))
                        .get(0)
                        .getHeader("webhook-id"));
    }
}
