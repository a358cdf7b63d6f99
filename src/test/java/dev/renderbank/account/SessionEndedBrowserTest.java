package dev.renderbank.account;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.renderbank.support.BrowserTest;
import dev.renderbank.support.SignInForm;
import dev.renderbank.support.TestUsers;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A page whose session ended (signed out in another tab; the 30-minute timeout does the same) says
 * so when a button there calls the API: "Your session has ended — sign in again", the link leading
 * back to the page through the sign-in, not the API's words for developers (the X-CSRF-TOKEN header,
 * "Send Authorization: Bearer"). Writes docs/screenshots/session-ended.png.
 */
class SessionEndedBrowserTest extends BrowserTest {

    static final String PASSWORD = "correct horse battery staple";
    static final Pattern ENDED = Pattern.compile("^Your session has ended — sign in again\\.$");

    @Autowired
    TestUsers testUsers;

    @Test
    void theGeneratorSaysTheSessionEnded() {
        afterSignOut(
                "/generate",
                page -> {
                    page.fill("#prompt", "a lighthouse at dusk");
                    page.click("#submit");
                },
                "#refusal-detail",
                true);
    }

    @Test
    void theTokensPageSaysTheSessionEnded() {
        afterSignOut(
                "/account/tokens",
                page -> {
                    page.fill("#token-name", "after the end");
                    page.click("#create-token button[type=submit]");
                },
                "#token-error",
                false);
    }

    @Test
    void theRewardsPageSaysTheSessionEnded() {
        afterSignOut("/rewards", page -> page.click("#check-in"), "#check-in-message", false);
    }

    @Test
    void theWebhooksPageSaysTheSessionEnded() {
        afterSignOut(
                "/account/webhooks",
                page -> {
                    page.fill("#url", "https://example.com/hooks");
                    page.click("#add-endpoint button[type=submit]");
                },
                "#message",
                false);
    }

    /** Opens {@code path}, signs out in another tab, does {@code action}; {@code where} says it; its link signs in and returns. */
    private void afterSignOut(String path, Consumer<Page> action, String where, boolean screenshot) {
        TestUsers.TestUser user = testUsers.create(100);
        try (BrowserContext context = browser.newContext()) {
            Page page = context.newPage();
            SignInForm.signIn(page, port, user.email(), PASSWORD);
            page.navigate(url(path));
            Page other = context.newPage();
            other.navigate(url("/account"));
            other.click("header form[action$='/logout'] button");
            assertThat(other.locator("h1")).hasText("Sign in");
            other.close();

            action.accept(page);
            Locator said = page.locator(where);
            assertThat(said).hasText(ENDED);
            if (screenshot) {
                page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("docs/screenshots/session-ended.png")));
            }
            said.locator("a").click();
            SignInForm.submit(page, user.email(), PASSWORD);
            assertThat(page).hasURL(Pattern.compile(".*" + path + "(\\?continue)?$"));
        }
    }
}
