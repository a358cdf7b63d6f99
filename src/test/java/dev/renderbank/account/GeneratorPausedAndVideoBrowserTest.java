package dev.renderbank.account;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.BrowserTest;
import dev.renderbank.support.SignInForm;
import dev.renderbank.support.TestUsers;
import dev.renderbank.support.TestUsers.TestUser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The generator page when an operator has paused generation (the 503 answer shown with the
 * operator's message and a countdown, nothing held), and following a video job to its player.
 */
class GeneratorPausedAndVideoBrowserTest extends BrowserTest {

    static final String PASSWORD = "correct horse battery staple";

    @Autowired
    TestUsers users;

    @Autowired
    Ledger ledger;

    @Autowired
    KieSimulator simulator;

    @AfterEach
    void resume() {
        simulator.reset();
        switchGeneration("{\"paused\":false}");
    }

    /** An operator sets the generation switch (PUT /api/v1/admin/switches/generation). */
    private void switchGeneration(String json) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(
                                            "http://localhost:" + port + "/api/v1/admin/switches/generation"))
                                    .header("Authorization", "Bearer " + ADMIN_TOKEN)
                                    .header("Content-Type", "application/json")
                                    .PUT(HttpRequest.BodyPublishers.ofString(json))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Page signIn(BrowserContext context, TestUser user) {
        Page page = context.newPage();
        SignInForm.signIn(page, port, user.email(), PASSWORD);
        page.navigate(url("/generate"));
        assertThat(page.locator("#model")).isEnabled();
        return page;
    }

    @Test
    void whenGenerationIsPausedThePageShowsTheOperatorsMessageAndHoldsNothing() throws Exception {
        TestUser user = users.create(100);
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1200, 900))) {
            Page page = signIn(context, user);
            // paused by an operator after the page was opened
            switchGeneration("{\"paused\":true,\"message\":\"Back after the upgrade, about two minutes.\","
                    + "\"retryAfterSeconds\":120}");
            page.fill("#prompt", "a lighthouse while paused");
            page.click("#submit");
            assertThat(page.locator("#refusal")).isVisible();
            assertThat(page.locator("#refusal-title")).hasText("Generation paused");
            assertThat(page.locator("#refusal-detail")).containsText("Back after the upgrade, about two minutes.");
            assertThat(page.locator("#refusal-extra")).containsText("Try again in");
            assertThat(page.locator("#refusal-countdown")).hasText(Pattern.compile("[12]:\\d\\d"));
            assertThat(page.locator("#job")).isHidden();
            Path shots = Files.createDirectories(Path.of("docs/screenshots"));
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(shots.resolve("generator-paused.png"))
                    .setFullPage(true));
        }
        assertThat(ledger.balance(user.id())).isEqualTo(new Balance(100, 0, 0));
    }

    /**
     * The result panel follows the job started last; a job started before it stays in the recent
     * list, and its end must show there too. Before, starting an image stopped following the video
     * started before it: the video failed (its credits released) while its row kept "Processing"
     * until a reload.
     */
    @Test
    void aJobStartedBeforeTheOneInThePanelShowsItsEndInTheRecentList() {
        simulator.setVideoDuration(Duration.ofMinutes(5));
        simulator.setImageDuration(Duration.ofSeconds(1));
        TestUser user = users.create(100);
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1200, 900))) {
            Page page = signIn(context, user);
            page.check("#type-video");
            page.selectOption("#model", "sora-2");
            page.fill("#prompt", "a slow pan over a harbour");
            page.click("#submit");
            assertThat(page.locator("#job-model")).hasText("sora-2");
            String video = page.locator("#recent li[data-task]").first().getAttribute("data-task");
            var videoBadge = page.locator("#recent li[data-task=\"" + video + "\"] .badge");
            assertThat(videoBadge).hasText(Pattern.compile("Queued|Processing"));

            page.click("label[for=type-image]");
            page.selectOption("#model", "nano-banana");
            page.fill("#prompt", "a harbour at noon");
            page.click("#submit");
            assertThat(page.locator("#job-model")).hasText("nano-banana");
            assertThat(page.locator("#job-status"))
                    .hasText("completed", new LocatorAssertions.HasTextOptions().setTimeout(30_000));

            simulator.failRunningTasks(); // the video fails at the provider
            assertThat(videoBadge).hasText("Failed", new LocatorAssertions.HasTextOptions().setTimeout(30_000));
        }
        assertThat(ledger.balance(user.id())).isEqualTo(new Balance(95, 0, 0));
    }

    @Test
    void aVideoJobShowsItsProgressThenAPlayerWithTheVideo() {
        simulator.setVideoDuration(Duration.ofSeconds(8));
        TestUser user = users.create(100);
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1200, 900))) {
            Page page = signIn(context, user);
            page.check("#type-video");
            page.selectOption("#model", "sora-2");
            assertThat(page.locator("#price")).hasText("25");
            page.fill("#prompt", "waves rolling onto a beach at dusk");
            page.click("#submit");
            assertThat(page.locator("#job-model")).hasText("sora-2");
            assertProgressMoves(page);
            assertThat(page.locator("#job-status"))
                    .hasText("completed", new LocatorAssertions.HasTextOptions().setTimeout(30_000));
            var video = page.locator("#job-output video");
            assertThat(video).isVisible();
            String src = video.getAttribute("src");
            assertThat(src).startsWith("/api/v1/assets/");
            var file = page.request().get(url(src));
            assertThat(file.status()).isEqualTo(200);
            assertThat(file.headers().get("content-type")).startsWith("video/");
            assertThat(file.body()).isNotEmpty();
            assertThat(page.locator("#download")).hasAttribute("href", src);
        }
        assertThat(ledger.balance(user.id())).isEqualTo(new Balance(75, 0, 0));
    }
}
