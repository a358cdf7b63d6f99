package dev.renderbank.account;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.renderbank.identity.ApiToken;
import dev.renderbank.identity.ApiTokens;
import dev.renderbank.identity.Users;
import dev.renderbank.support.Api;
import dev.renderbank.support.Chromium;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.SignInForm;
import dev.renderbank.support.TestUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A real browser, under the real CSP: create a token on /account/tokens, use it, revoke it (401 at
 * once), then delete the account and fail to sign in again. Writes docs/screenshots/tokens.png.
 */
class TokensBrowserTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";
    static Playwright playwright;
    static Browser browser;

    @LocalServerPort
    int port;

    @Autowired
    TestUsers testUsers;

    @Autowired
    Users users;

    @Autowired
    ApiTokens tokens;

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

    void signIn(Page page, String email) {
        SignInForm.signIn(page, port, email, PASSWORD);
    }

    @Test
    void aDoubleClickCreatesOneToken() {
        TestUsers.TestUser user = testUsers.create(0);
        AtomicInteger posts = new AtomicInteger();
        try (var context = browser.newContext()) {
            Page page = context.newPage();
            signIn(page, user.email());
            page.navigate("http://localhost:" + port + "/account/tokens");
            page.route("**/api/v1/tokens", route -> {
                if (route.request().method().equals("POST")) {
                    posts.incrementAndGet();
                }
                route.resume();
            });
            page.fill("#token-name", "pressed twice");
            page.locator("#create-token button[type=submit]").dblclick();
            assertThat(page.locator("#new-token")).isVisible();
            assertThat(page.locator("#tokens tbody tr", new Page.LocatorOptions().setHasText("pressed twice")))
                    .hasCount(1);
            assertThat(page.locator("#create-token button[type=submit]")).isEnabled();
        }
        assertThat(posts).as("requests sent by a double click").hasValue(1);
        var items = new Api(port).get("/api/v1/tokens", user.token()).json().get("items");
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            names.add(items.get(i).get("name").asString());
        }
        assertThat(names).containsOnlyOnce("pressed twice");
    }

    @Test
    void createUseRevokeATokenThenDeleteTheAccount() throws Exception {
        TestUsers.TestUser user = testUsers.create(30);
        Api api = new Api(port);
        List<String> cspViolations = new CopyOnWriteArrayList<>();
        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1100, 760))) {
            context.grantPermissions(List.of("clipboard-read", "clipboard-write"));
            Page page = context.newPage();
            page.onConsoleMessage(m -> {
                if (m.text().contains("Content Security Policy")) {
                    cspViolations.add(m.text());
                }
            });
            signIn(page, user.email());
            page.navigate("http://localhost:" + port + "/account/tokens");
            assertThat(page.locator("h2")).hasText("API tokens");

            page.fill("#token-name", "nightly render script");
            page.click("#create-token button[type=submit]");
            assertThat(page.locator("#new-token")).isVisible();
            String token = page.locator("#new-token-value").textContent();
            assertThat(token).startsWith("rb_");
            assertThat(page.locator("#tokens tbody tr").first()).containsText("nightly render script");
            page.click("#copy-token");
            assertThat(page.locator("#copied")).isVisible();
            Path shots = Files.createDirectories(Path.of("docs/screenshots"));
            page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("tokens.png")));

            assertThat(api.get("/api/v1/credits", token).status()).isEqualTo(200);

            page.onceDialog(dialog -> dialog.accept());
            page.locator("#tokens tbody tr", new Page.LocatorOptions().setHasText("nightly render script"))
                    .locator("button.revoke")
                    .click();
            assertThat(page.locator("#tokens tbody tr", new Page.LocatorOptions().setHasText("nightly render script")))
                    .hasCount(0);
            assertThat(api.get("/api/v1/credits", token).status()).isEqualTo(401);

            page.navigate("http://localhost:" + port + "/account/delete");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(shots.resolve("account-delete.png"))
                    .setFullPage(true));
            page.fill("#delete-password", PASSWORD);
            page.click("#delete-account button[type=submit]");
            assertThat(page).hasURL(Pattern.compile(".*/login\\?deleted$"));

            signIn(page, user.email());
            assertThat(page.locator(".error")).containsText("Wrong email or password");
        }
        assertThat(cspViolations).as("the pages work under their CSP").isEmpty();
    }

    /**
     * A user in Tokyo reads the new token's times in Tokyo's time, and the expiry day they pick is that
     * day in Tokyo: it ends at 23:59:59 there (14:59:59 UTC), not at 23:59:59 UTC, nine hours later.
     */
    @Test
    void aTokenIsShownAndExpiresInTheUsersZone() {
        TestUsers.TestUser user = testUsers.create(0);
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        users.changeTimeZone(user.id(), tokyo.getId());
        LocalDate day = LocalDate.now(tokyo).plusDays(30);
        try (var context = browser.newContext()) {
            Page page = context.newPage();
            signIn(page, user.email());
            page.navigate("http://localhost:" + port + "/account/tokens");
            assertThat(page.locator(".times-zone .zone")).hasText("Asia/Tokyo");
            page.fill("#token-name", "tokyo script");
            page.fill("#token-expiry", day.toString());
            page.click("#create-token button[type=submit]");
            assertThat(page.locator("#new-token")).isVisible();
            var row = page.locator("#tokens tbody tr", new Page.LocatorOptions().setHasText("tokyo script"));
            assertThat(row.locator("td[data-label=Expires]")).hasText(day + " 23:59");

            ApiToken stored = tokens.list(user.id()).stream()
                    .filter(t -> t.name().equals("tokyo script"))
                    .findFirst()
                    .orElseThrow();
            assertThat(stored.expiresAt())
                    .isEqualTo(day.atTime(23, 59, 59).atZone(tokyo).toInstant());
            LocalDateTime shown = LocalDateTime.parse(
                    row.locator("td[data-label=Created]").textContent(),
                    DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
            assertThat(Duration.between(shown.atZone(tokyo).toInstant(), stored.createdAt())
                            .abs())
                    .as("the new row's creation, in Tokyo's time (to the minute the browser read)")
                    .isLessThan(Duration.ofMinutes(2));

            page.reload();
            assertThat(row.locator("td[data-label=Expires]")).hasText(day + " 23:59");
            assertThat(row.locator("td[data-label=Created]"))
                    .hasText(stored.createdAt().atZone(tokyo).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")));
        }
    }
}
