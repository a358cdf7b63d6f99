package dev.renderbank.account;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.SelectOption;
import dev.renderbank.catalog.Catalog;
import dev.renderbank.catalog.ModelOffer;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.Api;
import dev.renderbank.support.Chromium;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.LostAnswer;
import dev.renderbank.support.SignInForm;
import dev.renderbank.support.TestUsers;
import dev.renderbank.support.TestUsers.TestUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The generator page in a real browser (Debian's chromium) against the app with the provider
 * simulator, on the shared test context (image cooldown 3 minutes, as shipped): the price follows
 * the options from the catalogue, a job is followed to its image, refusals say what to do.
 */
class GeneratorPageBrowserTest extends IntegrationTest {

    static final Path SHOTS = Path.of("docs/screenshots");
    static final String PASSWORD = "correct horse battery staple";
    static Playwright playwright;
    static Browser browser;

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    Ledger ledger;

    @Autowired
    Catalog catalog;

    @Autowired
    Users identities;

    @Autowired
    KieSimulator simulator;

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

    private Page signIn(BrowserContext context, TestUser user) {
        Page page = context.newPage();
        SignInForm.signIn(page, port, user.email(), PASSWORD);
        page.navigate("http://localhost:" + port + "/generate");
        assertThat(page.locator("#model")).isEnabled();
        return page;
    }

    private BrowserContext context() {
        return browser.newContext(new Browser.NewContextOptions().setViewportSize(1200, 900));
    }

    private long catalogPrice(String model, Map<String, Object> options) {
        ModelOffer offer = catalog.offers().stream()
                .filter(o -> o.id().equals(model))
                .findFirst()
                .orElseThrow();
        return offer.priceOf(options).orElseThrow();
    }

    @Test
    void theOptionSetsThePriceAndTheJobIsFollowedToItsImage() throws Exception {
        // a short address keeps the screenshot's header on one line
        var account = identities.create("maker@test.local", PASSWORD, Role.USER, true);
        ledger.grant(account.id(), 100, GrantSource.ADMIN, "browser-grant:" + account.id(), null, "test");
        TestUser user = new TestUser(account.id(), account.email(), null);
        Files.createDirectories(SHOTS);
        try (BrowserContext context = context()) {
            Page page = signIn(context, user);
            assertThat(page.locator("#available")).hasText("100");
            page.selectOption("#model", "nano-banana-pro");
            long at2k = catalogPrice("nano-banana-pro", Map.of("resolution", "2K", "outputFormat", "png"));
            long at4k = catalogPrice("nano-banana-pro", Map.of("resolution", "4K", "outputFormat", "png"));
            assertThat(at4k).isNotEqualTo(at2k);
            page.selectOption("#opt-resolution", new SelectOption().setLabel("2K"));
            assertThat(page.locator("#price")).hasText(Long.toString(at2k));
            page.selectOption("#opt-resolution", new SelectOption().setLabel("4K"));
            assertThat(page.locator("#price")).hasText(Long.toString(at4k));

            page.fill("#prompt", "a lighthouse at dusk, oil painting");
            page.click("#submit");
            assertThat(page.locator("#job")).isVisible();
            assertThat(page.locator("#job-model")).hasText("nano-banana-pro");
            assertThat(page.locator("#job-status")).hasText(Pattern.compile("queued|processing"));
            assertThat(page.locator("#job-progress")).isVisible();
            assertThat(page.locator("#available")).hasText(Long.toString(100 - at4k));
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(SHOTS.resolve("generator.png"))
                    .setFullPage(true));

            assertThat(page.locator("#job-status"))
                    .hasText("completed", new LocatorAssertions.HasTextOptions().setTimeout(30_000));
            assertThat(page.locator("#job-output img")).isVisible();
            String href = page.locator("#download").getAttribute("href");
            assertThat(href).startsWith("/api/v1/assets/");
            var download = page.request().get("http://localhost:" + port + href);
            assertThat(download.status()).isEqualTo(200);
            assertThat(download.headers().get("content-type")).startsWith("image/");
            assertThat(page.locator("#recent li").first()).containsText("nano-banana-pro");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(Path.of("target/generator-done.png"))
                    .setFullPage(true));
        }
        assertThat(ledger.balance(user.id())).isEqualTo(new Balance(100 - 30, 0, 0));
    }

    @Test
    void generatingAgainAfterALostAnswerIsTheSameGeneration() {
        TestUser user = users.create(100);
        AtomicInteger posts;
        try (BrowserContext context = context()) {
            Page page = signIn(context, user);
            // the first request reaches the server and starts the job; its answer is lost on the way back
            posts = LostAnswer.ofTheFirst(page, "**/api/v1/generate-image");
            page.selectOption("#model", "nano-banana");
            page.fill("#prompt", "a kite over the dunes");
            page.click("#submit");
            assertThat(page.locator("#refusal-title")).hasText("No answer");
            page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/generator-unanswered.png")));

            page.click("#submit"); // the user tries again: the same request, the same key
            assertThat(page.locator("#job")).isVisible();
            assertThat(page.locator("#refusal")).isHidden();
        }
        assertThat(posts).hasValue(2);
        Api api = new Api(port);
        var jobs = api.get("/api/v1/generations", user.token()).json().get("items");
        assertThat(jobs.size()).as("jobs started by two clicks of one request").isEqualTo(1);
        var job = api.awaitTerminal(jobs.get(0).get("taskId").asString(), user.token());
        long charged = job.get("creditsCharged").asLong();
        assertThat(charged).isPositive();
        assertThat(ledger.balance(user.id())).isEqualTo(new Balance(100 - charged, 0, 0));
    }

    /**
     * The answer is lost, the user comes back later (the cooldown has passed), reloads the page and
     * sends the same request: the key the page kept for it in the tab's sessionStorage makes the
     * server answer with the job the first request started, charged once. Once an answer has come,
     * the key is forgotten: sending the same prompt again on purpose makes a second job.
     */
    @Test
    void sendingAgainAfterALostAnswerAndAReloadIsTheSameGenerationAndAfterAnAnswerANewOne() {
        TestUser user = users.create(100);
        long price = catalogPrice("nano-banana", Map.of());
        Api api = new Api(port);
        AtomicInteger posts;
        String first;
        try (BrowserContext context = context()) {
            Page page = signIn(context, user);
            posts = LostAnswer.ofTheFirst(page, "**/api/v1/generate-image");
            page.selectOption("#model", "nano-banana");
            page.fill("#prompt", "a kite over the dunes at noon");
            page.click("#submit");
            assertThat(page.locator("#refusal-title")).hasText("No answer");
            var started = api.get("/api/v1/generations", user.token()).json().get("items");
            assertThat(started.size())
                    .as("the first request reached the server")
                    .isEqualTo(1);
            first = started.get(0).get("taskId").asString();

            clock.advance(Duration.ofMinutes(4)); // past the image cooldown: only the key tells it apart
            page.reload();
            assertThat(page.locator("#model")).isEnabled();
            page.selectOption("#model", "nano-banana");
            page.fill("#prompt", "a kite over the dunes at noon");
            page.click("#submit");
            assertThat(page.locator("#job")).isVisible();
            assertThat(page.locator("#refusal")).isHidden();
            assertThat(posts).hasValue(2);
            var afterReload =
                    api.get("/api/v1/generations", user.token()).json().get("items");
            assertThat(afterReload.size())
                    .as("jobs after sending the same request again after a reload")
                    .isEqualTo(1);
            assertThat(page.locator("#recent li")).hasCount(1);
            assertThat(api.awaitTerminal(first, user.token())
                            .get("creditsCharged")
                            .asLong())
                    .isEqualTo(price);
            assertThat(ledger.balance(user.id())).isEqualTo(new Balance(100 - price, 0, 0));
            assertThat(page.locator("#job-status"))
                    .hasText("completed", new LocatorAssertions.HasTextOptions().setTimeout(30_000));

            // the answer came: the same prompt sent again on purpose is a new generation
            clock.advance(Duration.ofMinutes(4));
            page.click("#submit");
            assertThat(page.locator("#recent li")).hasCount(2);
            assertThat(page.locator("#refusal")).isHidden();
            assertThat(posts).hasValue(3);
        }
        var jobs = api.get("/api/v1/generations", user.token()).json().get("items");
        assertThat(jobs.size()).as("jobs after a deliberate second send").isEqualTo(2);
        String second = jobs.get(0).get("taskId").asString();
        assertThat(second).isNotEqualTo(first);
        assertThat(api.awaitTerminal(second, user.token()).get("creditsCharged").asLong())
                .isEqualTo(price);
        assertThat(ledger.balance(user.id())).isEqualTo(new Balance(100 - 2 * price, 0, 0));
    }

    @Test
    void notEnoughCreditsShowsHowManyAreMissingAndWhereToBuy() {
        TestUser user = users.create(10);
        try (BrowserContext context = context()) {
            Page page = signIn(context, user);
            page.selectOption("#model", "nano-banana-pro");
            page.selectOption("#opt-resolution", new SelectOption().setLabel("4K"));
            long price = catalogPrice("nano-banana-pro", Map.of("resolution", "4K", "outputFormat", "png"));
            page.fill("#prompt", "too expensive");
            page.click("#submit");
            assertThat(page.locator("#refusal")).isVisible();
            assertThat(page.locator("#refusal-title")).hasText("Not enough credits");
            assertThat(page.locator("#refusal .missing")).hasText((price - 10) + " credits missing");
            assertThat(page.locator("#refusal a[href='/buy']")).isVisible();
        }
        assertThat(ledger.balance(user.id())).isEqualTo(new Balance(10, 0, 0));
    }

    @Test
    void aCooldownShowsTheTimeLeftCountingDown() {
        TestUser user = users.create(100);
        Api api = new Api(port);
        var first = api.post(
                "/api/v1/generate-image", user.token(), "{\"model\":\"nano-banana\",\"prompt\":\"first one\"}");
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        try (BrowserContext context = context()) {
            Page page = signIn(context, user);
            page.fill("#prompt", "second one, too soon");
            page.click("#submit");
            assertThat(page.locator("#refusal-detail")).containsText("Please wait");
            var countdown = page.locator("#refusal-countdown");
            assertThat(countdown).hasText(Pattern.compile("[23]:\\d\\d"));
            String shown = countdown.textContent();
            assertThat(countdown).not().hasText(shown, new LocatorAssertions.HasTextOptions().setTimeout(5_000));
            assertThat(page.locator("#submit")).isDisabled();
        }
    }

    @Test
    void theCreationsPageShowsThumbnailsFiltersTriesAFailedJobAgainAndDeletesAFile() throws Exception {
        TestUser user = users.create(200);
        Api api = new Api(port);
        simulator.setVideoDuration(Duration.ofSeconds(1));
        simulator.setFailureRate(1.0);
        String failed = api.post(
                        "/api/v1/generate-video", user.token(), "{\"model\":\"sora-2\",\"prompt\":\"waves at night\"}")
                .json()
                .get("taskId")
                .asString();
        assertThat(api.awaitTerminal(failed, user.token()).get("status").asString())
                .isEqualTo("failed");
        simulator.reset();
        simulator.setImageDuration(Duration.ofMillis(500));
        String image = api.post(
                        "/api/v1/generate-image",
                        user.token(),
                        "{\"model\":\"nano-banana\",\"prompt\":\"a lighthouse at dusk\"}")
                .json()
                .get("taskId")
                .asString();
        String assetUrl = api.awaitTerminal(image, user.token()).get("assetUrl").asString();
        Files.createDirectories(SHOTS);
        try (BrowserContext context = context()) {
            Page page = signIn(context, user);
            page.onDialog(dialog -> dialog.accept());
            page.navigate("http://localhost:" + port + "/creations");
            assertThat(page.locator("#gallery > li")).hasCount(2);
            var imageCard = page.locator("#card-" + image);
            assertThat(imageCard.locator(".thumb img")).isVisible();
            assertThat(imageCard.locator("a.download")).hasAttribute("href", assetUrl);
            var failedCard = page.locator("#card-" + failed);
            assertThat(failedCard.locator(".badge")).hasText("Failed");
            assertThat(failedCard.locator("button.retry")).isVisible();
            assertThat(imageCard.locator("button.retry")).hasCount(0);

            page.selectOption("#filter-type", "video");
            page.click("form.filters button[type=submit]");
            assertThat(page).hasURL(Pattern.compile(".*type=video.*"));
            assertThat(page.locator("#gallery > li")).hasCount(1);
            assertThat(page.locator("#card-" + failed)).isVisible();

            // try again: a new job with the same input, held again; the failed one stays
            page.locator("#card-" + failed + " button.retry").click();
            assertThat(page).hasURL(Pattern.compile(".*/creations/gen_.*"));
            String retried = page.url().substring(page.url().lastIndexOf('/') + 1);
            assertThat(retried).isNotEqualTo(failed);
            assertThat(page.locator("h2")).containsText("sora-2");
            assertThat(ledger.balance(user.id()).held()).isEqualTo(25);

            page.navigate("http://localhost:" + port + "/creations");
            assertThat(page.locator("#gallery > li")).hasCount(3);
            assertThat(page.locator("#gallery > li").first()).hasAttribute("data-task", retried);
            assertThat(page.locator("#card-" + failed + " .badge")).hasText("Failed");
            assertThat(imageCard.locator(".thumb img")).isVisible();
            // what each was asked for: the prompt's start and the options
            assertThat(imageCard.locator(".prompt-line")).hasText("a lighthouse at dusk");
            assertThat(imageCard.locator(".options-line")).hasText("1K · png");
            assertThat(page.locator("#card-" + failed + " .options-line")).hasText("720p · 10 s · landscape");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(SHOTS.resolve("creations.png"))
                    .setFullPage(true));

            page.locator("#card-" + image + " button.delete-asset").click();
            assertThat(page.locator("#action-message")).hasText("The file was deleted.");
            assertThat(imageCard.locator(".badge")).hasText("File deleted");
            assertThat(imageCard.locator(".thumb img")).hasCount(0);
            assertThat(page.request().get("http://localhost:" + port + assetUrl).status())
                    .isEqualTo(404);
            page.reload();
            assertThat(page.locator("#card-" + image + " .badge")).hasText("File deleted");
        }
    }
}
