package dev.renderbank.account;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.renderbank.support.BrowserTest;
import dev.renderbank.support.LostAnswer;
import dev.renderbank.support.SignInForm;
import dev.renderbank.support.TestUsers;
import dev.renderbank.support.TestUsers.TestUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A tab keeps the requests whose answer was lost (prompt and Idempotency-Key) in its sessionStorage
 * for the user who sent them. A next user of the same tab neither sees them nor sends with their
 * keys: signing out (and the sign-in page) forgets them, and so does a page of another signed-in
 * user (someone signed out and in again in another tab of the same browser).
 */
class UnansweredRequestsSignOutBrowserTest extends BrowserTest {

    static final String PASSWORD = "correct horse battery staple";
    static final Path SHOTS = Path.of("target/screenshots");

    @Autowired
    TestUsers users;

    @BeforeAll
    static void screenshots() throws IOException {
        Files.createDirectories(SHOTS);
    }

    private BrowserContext context() {
        return browser.newContext(new Browser.NewContextOptions().setViewportSize(1200, 900));
    }

    /** The Idempotency-Key of every image generation the page sends, in order. */
    private static List<String> keysSent(Page page) {
        List<String> keys = new CopyOnWriteArrayList<>();
        page.onRequest(r -> {
            if (r.method().equals("POST") && r.url().endsWith("/api/v1/generate-image")) {
                keys.add(r.headerValue("idempotency-key"));
            }
        });
        return keys;
    }

    /** Everything this tab keeps in its sessionStorage, as one JSON text. */
    private static String tabStorage(Page page) {
        return (String) page.evaluate("() => JSON.stringify(Object.assign({}, window.sessionStorage))");
    }

    private void openGenerator(Page page) {
        page.navigate(url("/generate"));
        assertThat(page.locator("#model")).isEnabled();
    }

    private static void send(Page page, String prompt) {
        page.selectOption("#model", "nano-banana");
        page.fill("#prompt", prompt);
        page.click("#submit");
    }

    /** Sends a generation whose answer is lost, so the tab keeps its prompt and key. */
    private void sendAndLoseTheAnswer(Page page, String prompt, List<String> keys) {
        LostAnswer.ofTheFirst(page, "**/api/v1/generate-image");
        openGenerator(page);
        send(page, prompt);
        assertThat(page.locator("#refusal-title")).hasText("No answer");
        assertThat(keys).hasSize(1);
        assertThat(tabStorage(page)).as("kept for a send after a reload").contains(prompt, keys.get(0));
    }

    @Test
    void signingOutForgetsTheRequestsKeptForTheUser() {
        TestUser first = users.create(100);
        TestUser next = users.create(100);
        String prompt = "a lighthouse at dusk " + UUID.randomUUID();
        try (BrowserContext context = context()) {
            Page page = context.newPage();
            List<String> keys = keysSent(page);
            SignInForm.signIn(page, port, first.email(), PASSWORD);
            sendAndLoseTheAnswer(page, prompt, keys);

            page.click("header form button:has-text('Sign out')");
            assertThat(page.locator("p.ok")).hasText("You are signed out.");
            assertThat(tabStorage(page)).doesNotContain(prompt).doesNotContain(keys.get(0));
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("signed-out.png")));

            SignInForm.submit(page, next.email(), PASSWORD);
            openGenerator(page);
            send(page, prompt);
            assertThat(page.locator("#job")).isVisible();
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("generator-next-user.png")));
            assertThat(keys).hasSize(2);
            assertThat(keys.get(1)).as("the next user's key").isNotEqualTo(keys.get(0));
        }
    }

    @Test
    void theSignInPageForgetsTheRequestsKeptInTheTab() {
        TestUser first = users.create(100);
        String prompt = "a harbour in fog " + UUID.randomUUID();
        try (BrowserContext context = context()) {
            Page page = context.newPage();
            List<String> keys = keysSent(page);
            SignInForm.signIn(page, port, first.email(), PASSWORD);
            sendAndLoseTheAnswer(page, prompt, keys);

            // signed out elsewhere (another tab, a password reset): this tab lands on the sign-in page
            context.clearCookies();
            page.navigate(url("/generate"));
            assertThat(page.locator("#username")).isVisible();
            assertThat(tabStorage(page)).doesNotContain(prompt).doesNotContain(keys.get(0));
        }
    }

    @Test
    void aPageOfAnotherSignedInUserForgetsTheRequestsKeptForTheFirst() {
        TestUser first = users.create(100);
        TestUser next = users.create(100);
        String prompt = "a windmill in the rain " + UUID.randomUUID();
        try (BrowserContext context = context()) {
            Page page = context.newPage();
            List<String> keys = keysSent(page);
            SignInForm.signIn(page, port, first.email(), PASSWORD);
            sendAndLoseTheAnswer(page, prompt, keys);

            // in another tab of the same browser, the first user signs out and the next one signs in
            Page other = context.newPage();
            other.navigate(url("/account"));
            other.click("header form button:has-text('Sign out')");
            SignInForm.submit(other, next.email(), PASSWORD);
            assertThat(other.locator("header .who")).hasText(next.email());
            other.close();

            openGenerator(page); // this tab's next page is the next user's
            assertThat(page.locator("header .who")).hasText(next.email());
            assertThat(tabStorage(page)).doesNotContain(prompt).doesNotContain(keys.get(0));
            send(page, prompt);
            assertThat(page.locator("#job")).isVisible();
            assertThat(keys).hasSize(2);
            assertThat(keys.get(1)).as("the next user's key").isNotEqualTo(keys.get(0));
        }
    }
}
