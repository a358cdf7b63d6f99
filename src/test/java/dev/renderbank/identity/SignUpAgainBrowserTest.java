package dev.renderbank.identity;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import dev.renderbank.support.BrowserTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The link of a repeated sign-up in a real browser: it asks for the password chosen at that sign-up,
 * refuses another one without changing anything, and with the right one confirms the address and sets
 * that password. Screenshot: docs/screenshots/verify-email-confirm.png.
 */
class SignUpAgainBrowserTest extends BrowserTest {

    static final String FIRST = "the first sign-up's passphrase";
    static final String AGAIN = "a second, better lighthouse";

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Users users;

    @AfterEach
    void forgetLimits() {
        AccountsTestCleanup.clear(jdbc);
    }

    @Test
    void theLinkOfASecondSignUpAsksForItsPasswordFirst() throws Exception {
        String email = "again-" + UUID.randomUUID() + "@test.local";
        new FormClient(port).post("/signup", "/signup", "email", email, "password", FIRST);
        // the emails are written by event handlers on their own threads: the second sign-up's could
        // land first, so the second sign-up is sent once the first one's email is there
        MailedLinks.await(jdbc, "verify-email", email, 1);
        new FormClient(port).post("/signup", "/signup", "email", email, "password", AGAIN);
        String link = MailedLinks.await(jdbc, "verify-email", email, 2);
        Path shots = Files.createDirectories(Path.of("docs/screenshots"));
        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1100, 760))) {
            Page page = context.newPage();
            page.navigate(url(link));
            assertThat(page.locator("h1")).hasText("Confirm your address");

            page.fill("#password", "neither of the two passwords");
            page.click("button[type=submit]");
            assertThat(page.locator("#mismatch")).containsText("neither the password chosen at that sign-up");
            page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("verify-email-confirm.png")));
            assertThat(users.byEmail(email).orElseThrow().emailVerified()).isFalse();

            page.fill("#password", AGAIN);
            page.click("button[type=submit]");
            assertThat(page.locator("#password-set")).containsText("is now the one you chose");
        }
        assertThat(users.byEmail(email).orElseThrow().emailVerified()).isTrue();
        assertThat(new FormClient(port).signIn(email, FIRST)).contains("/login?error");
        assertThat(new FormClient(port).signIn(email, AGAIN)).doesNotContain("/login");
    }
}
