package dev.renderbank.account;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.Api;
import dev.renderbank.support.BrowserTest;
import dev.renderbank.support.SignInForm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * In a real browser: the creations gallery shows a running job with a progress bar and follows it
 * by itself, without a reload, to its result: the finished image with the actions a finished card
 * has (its download and "Delete file" work), or the failure with its reason and a "Try again" that
 * works. Without JavaScript the page still shows the progress bar the server rendered. A screenshot
 * of the page with a running job lands in target/screenshots.
 */
@TestPropertySource(properties = {"renderbank.simulator.image-duration=1s", "renderbank.limits.cooldown.image=0"})
class CreationsProgressBrowserTest extends BrowserTest {

    static final String PASSWORD = "correct horse battery staple";
    static final Pattern PERCENT = Pattern.compile("^[0-9]{1,3}$");
    static final LocatorAssertions.IsVisibleOptions LONG = new LocatorAssertions.IsVisibleOptions().setTimeout(40_000);

    @Autowired
    Users users;

    @Autowired
    Ledger ledger;

    @Autowired
    KieSimulator simulator;

    private UserAccount owner(String what) {
        UserAccount owner = users.create(what + "-" + UUID.randomUUID() + "@test.local", PASSWORD, Role.USER, true);
        ledger.grant(owner.id(), 20, GrantSource.ADMIN, what + ":" + owner.id(), null, "test");
        return owner;
    }

    /** Counts the loads of the gallery page itself: a reload would be a second one. */
    private static AtomicInteger galleryLoads(Page page) {
        AtomicInteger loads = new AtomicInteger();
        page.onRequest(r -> {
            if (r.isNavigationRequest() && r.url().matches(".*/creations(\\?.*)?$")) {
                loads.incrementAndGet();
            }
        });
        return loads;
    }

