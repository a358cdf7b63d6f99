package dev.renderbank.identity;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.renderbank.support.Chromium;
import dev.renderbank.support.IntegrationTest;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A person signs up in a real browser, receives the verification email over SMTP (GreenMail), opens
 * its link, signs in and sees the 15 free credits. Its own context: it needs an SMTP server.
 */
class SignUpBrowserTest extends IntegrationTest {

    static final int SMTP_PORT = freePort();
    static final Pattern LINK = Pattern.compile("https?://\\S+/verify-email\\?token=[A-Za-z0-9_%-]+");
    static GreenMail smtp;
    static Playwright playwright;
    static Browser browser;

    @LocalServerPort
    int port;

    @Autowired
    Users users;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @Autowired
    dev.renderbank.ledger.Ledger ledger;

    @DynamicPropertySource
    static void mail(DynamicPropertyRegistry r) {
        r.add("spring.mail.host", () -> "127.0.0.1");
        r.add("spring.mail.port", () -> SMTP_PORT);
        r.add("renderbank.mail.send-interval", () -> "200ms");
    }

    @BeforeAll
    static void launch() {
        smtp = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        Chromium.assumeInstalled();
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
        if (smtp != null) {
            smtp.stop();
        }
    }

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
                    .until(() -> verificationLink(email), Optional::isPresent)
                    .orElseThrow();
            // once sent, the outbox no longer holds the one-time link
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> jdbc.sql("select body_text from mail_outbox where recipient = :to and status = 'SENT'")
                            .param("to", email)
                            .query(String.class)
                            .optional()
                            .filter(body -> !body.contains("token="))
                            .isPresent());
            page.navigate(link.replaceFirst("^https?://[^/]+", "http://localhost:" + port));
            assertThat(page.locator("#verified")).containsText("your address is confirmed");
            page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("verify-email.png")));
            long id = users.byEmail(email).orElseThrow().id();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> ledger.balance(id).available() == 15);

            page.navigate("http://localhost:" + port + "/login");
            page.fill("#username", email);
            page.fill("#password", password);
            page.click("button[type=submit]");
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

    private static Optional<String> verificationLink(String to) {
        return Arrays.stream(smtp.getReceivedMessages())
                .filter(m -> recipient(m).equalsIgnoreCase(to))
                .map(GreenMailUtil::getBody)
                .map(body -> body.replace("=\r\n", "").replace("=3D", "="))
                .map(LINK::matcher)
                .filter(Matcher::find)
                .map(Matcher::group)
                .findFirst();
    }

    private static String recipient(MimeMessage m) {
        try {
            return m.getAllRecipients()[0].toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
