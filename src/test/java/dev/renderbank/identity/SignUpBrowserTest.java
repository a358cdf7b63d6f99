package dev.renderbank.identity;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import dev.renderbank.support.MailBrowserTest;
import dev.renderbank.support.SignInForm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A person signs up in a real browser, receives the verification email over SMTP (GreenMail), opens
 * its link, signs in and sees the 15 free credits (the SMTP server comes from MailBrowserTest).
 */
class SignUpBrowserTest extends MailBrowserTest {

    static final Pattern LINK = Pattern.compile("https?://\\S+/verify-email\\?token=[A-Za-z0-9_%-]+");

    @Autowired
    Users users;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @Autowired
    dev.renderbank.ledger.Ledger ledger;

    @Test
    void signUpOpenTheEmailedLinkSignInAndSeeFifteenCredits() throws Exception {
        String email = "browser-signup@test.local";
        String password = "a quiet lighthouse at dusk";
        Path shots = Files.createDirectories(Path.of("docs/screenshots"));
        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1100, 760))) {
            Page page = context.newPage();
            page.navigate("http://localhost:" + port + "/login");
            page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("login.png")));
            page.click("text=Create an account");
            assertThat(page.locator("h1")).hasText("Create an account");
            page.fill("#email", email);
            page.fill("#password", "password1234");
            page.click("button[type=submit]");
            assertThat(page.locator("#problem")).containsText("too common");
            page.fill("#password", password);
            page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("signup.png")));
            page.click("button[type=submit]");
            assertThat(page.locator("h1")).hasText("Check your inbox");

            String link = await().atMost(Duration.ofSeconds(30))
                    .until(() -> emailedLink(email, LINK), Optional::isPresent)
                    .orElseThrow();
            // once sent, the outbox no longer holds the one-time link
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> jdbc.sql("select body_text from mail_outbox where recipient = :to and status = 'SENT'")
                            .param("to", email)
                            .query(String.class)
                            .optional()
                            .filter(body -> !body.contains("token="))
                            .isPresent());
            page.navigate(link);
            assertThat(page.locator("#verified")).containsText("your address is confirmed");
            page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("verify-email.png")));
            long id = users.byEmail(email).orElseThrow().id();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> ledger.balance(id).available() == 15);

            SignInForm.signIn(page, port, email, password);
            page.waitForURL("http://localhost:" + port + "/");
            page.navigate("http://localhost:" + port + "/account");
            assertThat(page.locator("#available")).hasText("15");

            page.navigate("http://localhost:" + port + "/account/password");
            assertThat(page.locator("h1")).hasText("Change your password");
            page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("password-change.png")));
        }
        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1100, 760))) {
            Page page = context.newPage();
            page.navigate("http://localhost:" + port + "/password/forgot");
            page.fill("#email", "browser-signup@test.local");
            page.click("button[type=submit]");
            assertThat(page.locator("#sent")).containsText("we sent it a link");
            page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("password-forgot.png")));
        }
    }
}