    @Test
    void aRunningCreationShowsItsProgressAndThenItsImageWithoutAReload() throws Exception {
        UserAccount owner = owner("creations-progress");
        String token = users.issueToken(owner.id(), "t");
        // the simulator reads the duration when the job is submitted to it, after the accept: it
        // stays set until the test ends
        simulator.setImageDuration(Duration.ofSeconds(10));
        try {
            Api api = new Api(port);
            Api.Response accepted = api.post(
                    "/api/v1/generate-image",
                    token,
                    "{\"model\":\"nano-banana\",\"prompt\":\"a kite over the dunes\"}");
            assertThat(accepted.status()).isEqualTo(202);
            String taskId = accepted.json().get("taskId").asString();

            // without JavaScript: the server renders the running card with its bar
            try (var context = browser.newContext(
                    new Browser.NewContextOptions().setViewportSize(1100, 800).setJavaScriptEnabled(false))) {
                Page page = context.newPage();
                SignInForm.signIn(page, port, owner.email(), PASSWORD);
                page.navigate(url("/creations"));
                Locator card = page.locator("#card-" + taskId);
                assertThat(card.locator("progress")).isVisible();
                assertThat(card.locator("progress")).hasAttribute("max", "100");
                assertThat(card.locator("progress")).hasAttribute("value", PERCENT);
                assertThat(card.locator(".badge")).hasText(Pattern.compile("Queued|Processing"));
                // its status is read out when the script changes it
                assertThat(card.locator("[aria-live=polite] > .badge")).isVisible();
            }

            try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1100, 800))) {
                Page page = context.newPage();
                page.onDialog(dialog -> dialog.accept());
                // a refusal of the CSP (an inline style, an evaluated string) is a console error
                List<String> errors = new CopyOnWriteArrayList<>();
                page.onConsoleMessage(m -> {
                    if ("error".equals(m.type())) {
                        errors.add(m.text());
                    }
                });
                page.onPageError(errors::add);
                SignInForm.signIn(page, port, owner.email(), PASSWORD);
                AtomicInteger loads = galleryLoads(page);
                page.navigate(url("/creations"));
                Locator card = page.locator("#card-" + taskId);
                Locator bar = card.locator("progress");
                assertThat(bar).isVisible();
                assertThat(bar).hasAttribute("value", PERCENT);
                assertThat(card.locator(".percent")).hasText(PERCENT);
                assertThat(card.locator(".badge")).hasText(Pattern.compile("Queued|Processing"));
                page.screenshot(new Page.ScreenshotOptions()
                        .setPath(Files.createDirectories(Path.of("target/screenshots"))
                                .resolve("creations-running.png"))
                        .setFullPage(true));

                // the card follows the job to its end by itself
                assertThat(card.locator(".thumb img")).isVisible(LONG);
                JsonNode done = api.get("/api/v1/generations/" + taskId, token).json();
                assertThat(done.get("status").asString()).isEqualTo("completed");
                String assetUrl = done.get("assetUrl").asString();
                assertThat(card.locator(".thumb img")).hasAttribute("src", assetUrl);
                assertThat(card.locator(".badge")).hasText("Ready");
                assertThat(card.locator("progress")).hasCount(0);
                assertThat(card.locator("a.download")).hasAttribute("href", assetUrl);
                assertThat(card.locator("button.retry")).hasCount(0);
                page.screenshot(new Page.ScreenshotOptions()
                        .setPath(Path.of("target/screenshots").resolve("creations-finished.png"))
                        .setFullPage(true));
                assertThat(loads).as("loads of the gallery page").hasValue(1);

                // the finished card's actions work as on a card the server rendered finished
                card.locator("button.delete-asset").click();
                assertThat(page.locator("#action-message")).hasText("The file was deleted.");
                assertThat(card.locator(".badge")).hasText("File deleted");
                assertThat(card.locator(".thumb img")).hasCount(0);
                assertThat(loads).as("loads of the gallery page").hasValue(1);
                assertThat(errors).as("errors in the page's console").isEmpty();
            }
        } finally {
            simulator.setImageDuration(Duration.ofSeconds(1));
        }
    }

    @Test
    void aRunningCreationThatFailsShowsWhyAndTryAgainWithoutAReload() {
        UserAccount owner = owner("creations-fails");
        String token = users.issueToken(owner.id(), "t");
        simulator.setImageDuration(Duration.ofSeconds(6));
        simulator.setFailureRate(1.0);
        try {
            Api api = new Api(port);
            try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1100, 800))) {
                Page page = context.newPage();
                // signed in before the job starts: a sign-in slower than the job's 6 s on a loaded
                // machine left no running card to see
                SignInForm.signIn(page, port, owner.email(), PASSWORD);
                Api.Response accepted = api.post(
                        "/api/v1/generate-image",
                        token,
                        "{\"model\":\"nano-banana\",\"prompt\":\"a kite in a storm\"}");
                assertThat(accepted.status()).isEqualTo(202);
                String taskId = accepted.json().get("taskId").asString();
                AtomicInteger loads = galleryLoads(page);
                page.navigate(url("/creations"));
                Locator card = page.locator("#card-" + taskId);
                assertThat(card.locator("progress")).isVisible();

                assertThat(card.locator("button.retry")).isVisible(LONG);
                JsonNode failed =
                        api.get("/api/v1/generations/" + taskId, token).json();
                assertThat(failed.get("status").asString()).isEqualTo("failed");
                assertThat(card.locator(".badge")).hasText("Failed");
                assertThat(card.locator(".error-text"))
                        .hasText(failed.get("error").get("message").asString());
                assertThat(card.locator("progress")).hasCount(0);
                assertThat(card.locator("a.download")).hasCount(0);
                assertThat(loads).as("loads of the gallery page").hasValue(1);

                // "Try again" on the card that failed while the page looked: a new job, its page
                card.locator("button.retry").click();
                page.waitForURL(u -> u.contains("/creations/gen_") && !u.endsWith(taskId));
            }
            assertThat(api.get("/api/v1/generations", token).json().get("items").size())
                    .as("the failed job and the one try again")
                    .isEqualTo(2);
        } finally {
            simulator.setFailureRate(0);
            simulator.setImageDuration(Duration.ofSeconds(1));
        }
    }
}
