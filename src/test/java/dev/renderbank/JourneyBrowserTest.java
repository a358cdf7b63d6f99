package dev.renderbank;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.SelectOption;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.Api;
import dev.renderbank.support.MailBrowserTest;
import dev.renderbank.support.SignInForm;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One person's whole way through renderbank in a real browser, as issue 12 lists it: sign up, open
 * the emailed link, get the 15 free credits, generate an image with chosen options and watch its
 * progress, download it, see the charge in the credit history, create an API token and use it,
 * revoke it (then 401), reset the password through the emailed link, and delete the account.
 */
class JourneyBrowserTest extends MailBrowserTest {

    static final Pattern VERIFY = Pattern.compile("https?://\\S+/verify-email\\?token=[A-Za-z0-9_%-]+");
    static final Pattern RESET = Pattern.compile("https?://\\S+/password/reset\\?token=[A-Za-z0-9_%-]+");
    static final String EMAIL = "journey@test.local";
    static final String FIRST_PASSWORD = "a lantern on the harbour wall";
    static final String NEW_PASSWORD = "seven gulls over the pier";

    @Autowired
    Users users;

    @Autowired
    Ledger ledger;

    @Autowired
    KieSimulator simulator;

    @Autowired
    JdbcClient jdbc;

    @AfterEach
    void resetSimulator() {
        simulator.reset();
    }

    @Test
    void fromSignUpToDeletingTheAccount() throws Exception {
        // long enough to watch the progress bar move, short enough for a test
        simulator.setImageDuration(Duration.ofSeconds(8));
        Api api = new Api(port);
        long userId;
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1200, 900))) {
            Page page = context.newPage();

            // sign up, open the emailed link: 15 credits, once the address is verified
            page.navigate(url("/signup"));
            page.fill("#email", EMAIL);
            page.fill("#password", FIRST_PASSWORD);
            page.click("button[type=submit]");
            assertThat(page.locator("h1")).hasText("Check your inbox");
            page.navigate(awaitLink(EMAIL, VERIFY));
            assertThat(page.locator("#verified")).containsText("your address is confirmed");
            long id = users.byEmail(EMAIL).orElseThrow().id();
            userId = id;
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> ledger.balance(id).available() == 15);
            signIn(page, FIRST_PASSWORD);

            // generate with options chosen on the page: flux-kontext-max, JPEG, 10 credits
            page.navigate(url("/generate"));
            assertThat(page.locator("#available")).hasText("15");
            page.selectOption("#model", "flux-kontext-max");
            page.selectOption("#opt-outputFormat", new SelectOption().setLabel("JPEG"));
            assertThat(page.locator("#price")).hasText("10");
            page.fill("#prompt", "a harbour at night, lanterns on the water");
            page.click("#submit");
            assertThat(page.locator("#job-model")).hasText("flux-kontext-max");
            assertThat(page.locator("#available")).hasText("5");
            // the bar moves: some progress above 0 is shown before the job is done
            assertProgressMoves(page);
            assertThat(page.locator("#job-status"))
                    .hasText("completed", new LocatorAssertions.HasTextOptions().setTimeout(30_000));
            assertThat(page.locator("#job-output img")).isVisible();
            Download download = page.waitForDownload(() -> page.click("#download"));
            assertThat(Files.size(download.path())).isPositive();
            String taskId = page.locator("#recent li").first().getAttribute("data-task");
            assertThat(jdbc.sql("select options::text from generation_job where id = :id")
                            .param("id", taskId)
                            .query(String.class)
                            .single())
                    .as("the option chosen on the page went with the job")
                    .contains("jpeg");

            // the credit history shows the bonus and the charge of that generation
            page.navigate(url("/account"));
            assertThat(page.locator("#balance")).hasText("5");
            Locator charge = page.locator("#history tbody tr", new Page.LocatorOptions().setHasText(taskId));
            assertThat(charge.first()).containsText("flux-kontext-max");
            assertThat(charge.first()).containsText(Pattern.compile("[−-]10\\b"));
            assertThat(page.locator("#history")).containsText("Sign-up bonus");

            // an API token: created on the page, used with the API, revoked (then 401)
            page.navigate(url("/account/tokens"));
            page.fill("#token-name", "journey script");
            page.click("#create-token button[type=submit]");
            assertThat(page.locator("#new-token")).isVisible();
            String token = page.locator("#new-token-value").textContent();
            Api.Response credits = api.get("/api/v1/credits", token);
            assertThat(credits.status()).isEqualTo(200);
            assertThat(credits.json().path("available").asLong()).isEqualTo(5);
            assertThat(api.get("/api/v1/generations/" + taskId, token)
                            .json()
                            .path("status")
                            .asString())
                    .isEqualTo("completed");
            page.onceDialog(dialog -> dialog.accept());
            page.locator("#tokens tbody tr", new Page.LocatorOptions().setHasText("journey script"))
                    .locator("button.revoke")
                    .click();
            assertThat(page.locator("#tokens tbody tr", new Page.LocatorOptions().setHasText("journey script")))
                    .hasCount(0);
            assertThat(api.get("/api/v1/credits", token).status()).isEqualTo(401);
        }

        // a new browser: forgot the password, reset it through the emailed link
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1200, 900))) {
            Page page = context.newPage();
            page.navigate(url("/password/forgot"));
            page.fill("#email", EMAIL);
            page.click("button[type=submit]");
            assertThat(page.locator("#sent")).containsText("we sent it a link");
            page.navigate(awaitLink(EMAIL, RESET));
            page.fill("#password", NEW_PASSWORD);
            page.click("button[type=submit]");
            assertThat(page).hasURL(Pattern.compile(".*/login\\?reset$"));
            SignInForm.submit(page, EMAIL, FIRST_PASSWORD);
            assertThat(page.locator(".error")).containsText("Wrong email or password");
            signIn(page, NEW_PASSWORD);

            // delete the account: it can no longer sign in
            page.navigate(url("/account/delete"));
            page.fill("#delete-password", NEW_PASSWORD);
            page.click("#delete-account button[type=submit]");
            assertThat(page).hasURL(Pattern.compile(".*/login\\?deleted$"));
            SignInForm.submit(page, EMAIL, NEW_PASSWORD);
            assertThat(page.locator(".error")).containsText("Wrong email or password");
        }
        assertThat(ledger.balance(userId))
                .as("the rest forfeited with a ledger entry")
                .isEqualTo(new Balance(0, 0, 0));
    }

    private void signIn(Page page, String password) {
        SignInForm.signIn(page, port, EMAIL, password);
        page.waitForURL(url("/"));
    }

    /** The first link of this kind emailed to {@code to}, once it arrived. */
    private String awaitLink(String to, Pattern link) {
        return await().atMost(Duration.ofSeconds(30))
                .until(() -> emailedLink(to, link), Optional::isPresent)
                .orElseThrow();
    }
}
