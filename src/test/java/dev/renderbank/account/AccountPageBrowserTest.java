package dev.renderbank.account;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.Chromium;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.SignInForm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A real browser (Debian's chromium) signs in, starts a generation and watches it finish live;
 * screenshots land in target/screenshots for people to look at. In the shared context: the
 * simulator takes 3 s for the image while this test runs (set here, not by a property of its own).
 */
class AccountPageBrowserTest extends IntegrationTest {

    static Playwright playwright;
    static Browser browser;

    @LocalServerPort
    int port;

    @Autowired
    Ledger ledger;

    @Autowired
    dev.renderbank.identity.Users users;

    @Autowired
    KieSimulator simulator;

    @BeforeEach
    void imagesTakeThreeSeconds() {
        simulator.setImageDuration(Duration.ofSeconds(3));
    }

    @AfterEach
    void resetSimulator() {
        simulator.reset();
    }

    @BeforeAll
    static void launch() {
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
    }

    @Test
    void signInGenerateAndWatchItFinish() throws Exception {
        var user = users.create(
                "browser@test.local", "correct horse battery staple", dev.renderbank.identity.Role.USER, true);
        ledger.grant(user.id(), 50, dev.renderbank.ledger.GrantSource.ADMIN, "browser-grant", null, "test");
        Path shots = Files.createDirectories(Path.of("target/screenshots"));
        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1100, 800))) {
            Page page = context.newPage();
            page.navigate("http://localhost:" + port + "/");
            assertThat(page).hasURL(java.util.regex.Pattern.compile(".*/login$"));
            page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("login.png")));
            SignInForm.submit(page, "browser@test.local", "wrong password!!");
            assertThat(page.locator(".error")).containsText("Wrong email or password");
            SignInForm.submit(page, "browser@test.local", "correct horse battery staple");
            assertThat(page.locator("#available")).hasText("50");
            assertThat(page.locator("#model")).isEnabled();
            page.selectOption("#model", "nano-banana");

            page.fill("#prompt", "a lighthouse at dusk");
            page.click("#submit");
            assertThat(page.locator("#job-note")).containsText("5 credits held");
            assertThat(page.locator("#job-model")).hasText("nano-banana");
            page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("account-running.png")));
            assertThat(page.locator("#job-status"))
                    .hasText(
                            "completed",
                            new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions()
                                    .setTimeout(30_000));
            assertThat(page.locator("#download")).hasText("Download");
            assertThat(page.locator("#available")).hasText("45");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(shots.resolve("account-done.png"))
                    .setFullPage(true));

            // the creation's own page, the link the "ready" email carries
            page.locator("#job-links a", new Page.LocatorOptions().setHasText("Open this creation"))
                    .click();
            assertThat(page).hasURL(java.util.regex.Pattern.compile(".*/creations/gen_.*"));
            assertThat(page.locator("h2")).containsText("nano-banana");
            assertThat(page.locator("strong.ok")).hasText("Ready");
            assertThat(page.locator("img")).isVisible();
            assertThat(page.locator("#prompt")).hasText("a lighthouse at dusk");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(shots.resolve("creation.png"))
                    .setFullPage(true));
        }
        assertThat(ledger.balance(user.id())).isEqualTo(new Balance(45, 0, 0));
    }
}
