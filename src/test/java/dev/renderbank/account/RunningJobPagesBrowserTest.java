package dev.renderbank.account;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.renderbank.generation.internal.JobStore;
import dev.renderbank.generation.internal.Sweeper;
import dev.renderbank.notify.Notifier;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.Api;
import dev.renderbank.support.BrowserTest;
import dev.renderbank.support.SignInForm;
import dev.renderbank.support.TestUsers;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Pages of running jobs say what is true as the job goes on: a creation's page writes the status the
 * job has now (it said "Queued" while the bar moved) in a live region and promises an email only to
 * a user who gets them; a card that fails live while the gallery is open says, as the server-rendered
 * card does, that the provider may still deliver it free until a time (lateResultUntil) before its
 * paid "Try again". Writes docs/screenshots/creations-late-result.png.
 */
@TestPropertySource(properties = {"renderbank.simulator.image-duration=1s", "renderbank.limits.cooldown.image=0"})
class RunningJobPagesBrowserTest extends BrowserTest {

    static final String PASSWORD = "correct horse battery staple";

    @Autowired
    TestUsers testUsers;

    @Autowired
    KieSimulator simulator;

    @Autowired
    Notifier notifier;

    @Autowired
    JobStore jobs;

    @Autowired
    Sweeper sweeper;

    @AfterEach
    void back() {
        simulator.setVideoDuration(Duration.ofSeconds(2));
    }

    private String slowVideo(TestUsers.TestUser user) {
        simulator.setVideoDuration(Duration.ofHours(2));
        Api.Response accepted = new Api(port)
                .post("/api/v1/generate-video", user.token(), "{\"model\":\"sora-2\",\"prompt\":\"slow\"}");
        assertThat(accepted.status()).isEqualTo(202);
        String taskId = accepted.json().get("taskId").asString();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> jobs.find(taskId).orElseThrow().providerTaskId() != null);
        return taskId;
    }

    @Test
    void aCreationsPageFollowsTheStatusAndPromisesNoEmailToWhoTurnedThemOff() {
        TestUsers.TestUser user = testUsers.create(500);
        notifier.changeSettings(user.id(), false, null);
        String taskId = slowVideo(user);
        try (BrowserContext context = browser.newContext()) {
            Page page = context.newPage();
            SignInForm.signIn(page, port, user.email(), PASSWORD);
            page.navigate(url("/creations/" + taskId));
            assertThat(page.locator("#running")).containsText("shows the result when it is done.");
            assertThat(page.locator("#running")).not().containsText("email");
            Locator status = page.locator("#creation-status");
            assertThat(page.locator("p[aria-live=polite]", new Page.LocatorOptions().setHas(status)))
                    .hasCount(1);
            assertThat(status)
                    .hasText(
                            "Processing",
                            new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions()
                                    .setTimeout(20_000));
        }
    }

    @Test
    void aCardThatFailsLiveSaysALateResultMayStillComeFree() {
        TestUsers.TestUser user = testUsers.create(500);
        String taskId = slowVideo(user);
        try (BrowserContext context = browser.newContext()) {
            Page page = context.newPage();
            SignInForm.signIn(page, port, user.email(), PASSWORD);
            page.navigate(url("/creations"));
            Locator card = page.locator("#card-" + taskId);
            assertThat(card.locator(".running")).isVisible();

            clock.advance(Duration.ofMinutes(46)); // past its deadline: failed, the provider may still deliver
            sweeper.sweep();
            assertThat(card.locator(".badge"))
                    .hasText(
                            "Failed",
                            new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions()
                                    .setTimeout(20_000));
            assertThat(card.locator(".late-result")).containsText("The provider may still finish it");
            assertThat(card.locator(".late-result")).containsText("Trying again starts a new, paid generation.");
            assertThat(card.locator("button.retry")).isVisible();
            card.screenshot(
                    new Locator.ScreenshotOptions().setPath(Path.of("docs/screenshots/creations-late-result.png")));
        }
    }
}
