package dev.renderbank.account;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.Api;
import dev.renderbank.support.BrowserTest;
import dev.renderbank.support.SignInForm;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * In a real browser: a running creation's page that follows its job by polling (its event stream
 * broken) and whose session ends (signed out in another tab) does not poll a 401 every two seconds
 * for as long as the tab stays open behind a progress bar that never moves: it loads itself again,
 * which shows the sign-in page.
 */
@TestPropertySource(properties = {"renderbank.simulator.image-duration=1s", "renderbank.limits.cooldown.image=0"})
class CreationFollowSignedOutBrowserTest extends BrowserTest {

    static final String PASSWORD = "correct horse battery staple";

    @Autowired
    Users users;

    @Autowired
    Ledger ledger;

    @Autowired
    KieSimulator simulator;

    @Test
    void aFollowedCreationWhoseSessionEndsShowsTheSignInPageInsteadOfPollingForever() {
        UserAccount owner = users.create("follow-" + UUID.randomUUID() + "@test.local", PASSWORD, Role.USER, true);
        ledger.grant(owner.id(), 20, GrantSource.ADMIN, "follow-page:" + owner.id(), null, "test");
        String token = users.issueToken(owner.id(), "t");
        // still running while the test looks. The simulator reads the duration when the job is
        // submitted to it, which happens after the accept, so it stays set until the test ends: set
        // back right after the accept, a job submitted later ran 1 s and the page showed it done.
        simulator.setImageDuration(Duration.ofMinutes(3));
        try {
            followedCreationSignsOut(owner, token);
        } finally {
            simulator.setImageDuration(Duration.ofSeconds(1));
        }
    }

    private void followedCreationSignsOut(UserAccount owner, String token) {
        Api.Response accepted = new Api(port)
                .post("/api/v1/generate-image", token, "{\"model\":\"nano-banana\",\"prompt\":\"a slow kite\"}");
        assertThat(accepted.status()).isEqualTo(202);
        String taskId = accepted.json().get("taskId").asString();

        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1100, 800))) {
            Page page = context.newPage();
            // no event stream: the page falls back to polling the job
            page.route("**/api/v1/generations/" + taskId + "/events", Route::abort);
            AtomicInteger polls = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            page.onResponse(r -> {
                if (r.url().endsWith("/api/v1/generations/" + taskId)) {
                    polls.incrementAndGet();
                    if (r.status() == 401) {
                        refused.incrementAndGet();
                    }
                }
            });
            SignInForm.signIn(page, port, owner.email(), PASSWORD);
            assertThat(page.locator("#available")).hasText("15"); // 5 held by the running job

            page.navigate(url("/creations/" + taskId));
            assertThat(page.locator("#running progress")).isVisible();
            // Playwright delivers the response events while it is waited on
            page.waitForCondition(() -> polls.get() >= 1, new Page.WaitForConditionOptions().setTimeout(20_000));

            Page other = context.newPage();
            other.navigate(url("/account"));
            other.click("text=Sign out");
            assertThat(other).hasURL(Pattern.compile(".*/login.*"));

            assertThat(page)
                    .hasURL(
                            Pattern.compile(".*/login.*"),
                            new com.microsoft.playwright.assertions.PageAssertions.HasURLOptions().setTimeout(20_000));
            assertThat(refused.get()).isEqualTo(1);
        }
    }
}
