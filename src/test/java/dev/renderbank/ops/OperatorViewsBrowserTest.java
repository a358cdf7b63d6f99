package dev.renderbank.ops;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.Users;
import dev.renderbank.notify.Notifier;
import dev.renderbank.support.BrowserTest;
import dev.renderbank.support.SignInForm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What the README tells operators to read, read in a real browser: a held email from the outbox list
 * to its own page. Screenshots go to docs/screenshots.
 */
class OperatorViewsBrowserTest extends BrowserTest {

    static final String PASSWORD = "correct horse battery staple";

    @Autowired
    Users users;

    @Autowired
    Notifier notifier;

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
}
