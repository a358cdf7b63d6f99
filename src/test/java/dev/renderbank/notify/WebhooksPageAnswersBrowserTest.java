package dev.renderbank.notify;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import dev.renderbank.support.BrowserTest;
import dev.renderbank.support.SignInForm;
import dev.renderbank.support.TestUsers;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The webhooks page says how each call went, whatever comes back: an answer that is not JSON (a
 * proxy's 502 page) or no answer left "Checking the URL…" standing for good, the button disabled.
 * #message is a live region; the event checkboxes are a fieldset named by its legend (the "Events"
 * label was tied to nothing). Writes docs/screenshots/webhooks-no-answer.png.
 */
class WebhooksPageAnswersBrowserTest extends BrowserTest {

    static final String PASSWORD = "correct horse battery staple";

    @Autowired
    TestUsers testUsers;

    @Test
    void aProxyErrorOrNoAnswerIsSaidAndTheButtonComesBack() {
        TestUsers.TestUser user = testUsers.create(0);
        try (BrowserContext context = browser.newContext()) {
            Page page = context.newPage();
            SignInForm.signIn(page, port, user.email(), PASSWORD);
            page.navigate(url("/account/webhooks"));
            assertThat(page.locator("#message")).hasAttribute("aria-live", "polite");
            assertThat(page.locator("fieldset#event-types > legend")).hasText("Events");

            page.route(
                    "**/api/v1/webhook-endpoints",
                    route -> route.fulfill(new Route.FulfillOptions()
                            .setStatus(502)
                            .setContentType("text/html")
                            .setBody("<html><body>502 Bad Gateway</body></html>")));
            page.fill("#url", "https://example.com/hooks");
            page.click("#add-endpoint button[type=submit]");
            assertThat(page.locator("#message"))
                    .hasText("The server could not do it (HTTP 502). Try again in a moment.");
            assertThat(page.locator("#add-endpoint button[type=submit]")).isEnabled();

            page.unrouteAll();
            page.route("**/api/v1/webhook-endpoints", Route::abort);
            page.click("#add-endpoint button[type=submit]");
            assertThat(page.locator("#message"))
                    .hasText("No answer from the server. Check your connection and try again.");
            assertThat(page.locator("#add-endpoint button[type=submit]")).isEnabled();
            page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("docs/screenshots/webhooks-no-answer.png")));
        }
    }
}
