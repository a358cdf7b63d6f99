package dev.renderbank.account;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.platform.Switches;
import dev.renderbank.support.Chromium;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.SignInForm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The money pages in a real browser (Debian's chromium): buy a pack and a plan on /buy through the
 * simulated checkout (then /buy offers no other plan), see the purchases, the credits and the history on /account, cancel the plan
 * through its confirmation, and check in on /rewards. Screenshots go to docs/screenshots.
 */
class CreditsPagesBrowserTest extends IntegrationTest {

    static final Path SHOTS = Path.of("docs/screenshots");
    static final String PASSWORD = "correct horse battery staple";
    static Playwright playwright;
    static Browser browser;

    @LocalServerPort
    int port;

    @Autowired
    Users users;

    @Autowired
    Ledger ledger;

    @Autowired
    Switches switches;

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
    void anUnverifiedUserIsToldOnTheRewardsPageToVerifyTheAddressFirst() {
        UserAccount user = users.create("unverified-" + System.nanoTime() + "@test.local", PASSWORD, Role.USER, false);
        try (var context = browser.newContext()) {
            Page page = context.newPage();
            page.navigate(url("/rewards"));
            SignInForm.submit(page, user.email(), PASSWORD);
            assertThat(page).hasURL(Pattern.compile(".*/rewards(\\?continue)?$"));
            // said before any button is pressed; the buttons wait for the verification
            assertThat(page.locator("main .notice")).containsText("open the link in the verification email");
            assertThat(page.locator("#check-in")).isDisabled();
            assertThat(page.locator("#share")).isDisabled();
            assertThat(page.locator("#streak")).hasText("0");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(java.nio.file.Path.of("target", "screenshots", "rewards-unverified.png"))
                    .setFullPage(true));
        }
        assertThat(ledger.balance(user.id())).isEqualTo(new Balance(0, 0, 0));
    }

    /** An operator's sales pause: the buy button answers with the operator's words, nothing is bought. */
    @Test
    void aBuyerIsToldSalesArePausedInTheOperatorsWords() throws Exception {
        UserAccount user = users.create("paused-" + System.nanoTime() + "@test.local", PASSWORD, Role.USER, true);
        Files.createDirectories(SHOTS);
        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1100, 800))) {
            Page page = context.newPage();
            page.navigate(url("/buy"));
            SignInForm.submit(page, user.email(), PASSWORD);
            switches.set(Switches.SALES, true, "New prices arrive at noon.", 1800, "test", Instant.now());
            try {
                page.click("#buy-pack-500");
            } finally {
                switches.set(Switches.SALES, false, null, null, "test", Instant.now());
            }
            assertThat(page).hasURL(Pattern.compile(".*/buy$"));
            assertThat(page.locator("body"))
                    .containsText("Sales are paused: New prices arrive at noon. Nothing was charged."
                            + " Please try again in 30 minutes.");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(SHOTS.resolve("buy-sales-paused.png"))
                    .setFullPage(true));
        }
        assertThat(ledger.balance(user.id())).isEqualTo(new Balance(0, 0, 0));
    }

    @Test
    void buyAPackAndAPlanSeeThemOnTheCreditsPageCancelThePlanAndCheckIn() throws Exception {
        UserAccount user = users.create("pages-" + System.nanoTime() + "@test.local", PASSWORD, Role.USER, true);
        Files.createDirectories(SHOTS);
        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1100, 800))) {
            Page page = context.newPage();
            page.navigate(url("/buy"));
            SignInForm.submit(page, user.email(), PASSWORD);
            assertThat(page).hasURL(Pattern.compile(".*/buy(\\?continue)?$"));
            assertThat(page.locator("#packs")).containsText("$22.90");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(SHOTS.resolve("buy.png"))
                    .setFullPage(true));

            pay(page, "#buy-pack-500");
            page.navigate(url("/buy"));
            // a plan checkout left unpaid: /buy leads back to it instead of offering another plan
            page.click("#buy-pro-monthly");
            assertThat(page).hasURL(Pattern.compile(".*/checkout/simulated/chk_.*"));
            String checkout = page.url();
            page.navigate(url("/buy"));
            assertThat(page.locator("#plan-notice")).containsText("Pro, monthly is not paid yet");
            assertThat(page.locator("#plans button")).hasCount(0);
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(Files.createDirectories(Path.of("target/screenshots"))
                            .resolve("buy-plan-checkout-open.png"))
                    .setFullPage(true));
            page.click("text=Continue to payment");
            assertThat(page).hasURL(checkout);
            page.click("#pay");
            assertThat(page.locator("#result")).hasText("Payment received");
            // "Back to your account" leads to the account page (it led to the generator)
            page.click("text=Back to your account");
            assertThat(page).hasURL(Pattern.compile(".*/account$"));

            // one plan at a time: no other plan is offered while this one runs, the way to change is
            page.navigate(url("/buy"));
            assertThat(page.locator("#plan-notice")).containsText("One plan at a time");
            assertThat(page.locator("#plan-notice a")).hasAttribute("href", "/account");
            assertThat(page.locator("#plans button")).hasCount(0);
            assertThat(page.locator("#buy-pack-200")).isVisible();
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(SHOTS.resolve("buy-one-plan.png"))
                    .setFullPage(true));

            page.navigate(url("/account"));
            assertThat(page.locator("#available")).hasText("1000");
            assertThat(page.locator("#purchases tbody tr")).hasCount(2);
            assertThat(page.locator("#purchases tbody tr").last()).containsText("500 credits");
            assertThat(page.locator("#purchases tbody tr").last()).containsText("$22.90");
            assertThat(page.locator("#purchases tbody tr").last()).containsText("paid");
            assertThat(page.locator("#history")).containsText("Purchase of pack-500");
            assertThat(page.locator(".plan-name")).hasText("Pro, monthly");
            assertThat(page.locator(".plan")).containsText("500 credits every month · $19.90 / month");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(SHOTS.resolve("credits.png"))
                    .setFullPage(true));

            page.click("text=Cancel plan…");
            assertThat(page.locator("h1")).hasText("Cancel Pro, monthly?");
            page.click("#confirm-cancel");
            assertThat(page).hasURL(Pattern.compile(".*/account$"));
            assertThat(page.locator(".notice")).containsText("Your plan is cancelled");
            assertThat(page.locator(".plan")).containsText("credits stop on");
            assertThat(page.locator(".plan a.danger")).hasCount(0);

            page.navigate(url("/rewards"));
            assertThat(page.locator("#streak")).hasText("0");
            assertThat(page.locator("#referral-url")).hasValue(Pattern.compile(".*/signup\\?ref=[a-z0-9]{10}$"));
            page.click("#check-in");
            assertThat(page.locator("#check-in-message")).containsText("+2 credits");
            assertThat(page.locator("#streak")).hasText("1");
            assertThat(page.locator("#bonus-hint")).hasText("6 more check-ins in a row to the 5-credit bonus.");
            assertThat(page.locator("#check-in")).isDisabled();
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(SHOTS.resolve("rewards.png"))
                    .setFullPage(true));

            page.reload();
            assertThat(page.locator("#streak")).hasText("1");
            assertThat(page.locator("#check-in")).isDisabled();

            // a phone-sized look at each page, for people to check the layout (not committed)
            Path phone = Files.createDirectories(Path.of("target/screenshots"));
            page.setViewportSize(390, 844);
            for (String name : List.of("account", "buy", "rewards")) {
                page.navigate(url("/" + name));
                page.screenshot(new Page.ScreenshotOptions()
                        .setPath(phone.resolve(name + "-phone.png"))
                        .setFullPage(true));
            }
        }
        assertThat(ledger.balance(user.id())).isEqualTo(new Balance(1002, 0, 0));
    }

    /**
     * The buy button's form posts to /buy, which answers with a redirect to the checkout: Stripe's or
     * Creem's host, another origin. Chromium applies the page's CSP form-action to every redirect of a
     * form submission, so with form-action 'self' alone the browser stopped at the redirect and nobody
     * could pay. Here the page is opened at 127.0.0.1 and the simulated checkout lives at the public
     * URL (localhost): another origin, reached as a provider's checkout must be.
     */
    @Test
    void aBuyButtonReachesACheckoutOnAnotherOrigin() {
        UserAccount user = users.create("cross-origin-" + System.nanoTime() + "@test.local", PASSWORD, Role.USER, true);
        try (var context = browser.newContext()) {
            Page page = context.newPage();
            List<String> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
            page.onConsoleMessage(m -> {
                if (m.text().contains("Content Security Policy")) {
                    refused.add(m.text());
                }
            });
            page.navigate("http://127.0.0.1:" + port + "/buy");
            SignInForm.submit(page, user.email(), PASSWORD);
            assertThat(page).hasURL(Pattern.compile("http://127\\.0\\.0\\.1:" + port + "/buy(\\?continue)?$"));
            page.click("#buy-pack-500");
            // the checkout's origin has no session of this browser: it asks to sign in, after the redirect
            assertThat(page).hasURL(Pattern.compile("http://localhost:" + port + "/.*"));
            assertThat(refused).isEmpty();
        }
    }

    /** Clicks a buy button, pays on the simulated checkout page and waits for the receipt. */
    private static void pay(Page page, String button) {
        page.click(button);
        assertThat(page).hasURL(Pattern.compile(".*/checkout/simulated/chk_.*"));
        page.click("#pay");
        assertThat(page.locator("#result")).hasText("Payment received");
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }
}
