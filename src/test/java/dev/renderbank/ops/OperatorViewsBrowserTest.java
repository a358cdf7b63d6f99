package dev.renderbank.ops;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.Users;
import dev.renderbank.notify.Notifier;
import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.support.BrowserTest;
import dev.renderbank.support.SignInForm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What the README tells operators to read, read in a real browser: a held email from the outbox list
 * to its own page; the operator alerts from the admin navigation, filtered by kind. Screenshots go to
 * docs/screenshots.
 */
class OperatorViewsBrowserTest extends BrowserTest {

    static final String PASSWORD = "correct horse battery staple";

    @Autowired
    Users users;

    @Autowired
    Notifier notifier;

    @Autowired
    OperatorAlerts alerts;

    private Page signIn(BrowserContext context, String path) {
        String adminEmail = "ops-views-" + UUID.randomUUID() + "@test.local";
        users.create(adminEmail, PASSWORD, Role.ADMIN, true);
        Page page = context.newPage();
        page.navigate(url(path));
        SignInForm.submit(page, adminEmail, PASSWORD);
        page.navigate(url(path));
        return page;
    }

    @Test
    void anOperatorOpensAHeldEmailFromTheOutboxAndReadsItsBodies() throws Exception {
        var customer = users.create("reader-" + UUID.randomUUID() + "@test.local", PASSWORD, Role.USER, true);
        String cause = "grant:browser-read-" + customer.id();
        notifier.compensation(customer.id(), cause, 30, "the <b>lost</b> render");
        long id = notifier.message(cause, customer.id()).orElseThrow().id();
        Path shots = Files.createDirectories(Path.of("docs/screenshots"));
        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1200, 900))) {
            Page page = signIn(context, "/admin/mail");
            page.locator("#outbox a[href='/admin/mail/" + id + "']", new Page.LocatorOptions().setHasText("30 credits"))
                    .click();
            page.waitForURL(url("/admin/mail/" + id));

            assertThat(page.locator("#to")).hasText(customer.email());
            assertThat(page.locator("#subject")).hasText("30 credits from renderbank");
            assertThat(page.locator("#status")).hasText("held");
            // the text part exactly as stored: its markup shows as characters, not as bold text
            assertThat(page.locator("#text-body")).containsText("the <b>lost</b> render");
            assertThat(page.locator("#text-body b")).hasCount(0);
            // the HTML part as source: its link is text, not a link in the admin page
            assertThat(page.locator("#html-source")).containsText("<h1");
            assertThat(page.locator("a:has-text('Open your account')")).hasCount(0);
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(shots.resolve("admin-mail-message.png"))
                    .setFullPage(true));

            page.navigate(url("/admin/mail"));
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(shots.resolve("admin-mail.png"))
                    .setFullPage(true));
        }
    }

    @Test
    void anOperatorFindsTheAlertsFromTheNavigationAndFiltersThemByKind() throws Exception {
        String parked = "billing.webhook.parked-" + UUID.randomUUID().toString().substring(0, 8);
        alerts.raise(parked, "Creem event evt_1 names product prod_x, which no pack or plan has: parked");
        clock.advance(Duration.ofMinutes(3));
        alerts.raise(parked, "Creem event evt_2 names product prod_x, which no pack or plan has: parked");
        clock.advance(Duration.ofMinutes(1));
        String exhausted = "provider.exhausted-" + UUID.randomUUID().toString().substring(0, 8);
        alerts.raise(exhausted, "KIE answered 402: out of credits; new generations are refused until a top-up");
        Path shots = Files.createDirectories(Path.of("docs/screenshots"));
        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1200, 900))) {
            Page page = signIn(context, "/admin");
            page.locator("nav.admin-nav a:has-text('Alerts')").click();
            page.waitForURL(url("/admin/alerts"));
            assertThat(page.locator("#alerts tbody tr").first()).containsText(exhausted);
            assertThat(page.locator("#kind-" + parked.replace(".", "\\.") + " td.count"))
                    .hasText("2");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(shots.resolve("admin-alerts.png"))
                    .setFullPage(true));

            page.locator("#kind-" + parked.replace(".", "\\.") + " a").click();
            assertThat(page.locator("#alerts tbody tr")).hasCount(2);
            assertThat(page.locator("#alerts tbody tr").first()).containsText("evt_2");
            assertThat(page.locator("#alerts")).not().containsText(exhausted);
        }
    }
}
