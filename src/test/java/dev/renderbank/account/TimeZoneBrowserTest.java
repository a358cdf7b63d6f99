package dev.renderbank.account;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.support.BrowserTest;
import dev.renderbank.support.SignInForm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The time zone in a real browser: sign-up sends the browser's own zone, the account page's form
 * changes it, and the rewards page says which day it counts in. Screenshot:
 * docs/screenshots/account-time-zone.png.
 */
class TimeZoneBrowserTest extends BrowserTest {

    static final String PASSWORD = "correct horse battery staple";

    @Autowired
    Users users;

    @Autowired
    JdbcClient jdbc;

    @BeforeEach
    @AfterEach
    void forgetRequestLimits() {
        jdbc.sql("delete from request_limit").update();
    }

    @Test
    void signUpKeepsTheBrowsersTimeZone() {
        String email = "tz-browser-" + UUID.randomUUID() + "@test.local";
        try (var context = browser.newContext(new Browser.NewContextOptions().setTimezoneId("Europe/Berlin"))) {
            Page page = context.newPage();
            page.navigate(url("/signup"));
            assertThat(page.locator("#time-zone")).hasValue("Europe/Berlin");
            page.fill("#email", email);
            page.fill("#password", "a quiet lighthouse at dusk");
            page.click("button[type=submit]");
            assertThat(page.locator("h1")).hasText("Check your inbox");
        }
        assertThat(users.byEmail(email).orElseThrow().timeZone()).isEqualTo("Europe/Berlin");
    }

    @Test
    void theAccountPageSetsTheZoneAndTheRewardsPageCountsItsDays() throws Exception {
        UserAccount user = users.create("tz-" + UUID.randomUUID() + "@test.local", PASSWORD, Role.USER, true);
        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1100, 800))) {
            Page page = context.newPage();
            page.navigate(url("/account"));
            SignInForm.submit(page, user.email(), PASSWORD);
            assertThat(page).hasURL(Pattern.compile(".*/account(\\?continue)?$"));
            assertThat(page.locator("#current-time-zone")).hasText("UTC");
            assertThat(page.locator("#time-zone-select")).hasValue("UTC");

            page.selectOption("#time-zone-select", "America/Los_Angeles");
            page.click("#save-time-zone");
            assertThat(page).hasURL(Pattern.compile(".*/account#time-zone$"));
            assertThat(page.locator("#time-zone-notice"))
                    .hasText(
                            "Your time zone is now America/Los_Angeles: your pages show times in it, and daily rewards count its calendar days.");
            assertThat(page.locator("#current-time-zone")).hasText("America/Los_Angeles");
            assertThat(page.locator("#time-zone-select")).hasValue("America/Los_Angeles");
            assertThat(page.locator(".times-zone .zone")).hasText("America/Los_Angeles");
            Locator section = page.locator("#time-zone");
            section.screenshot(new Locator.ScreenshotOptions()
                    .setPath(
                            Files.createDirectories(Path.of("docs/screenshots")).resolve("account-time-zone.png")));

            page.navigate(url("/rewards"));
            assertThat(page.locator("#reward-time-zone")).hasText("America/Los_Angeles");
            assertThat(page.locator("#reward-today"))
                    .hasText(DateTimeFormatter.ofPattern("EEEE d MMMM", Locale.ENGLISH)
                            .format(clock.instant().atZone(ZoneId.of("America/Los_Angeles"))));
            page.click("#reward-day a");
            assertThat(page).hasURL(Pattern.compile(".*/account#time-zone$"));
        }
        assertThat(users.byId(user.id()).orElseThrow().timeZone()).isEqualTo("America/Los_Angeles");
    }
}
