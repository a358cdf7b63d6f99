package dev.renderbank.account;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.Api;
import dev.renderbank.support.BrowserTest;
import dev.renderbank.support.LostAnswer;
import dev.renderbank.support.SignInForm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * In a real browser: a failed creation's page says it failed, why, and that the held credits were
 * released; a wrong address of a page (someone else's or no creation, an edited cursor) shows the
 * error page with what was wrong, not a JSON body; a failure on our side shows the error page with a
 * reference. Screenshots land in target/screenshots.
 */
@TestPropertySource(properties = {"renderbank.simulator.image-duration=1s", "renderbank.limits.cooldown.image=0"})
class FailedCreationBrowserTest extends BrowserTest {

    static final String PASSWORD = "correct horse battery staple";

    @Autowired
    Users users;

    @Autowired
    Ledger ledger;

    @Autowired
    KieSimulator simulator;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    /** A job of the token's owner that the provider failed (its status, awaited to the end). */
    private JsonNode failedJob(String token) {
        Api api = new Api(port);
        simulator.setFailureRate(1.0);
        try {
            Api.Response accepted =
                    api.post("/api/v1/generate-image", token, "{\"model\":\"nano-banana\",\"prompt\":\"a red kite\"}");
            assertThat(accepted.status()).isEqualTo(202);
            JsonNode failed = api.awaitTerminal(accepted.json().get("taskId").asString(), token);
            assertThat(failed.get("status").asString()).isEqualTo("failed");
            return failed;
        } finally {
            simulator.setFailureRate(0);
        }
    }

    @Test
    void tryingAgainAfterALostAnswerStartsOneJob() throws Exception {
        UserAccount owner = users.create("retry-" + UUID.randomUUID() + "@test.local", PASSWORD, Role.USER, true);
        ledger.grant(owner.id(), 20, GrantSource.ADMIN, "retry-page:" + owner.id(), null, "test");
        String token = users.issueToken(owner.id(), "t");
        String taskId = failedJob(token).get("taskId").asString();
        AtomicInteger posts;
        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1100, 800))) {
            Page page = context.newPage();
            SignInForm.signIn(page, port, owner.email(), PASSWORD);
            page.navigate(url("/creations/" + taskId));
            // the first "Try again" reaches the server and starts the job; its answer is lost on the way back
            posts = LostAnswer.ofTheFirst(page, "**/retry");
            page.click("button.retry");
            assertThat(page.locator("#action-problem")).containsText("No answer");
            assertThat(page.locator("button.retry")).isEnabled();
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(Files.createDirectories(Path.of("target/screenshots"))
                            .resolve("retry-unanswered.png")));

            page.click("button.retry"); // the same key: the server answers with the job the first click started
            page.waitForURL(u -> u.contains("/creations/gen_") && !u.endsWith(taskId));
        }
        assertThat(posts).hasValue(2);
        var jobs = new Api(port).get("/api/v1/generations", token).json().get("items");
        assertThat(jobs.size()).as("the failed job and the one try again").isEqualTo(2);
    }

    /**
     * The key of a "Try again" whose answer was lost outlives a reload of the page: pressed again
     * after it, the server answers with the job the first press started (one job, one charge). Once
     * an answer came, pressing "Try again" on the same failed creation is a new job.
     */
    @Test
    void tryingAgainAfterALostAnswerAndAReloadIsTheSameJobAndAfterAnAnswerANewOne() throws Exception {
        UserAccount owner =
                users.create("retry-reload-" + UUID.randomUUID() + "@test.local", PASSWORD, Role.USER, true);
        ledger.grant(owner.id(), 20, GrantSource.ADMIN, "retry-reload:" + owner.id(), null, "test");
        String token = users.issueToken(owner.id(), "t");
        String failed = failedJob(token).get("taskId").asString();
        Api api = new Api(port);
        AtomicInteger posts;
        String first;
        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1100, 800))) {
            Page page = context.newPage();
            SignInForm.signIn(page, port, owner.email(), PASSWORD);
            page.navigate(url("/creations/" + failed));
            posts = LostAnswer.ofTheFirst(page, "**/retry");
            page.click("button.retry");
            assertThat(page.locator("#action-problem")).containsText("No answer");
            var started = api.get("/api/v1/generations", token).json().get("items");
            assertThat(started.size()).as("the first press reached the server").isEqualTo(2);
            first = started.get(0).get("taskId").asString();

            page.reload();
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(Files.createDirectories(Path.of("target/screenshots"))
                            .resolve("retry-after-reload.png")));
            page.click("button.retry"); // after the reload: still the same key, so the first press's job
            page.waitForURL(u -> u.contains("/creations/gen_") && !u.endsWith(failed));
            assertThat(page.url()).endsWith("/creations/" + first);
            assertThat(api.get("/api/v1/generations", token).json().get("items").size())
                    .as("jobs after pressing Try again after a lost answer and a reload")
                    .isEqualTo(2);
            assertThat(api.awaitTerminal(first, token).get("creditsCharged").asLong())
                    .isEqualTo(5);
            assertThat(ledger.balance(owner.id())).isEqualTo(new Balance(15, 0, 0));
            assertThat(page.locator("#running")).hasCount(0); // the page has reloaded on the job's end

            // the answer came: "Try again" on the same failed creation is a new job now
            page.navigate(url("/creations/" + failed));
            page.click("button.retry");
            page.waitForURL(u -> u.contains("/creations/gen_") && !u.endsWith(failed) && !u.endsWith(first));
        }
        assertThat(posts).hasValue(3);
        var jobs = api.get("/api/v1/generations", token).json().get("items");
        assertThat(jobs.size()).as("the failed job and two tries").isEqualTo(3);
        String second = jobs.get(0).get("taskId").asString();
        assertThat(second).isNotEqualTo(first);
        assertThat(api.awaitTerminal(second, token).get("creditsCharged").asLong())
                .isEqualTo(5);
        assertThat(ledger.balance(owner.id())).isEqualTo(new Balance(10, 0, 0));
    }

    /**
     * A job failed at its deadline while the provider may still finish it: both pages say so next to
     * "Try again" (a new, paid generation), with the time until which the result is asked for.
     */
    @Test
    void aCreationFailedAtItsDeadlineSaysItsResultMayStillCome() throws Exception {
        UserAccount owner = users.create("late-" + UUID.randomUUID() + "@test.local", PASSWORD, Role.USER, true);
        ledger.grant(owner.id(), 20, GrantSource.ADMIN, "late-page:" + owner.id(), null, "test");
        String taskId =
                failedJob(users.issueToken(owner.id(), "t")).get("taskId").asString();
        // as the deadline sweep leaves a job whose provider task was still running
        jdbc.sql("""
                        update generation_job set error_code = 'deadline_exceeded',
                               error_message = 'The generation did not finish in time; your credits were released.',
                               provider_task_id = coalesce(provider_task_id, 'task-late-' || id)
                         where id = :id""").param("id", taskId).update();
        Path shots = Files.createDirectories(Path.of("target/screenshots"));
        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1100, 800))) {
            Page page = context.newPage();
            SignInForm.signIn(page, port, owner.email(), PASSWORD);
            page.navigate(url("/creations/" + taskId));
            assertThat(page.locator("p.late-result")).containsText("The provider may still finish it");
            assertThat(page.locator("button.retry")).isVisible();
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(shots.resolve("creation-late-result.png"))
                    .setFullPage(true));
            page.navigate(url("/creations"));
            assertThat(page.locator("p.late-result").first()).containsText("free of charge");
        }
    }

    @Test
    void aFailedCreationSaysWhyAndThatTheCreditsWereReleased() throws Exception {
        UserAccount owner = users.create("failed-" + UUID.randomUUID() + "@test.local", PASSWORD, Role.USER, true);
        ledger.grant(owner.id(), 20, GrantSource.ADMIN, "failed-page:" + owner.id(), null, "test");
        String token = users.issueToken(owner.id(), "t");
        JsonNode failed = failedJob(token);
        String taskId = failed.get("taskId").asString();
        assertThat(ledger.balance(owner.id())).isEqualTo(new Balance(20, 0, 0));

        Path shots = Files.createDirectories(Path.of("target/screenshots"));
        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1100, 800))) {
            Page page = context.newPage();
            SignInForm.signIn(page, port, owner.email(), PASSWORD);
            assertThat(page.locator("#available")).hasText("20");

            page.navigate(url("/creations/" + taskId));
            assertThat(page.locator("strong.error")).hasText("Failed");
            assertThat(page.locator("p.error"))
                    .hasText(failed.get("error").get("message").asString());
            assertThat(page.locator("table")).containsText("5 credits held for it were released");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(shots.resolve("creation-failed.png"))
                    .setFullPage(true));

            page.navigate(url("/creations/gen_nope"));
            assertThat(page.locator("h1")).hasText("Not found");
            assertThat(page).hasTitle(java.util.regex.Pattern.compile("^Not found"));
            // a signed-in user is not asked to sign in
            assertThat(page.locator("#next")).not().containsText("Sign in");
            page.navigate(url("/creations?cursor=edited"));
            assertThat(page.locator("h1")).hasText("This page could not be shown");
            assertThat(page.locator("#problem")).containsText("cursor");
            assertThat(page.locator("header")).containsText("Sign out"); // still signed in
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(shots.resolve("error-address.png"))
                    .setFullPage(true));

            // a checkout naming a product the catalogue no longer has: gone, nothing charged
            String checkout = "chk_retired_" + UUID.randomUUID().toString().substring(0, 8);
            jdbc.sql("""
                            insert into billing_checkout (id, user_id, product, provider, idempotency_key, status, created_at)
                            values (:id, :user, 'retired-pack', 'simulated', :id, 'PENDING', now())""").param("id", checkout).param("user", owner.id()).update();
            page.navigate(url("/checkout/simulated/" + checkout));
            assertThat(page.locator("h1")).hasText("No longer available");
            assertThat(page).hasTitle(java.util.regex.Pattern.compile("^No longer available"));
            assertThat(page.locator("#next")).not().containsText("Sign in");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(shots.resolve("error-gone.png"))
                    .setFullPage(true));
            page.locator("#next a", new Page.LocatorOptions().setHasText("Buy credits"))
                    .click();
            assertThat(page).hasURL(java.util.regex.Pattern.compile(".*/buy$"));

            // a failure on our side: the checkout's product column is missing for this one request
            jdbc.sql("alter table billing_checkout rename column product to product_lost")
                    .update();
            try {
                page.navigate(url("/checkout/simulated/" + checkout));
            } finally {
                jdbc.sql("alter table billing_checkout rename column product_lost to product")
                        .update();
            }
            assertThat(page.locator("h1")).hasText("Something went wrong");
            assertThat(page.locator("main code")).hasText(java.util.regex.Pattern.compile("^[0-9a-f]{8}$"));
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(shots.resolve("error-ours.png"))
                    .setFullPage(true));
        }
    }
}
