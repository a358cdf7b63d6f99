package dev.renderbank.account;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.renderbank.support.BrowserTest;
import dev.renderbank.support.SignInForm;
import dev.renderbank.support.TestUsers;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The new token's Copy button tells the truth, in a live region: "Copied" only when the clipboard
 * took it; when the browser refuses (plain http, no permission) the token is selected and the page
 * says to copy it by hand now. It said "Copied" either way. Writes docs/screenshots/tokens-not-copied.png.
 */
class TokenCopyBrowserTest extends BrowserTest {

    static final String PASSWORD = "correct horse battery staple";

    @Autowired
    TestUsers testUsers;

    @Test
    void aRefusedCopySaysToCopyByHand() {
        TestUsers.TestUser user = testUsers.create(0);
        try (BrowserContext context = browser.newContext()) {
            // a browser whose clipboard refuses the write (Playwright's script, not the page's: no CSP)
            context.addInitScript("navigator.clipboard && (navigator.clipboard.writeText ="
                    + " () => Promise.reject(new DOMException('denied', 'NotAllowedError')))");
            Page page = context.newPage();
            SignInForm.signIn(page, port, user.email(), PASSWORD);
            page.navigate(url("/account/tokens"));
            page.fill("#token-name", "copied by hand");
            page.click("#create-token button[type=submit]");
            assertThat(page.locator("#new-token")).isVisible();
            page.click("#copy-token");
            assertThat(page.locator("#copied")).hasAttribute("aria-live", "polite");
            assertThat(page.locator("#copied")).hasText("Not copied. Select and copy it now: it is shown only once.");
            page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("docs/screenshots/tokens-not-copied.png")));
        }
    }

    /** A refused expiry day is named as the form labels it, not by the API's field name (expiresAt). */
    @Test
    void aRefusedExpiryNamesTheFieldByItsLabel() {
        TestUsers.TestUser user = testUsers.create(0);
        try (BrowserContext context = browser.newContext()) {
            Page page = context.newPage();
            SignInForm.signIn(page, port, user.email(), PASSWORD);
            page.navigate(url("/account/tokens"));
            page.fill("#token-name", "expired already");
            page.fill("#token-expiry", "2020-01-01");
            page.click("#create-token button[type=submit]");
            assertThat(page.locator("#token-error")).containsText("Expires (optional): ");
            assertThat(page.locator("#token-error")).not().containsText("expiresAt");
            assertThat(page.locator("#token-expiry")).hasAttribute("aria-describedby", "token-error");
            assertThat(page.locator("#token-expiry")).isFocused();
        }
    }
}
